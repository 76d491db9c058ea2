// Which jobs share one boot (sim/scenario/shared_boot.h): decided from the loaded data alone, no boot
// needed. Where the fork happens and that it changes no artifact is worker_pool_test.cpp's part.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "real_scenario_util.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/shared_boot.h"

namespace bootsim::scenario {
namespace {

namespace fs = std::filesystem;

RunOptions out_to(const std::string& dir) {
  RunOptions o;
  o.out_dir = dir;
  return o;
}

/// Every variant of `s` as a job into `out`, in the scenario's order.
std::vector<VariantJob> jobs_of(const Scenario& s, const std::string& out = "/tmp/out") {
  std::vector<VariantJob> jobs;
  for (const auto& v : s.variants) jobs.push_back({&s, &v, out_to(out)});
  return jobs;
}

/// The groups as variant names, e.g. {{"stock", "shell"}, {"embedded-sleep"}}.
std::vector<std::vector<std::string>> named_groups(const std::vector<VariantJob>& jobs) {
  std::vector<std::vector<std::string>> out;
  for (const auto& g : group_jobs(jobs)) {
    out.emplace_back();
    for (size_t i : g) out.back().push_back(jobs[i].variant->name);
  }
  return out;
}

Scenario load_text(const std::string& name, const std::string& xml) {
  fs::path dir = test::fresh_dir("bootsim-shared-boot", name);
  std::ofstream(dir / (name + ".xml")) << xml;
  return load_scenario((dir / (name + ".xml")).string(), test::real_load_options());
}

TEST(shared_boot, BroadcomTimeoutSharesOneBootForEveryVariantThatRuns) {
  // Given the shipped scenario (custom-image is skipped without $BOOTSIM_CUSTOM_IPXE)
  ::unsetenv("BOOTSIM_CUSTOM_IPXE");
  Scenario s = load_scenario(std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml", test::real_load_options());
  // When its jobs are grouped
  auto groups = named_groups(jobs_of(s));
  // Then shell (keys) and embedded-sleep (a command line) ride on stock's boot, and the skipped variant
  // is in no group
  std::vector<std::vector<std::string>> want{{"stock", "embedded-sleep", "shell"}};
  EXPECT_EQ(groups, want);
}

const char* kVariants = R"(<scenario name="groups" seed="3" until="20s">
  <network subnet="10.0.2.0/24"><dhcp rom-filename="undionly.kpxe"/>
    <tftp><file name="undionly.kpxe" source="${ipxe}/undionly.kpxe"/></tftp></network>
  <machine name="pc" mac="52:54:00:12:34:56"><nic profile="broadcom-like"/><firmware rom="pxe"/></machine>
  <variant name="plain"><description>no keys</description></variant>
  <variant name="ctrl-b"><key on-console="Press Ctrl-B" keys="&lt;ctrl-b&gt;"/>
    <expect><console text="iPXE>"/></expect></variant>
  <variant name="timed"><key at="2s" keys="x"/></variant>
  <variant name="slow-phy"><nic autoneg="20s"/><key on-console="Press Ctrl-B" keys="&lt;ctrl-b&gt;"/></variant>
  <variant name="plain-again"/>
  <variant name="ctrl-b-again"><key on-console="Press Ctrl-B" keys="&lt;ctrl-b&gt;x"/></variant>
  <variant name="longer" until="30s"><key on-console="Press Ctrl-B" keys="&lt;ctrl-b&gt;"/></variant>
</scenario>
)";

TEST(shared_boot, VariantsShareUnlessTheyDifferInWhatTheWorldReadsWhenBuilt) {
  Scenario s = load_text("groups", kVariants);
  auto groups = named_groups(jobs_of(s));
  // Keys on the console, link timing and a second keyless variant are read late (sections): one group.
  // A timed first key (a scheduler event from the start) and another time limit boot alone.
  std::vector<std::vector<std::string>> want{
      {"plain", "ctrl-b", "slow-phy", "plain-again", "ctrl-b-again"}, {"timed"}, {"longer"}};
  EXPECT_EQ(groups, want);
  RunInputs plain = run_inputs(s, *s.find_variant("plain"));
  RunInputs slow = run_inputs(s, *s.find_variant("slow-phy"));
  EXPECT_EQ(plain.group_key, run_inputs(s, *s.find_variant("ctrl-b")).group_key)
      << "name, description, keys and expectations do not change the key";
  EXPECT_EQ(plain.group_key, slow.group_key);
  EXPECT_NE(plain.sections.at("machine/nic/link"), slow.sections.at("machine/nic/link"));
  EXPECT_TRUE(run_inputs(s, *s.find_variant("timed")).group_key.empty());
}

TEST(shared_boot, SeparateLoadsAndOutputFoldersShareAndNoShareTurnsItOff) {
  // Sweep cells are separate loads into separate folders: they share like variants of one load.
  Scenario s = load_text("groups", kVariants);
  Scenario again = load_text("groups", kVariants);
  std::vector<VariantJob> jobs{{&s, s.find_variant("plain"), out_to("/tmp/a")},
                               {&s, s.find_variant("ctrl-b"), out_to("/tmp/b")},
                               {&again, again.find_variant("ctrl-b"), out_to("/tmp/c")},
                               {&s, s.find_variant("longer"), out_to("/tmp/a")}};
  std::vector<std::vector<std::string>> want{{"plain", "ctrl-b", "ctrl-b"}, {"longer"}};
  EXPECT_EQ(named_groups(jobs), want);
  ::setenv("BOOTSIM_NO_SHARE", "1", 1);
  std::vector<std::vector<std::string>> alone{{"plain"}, {"ctrl-b"}, {"ctrl-b"}, {"longer"}};
  EXPECT_EQ(named_groups(jobs), alone);
  ::unsetenv("BOOTSIM_NO_SHARE");
}

}  // namespace
}  // namespace bootsim::scenario
