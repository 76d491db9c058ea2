// The XML Schemas are generated from the language table (sim/scenario/schema_xsd.cpp), and the shipped files
// are that text, so they cannot drift. To refresh them after changing sim/scenario/schema.cpp:
//   BOOTSIM_UPDATE_REFERENCE=1 ./build/tests/scenario_tests --gtest_filter='scenario_xsd.*'
// xmllint validates the shipped files against them (ctest schema.*, tests/tools/xsd_check.sh).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sim/scenario/schema.h"

namespace bootsim::scenario {
namespace {

::testing::AssertionResult file_is(const std::string& rel, const std::string& want) {
  const std::string path = std::string(BOOTSIM_SOURCE_DIR) + "/" + rel;
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  if (in && ss.str() == want) return ::testing::AssertionSuccess();
  if (std::getenv("BOOTSIM_UPDATE_REFERENCE")) {
    std::ofstream(path) << want;
    return ::testing::AssertionSuccess() << "rewritten";
  }
  return ::testing::AssertionFailure() << rel << " is out of date; rerun with BOOTSIM_UPDATE_REFERENCE=1";
}

TEST(scenario_xsd, ShippedScenarioSchemaIsGenerated) {
  EXPECT_TRUE(file_is("scenarios/bootsim-scenario.xsd", schema_xsd("scenario")));
}

TEST(scenario_xsd, ShippedProfileSchemaIsGenerated) {
  EXPECT_TRUE(file_is("nicmodels/profiles/nic-profile.xsd", schema_xsd("nic-profile")));
}

TEST(scenario_xsd, EveryElementOfTheTableIsInOneSchema) {
  std::string both = schema_xsd("scenario") + schema_xsd("nic-profile");
  for (const auto& e : scenario_schema()) {
    std::string name = e.path.substr(e.path.rfind('/') + 1);
    EXPECT_NE(both.find("<xs:element name=\"" + name + "\""), std::string::npos) << e.path;
  }
}

}  // namespace
}  // namespace bootsim::scenario
