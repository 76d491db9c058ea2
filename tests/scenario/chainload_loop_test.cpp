// The chainload loop with the real firmware (scenarios/chainload_loop.xml): a DHCP server without the
// ROM/iPXE split hands Debian's undionly.kpxe its own file again, and every generation of iPXE downloads
// and chains it under the PXE stack of the one before. The facts count downloads from the machine's own
// frames; here tshark reads the pcap on its own and must see the same read requests, so the count is the
// wire's, not bootsim's text. The split variant downloads once, and each expectation fails when the run
// says otherwise.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>

#include "real_scenario_util.h"
#include "sim/facts/trace_facts.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"

namespace bootsim::scenario {
namespace {

namespace fs = std::filesystem;

struct LoopRun {
  std::unique_ptr<Variant> variant;
  VariantResult result;
};

/// Each variant runs once for the whole suite: a real loop takes ~45 virtual seconds of nested iPXE.
class scenario_chainload_loop : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scenario_ = std::make_unique<Scenario>(load_scenario(std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/chainload_loop.xml",
                                                         test::real_load_options()));
    for (const char* name : {"no-split", "split"}) {
      const Variant* v = scenario_->find_variant(name);
      ASSERT_NE(v, nullptr) << name;
      RunOptions ro;
      ro.out_dir = (test::scratch_root() / "bootsim-chainload-loop").string();
      LoopRun& r = runs_[name];
      r.variant = std::make_unique<Variant>(*v);
      r.result = execute_variant(*scenario_, *v, ro);
      judge(*v, r.result);
    }
  }
  static void TearDownTestSuite() {
    runs_.clear();
    scenario_.reset();
  }
  static const facts::MachineFacts& facts(const std::string& variant) {
    const LoopRun& r = runs_.at(variant);
    return *r.result.facts->find("x11-01");
  }
  static Verdict check_body(const std::string& variant, ExpectationBody body) {
    Expectation e;
    e.body = std::move(body);
    const LoopRun& r = runs_.at(variant);
    return check(e, r.result, *r.result.facts);
  }
  static inline std::unique_ptr<Scenario> scenario_;
  static inline std::map<std::string, LoopRun> runs_;
};

TEST_F(scenario_chainload_loop, RealIpxeChainsItselfAndTheLoopIsDetected) {
  const VariantResult& r = runs_.at("no-split").result;
  EXPECT_TRUE(test::all_verdicts_pass(r.verdicts));
  const facts::MachineFacts& f = facts("no-split");
  std::vector<std::int64_t> at = f.downloads_of("undionly.kpxe");
  ASSERT_GE(at.size(), 3u);
  for (const auto& d : f.downloads) EXPECT_EQ(d.bytes, fs::file_size(std::string(BOOTSIM_IPXE_DIR) + "/undionly.kpxe"));
  // Each download started a new iPXE: the real binary printed its banner once per generation.
  size_t banners = 0;
  for (size_t p = 0; (p = r.console_text.find("iPXE initialising devices...ok", p)) != std::string::npos; ++p) ++banners;
  EXPECT_EQ(banners, at.size());
  // The finding is stated, with when each download began.
  std::string note = f.chainload_loop_note();
  EXPECT_EQ(note.rfind("chainload loop: undionly.kpxe downloaded " + std::to_string(at.size()) + " times by x11-01, at ", 0), 0u)
      << note;

  // tshark, reading the pcap on its own, sees as many read requests for the file.
  if (std::system("command -v tshark > /dev/null 2>&1") != 0) GTEST_SKIP() << "tshark not installed";
  fs::path listing = test::scratch_root() / "bootsim-chainload-loop" / "rrq.txt";
  std::string cmd = "tshark -r " + r.pcap_path + " -Y 'tftp.opcode == 1' -T fields -e tftp.source_file > " +
                    listing.string() + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string rrqs = test::slurp(listing);
  size_t n = 0;
  for (size_t p = 0; (p = rrqs.find("undionly.kpxe\n", p)) != std::string::npos; ++p) ++n;
  EXPECT_EQ(n, at.size()) << rrqs;
}

TEST_F(scenario_chainload_loop, TheSplitDownloadsOnceAndBoots) {
  const VariantResult& r = runs_.at("split").result;
  EXPECT_TRUE(test::all_verdicts_pass(r.verdicts));
  EXPECT_EQ(facts("split").downloads_of("undionly.kpxe").size(), 1u);
  EXPECT_FALSE(facts("split").repeated_download(2));
  EXPECT_EQ(facts("split").chainload_loop_note(), "");
}

TEST_F(scenario_chainload_loop, ExpectationsFailWhenTheRunSaysOtherwise) {
  // The loop run: "downloaded once" fails, as does a loop longer than the run allowed.
  Verdict once = check_body("no-split", ExpectNbpDownloads{"undionly.kpxe", 1, 1});
  EXPECT_EQ(once.status, VerdictStatus::kFail) << once.evidence;
  EXPECT_NE(once.evidence.find("undionly.kpxe downloaded"), std::string::npos) << once.evidence;
  Verdict longer = check_body("no-split", ExpectChainloadLoop{20});
  EXPECT_EQ(longer.status, VerdictStatus::kFail) << longer.evidence;
  // The split run: no loop, and a file it never downloaded counts 0.
  Verdict loop = check_body("split", ExpectChainloadLoop{3});
  EXPECT_EQ(loop.status, VerdictStatus::kFail) << loop.evidence;
  EXPECT_EQ(loop.evidence, "no chainload loop: undionly.kpxe downloaded 1 time(s), the most of any file");
  Verdict absent = check_body("split", ExpectNbpDownloads{"pxelinux.0", 1, std::nullopt});
  EXPECT_EQ(absent.status, VerdictStatus::kFail) << absent.evidence;
  // And the same expectations hold where they should.
  EXPECT_EQ(check_body("split", ExpectNbpDownloads{"/undionly.kpxe", 1, 1}).status, VerdictStatus::kPass);
  EXPECT_EQ(check_body("no-split", ExpectChainloadLoop{3}).status, VerdictStatus::kPass);
}

}  // namespace
}  // namespace bootsim::scenario
