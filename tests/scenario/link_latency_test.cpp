// The "stock" failure in broadcom_timeout.xml comes from iPXE's own DHCP timers running out while the
// NIC's link is down, not from anything in the scenario: shorten the broadcom-like link-up latency below
// iPXE's DHCP window and the very same variant boots. Real iPXE, both ways.
#include <gtest/gtest.h>

#include <filesystem>

#include "real_scenario_util.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"

namespace bootsim::scenario {
namespace {

namespace fs = std::filesystem;

VariantResult run_stock(const std::vector<std::pair<std::string, std::string>>& overrides, const std::string& dir) {
  LoadOptions o = test::real_load_options();
  o.overrides = overrides;
  Scenario s = load_scenario(std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml", o);
  const Variant* stock = s.find_variant("stock");
  EXPECT_NE(stock, nullptr);
  RunOptions ro;
  ro.out_dir = (test::scratch_root() / "bootsim-link-latency" / dir).string();
  VariantResult r = execute_variant(s, *stock, ro);
  judge(*stock, r);
  return r;
}

const Verdict& verdict(const VariantResult& r, const std::string& starts_with) {
  for (const auto& v : r.verdicts)
    if (v.expectation.rfind(starts_with, 0) == 0) return v;
  throw std::runtime_error("no expectation " + starts_with);
}

TEST(scenario_link_latency, StockBootsWhenTheLinkComesBackWithinIpxesDhcpWindow) {
  VariantResult as_shipped = run_stock({}, "shipped");
  EXPECT_EQ(as_shipped.result.reason, StopReason::kNbpReturned);
  EXPECT_TRUE(bootsim::test::all_verdicts_pass(as_shipped.verdicts));

  // 2 s of autonegotiation (plus the profile's seeded jitter) ends before iPXE's second DISCOVER.
  VariantResult fast = run_stock({{"machine[r640-01]/nic/@autoneg", "2s"}}, "fast-link");
  EXPECT_EQ(fast.result.reason, StopReason::kHandoff) << fast.result.detail;
  EXPECT_EQ(verdict(fast, "ipxe DHCP").status, VerdictStatus::kFail) << "stock expects no lease; it got one: "
                                                        << verdict(fast, "ipxe DHCP").evidence;
  EXPECT_EQ(verdict(fast, "console contains").status, VerdictStatus::kFail) << "iPXE's failure text is gone";
  EXPECT_EQ(verdict(fast, "no handoff").status, VerdictStatus::kFail);
  EXPECT_EQ(fast.console_text.find("No configuration methods succeeded"), std::string::npos);
  EXPECT_NE(fast.console_text.find("Configuring (net0 52:54:00:12:34:56)"), std::string::npos);
}

}  // namespace
}  // namespace bootsim::scenario
