// GRUB 2.06 netboot (Debian's grub-mknetdir core.0) through the shipped scenario, run by the bootsim
// binary: its menu reaches the console (INT 10h placed text, firmware/text_screen.h), its timeout=5 waits
// 5 virtual seconds (the TSC is virtual time, sim/cpu/rdtsc_trap.h), and three runs write the same trace.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "guest_fixture.h"
#include "tests/real_scenario_util.h"

namespace bootsim::testing {
namespace {

namespace fs = std::filesystem;

const std::string kScenario = std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/grub_netboot.xml";
const std::string kCore = std::string(BOOTSIM_BINARY_DIR) + "/payloads/grub-netdir/boot/grub/i386-pc/core.0";

struct Times {
  std::int64_t menu = -1, countdown_end = -1, handoff = -1;
  std::string cmdline;
};

Times times_in(const std::string& trace) {
  Times t;
  std::istringstream in(trace);
  std::string line;
  while (std::getline(in, line)) {
    auto e = nlohmann::json::parse(line);
    std::string kind = e["kind"];
    std::int64_t ns = e["t_ns"];
    if (kind == "console") {
      std::string text = e["text"];
      if (t.menu < 0 && text.find("executed automatically in 5s") != std::string::npos) t.menu = ns;
      if (text.find("executed automatically in 1s") != std::string::npos) t.countdown_end = ns;
    } else if (kind == "handoff" && t.handoff < 0) {
      t.handoff = ns;
      if (e.contains("cmdline")) t.cmdline = e["cmdline"];
    }
  }
  return t;
}

TEST(GrubBoot, MenuIsOnTheConsoleTheTimeoutWaitsFiveVirtualSecondsAndThreeRunsAreIdentical) {
  if (!fs::exists(kCore)) GTEST_SKIP() << kCore << " was not built (grub-pc-bin / grub-common missing)";
  const std::vector<std::string> variants = {"intel-like", "broadcom-like"};
  std::vector<std::string> first(variants.size());
  for (int run = 0; run < 3; ++run) {
    fs::path out = test::fresh_dir("grub_boot", "run" + std::to_string(run));
    ASSERT_EQ(run_bootsim_exe("scenario " + kScenario + " --out " + out.string()), 0) << "run " << run + 1;
    for (size_t v = 0; v < variants.size(); ++v) {
      SCOPED_TRACE(variants[v]);
      std::string trace = test::slurp(out / "grub_netboot" / (variants[v] + ".trace.jsonl"));
      ASSERT_FALSE(trace.empty()) << out;
      if (run > 0) {
        EXPECT_TRUE(trace == first[v]) << "run " << run + 1 << " wrote a different trace";
        continue;
      }
      first[v] = trace;
      // The countdown starts when the menu is drawn ("... in 5s."), and GRUB boots when it reaches 0:
      // 5 virtual seconds later (plus GRUB's own work), not the 0.48 s a host-clocked TSC gave.
      Times t = times_in(trace);
      ASSERT_GE(t.menu, 0) << "GRUB's menu never reached the console";
      ASSERT_GE(t.handoff, 0) << "no handoff";
      EXPECT_GE(t.handoff - t.menu, 5'000'000'000) << "menu at " << t.menu << " ns, handoff at " << t.handoff;
      EXPECT_LT(t.handoff - t.menu, 6'000'000'000) << "menu at " << t.menu << " ns, handoff at " << t.handoff;
      EXPECT_GE(t.countdown_end - t.menu, 4'000'000'000);
      EXPECT_LT(t.countdown_end - t.menu, 4'100'000'000);
      EXPECT_NE(t.cmdline.find("bootsim=grub-netboot"), std::string::npos) << t.cmdline;
    }
  }
}

}  // namespace
}  // namespace bootsim::testing
