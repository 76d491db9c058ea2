// scenarios/README.md carries the attribute reference generated from the schema table, so the two can
// not drift. To refresh it after changing sim/scenario/schema.cpp:
//   BOOTSIM_UPDATE_REFERENCE=1 ./build/tests/scenario_tests --gtest_filter=scenario_reference_doc.*
#include <gtest/gtest.h>

#include "generated_section.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sim/scenario/schema.h"

namespace bootsim::scenario {
namespace {

const char* kBegin = "<!-- BEGIN GENERATED REFERENCE (schema_reference_markdown) -->\n";
const char* kEnd = "<!-- END GENERATED REFERENCE -->";

TEST(scenario_reference_doc, ReadmeMatchesTheSchema) {
  EXPECT_TRUE(test::generated_section_is_current("scenarios/README.md", kBegin, kEnd, schema_reference_markdown()));
}

TEST(scenario_reference_doc, EveryElementIsReachableAndDescribed) {
  for (const auto& e : scenario_schema()) {
    SCOPED_TRACE(e.path);
    EXPECT_FALSE(e.description.empty());
    for (const auto& a : e.attrs) EXPECT_FALSE(a.description.empty()) << a.name;
    if (e.path == "scenario" || e.path == "nic-profile") continue;  // the roots: of a scenario, of a profile file
    const ElementSpec* parent = find_element(e.path.substr(0, e.path.rfind('/')));
    ASSERT_TRUE(parent);
    std::string name = e.path.substr(e.path.rfind('/') + 1);
    EXPECT_NE(std::find(parent->children.begin(), parent->children.end(), name), parent->children.end());
  }
}

}  // namespace
}  // namespace bootsim::scenario
