// all_verdicts_pass (tests/real_scenario_util.h), the helper the scenario tests check verdict lists with: it
// must fail on an empty list, which a loop over the verdicts would let pass.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "real_scenario_util.h"

namespace bootsim::test {
namespace {

struct FakeVerdict {
  std::string status, expectation, evidence;
};

TEST(all_verdicts_pass, FailsOnAnEmptyList) {
  auto r = all_verdicts_pass(std::vector<FakeVerdict>{});
  EXPECT_FALSE(r);
  EXPECT_NE(std::string(r.message()).find("no verdicts"), std::string::npos) << r.message();
}

TEST(all_verdicts_pass, FailsNamingEachVerdictThatDidNotPass) {
  auto r = all_verdicts_pass(std::vector<FakeVerdict>{
      {"pass", "a", "ok"}, {"fail", "console contains X", "not seen"}, {"skip", "c", "skipped"}});
  EXPECT_FALSE(r);
  EXPECT_NE(std::string(r.message()).find("fail: console contains X — not seen"), std::string::npos) << r.message();
  EXPECT_NE(std::string(r.message()).find("skip: c"), std::string::npos) << r.message();
}

TEST(all_verdicts_pass, PassesWhenEveryVerdictPassed) {
  EXPECT_TRUE(all_verdicts_pass(std::vector<FakeVerdict>{{"pass", "a", ""}, {"pass", "b", ""}}));
}

}  // namespace
}  // namespace bootsim::test
