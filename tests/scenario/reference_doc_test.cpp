// scenarios/README.md carries the attribute reference generated from the schema table, so the two can
// not drift. To refresh it after changing sim/scenario/schema.cpp:
//   BOOTSIM_UPDATE_REFERENCE=1 ./build/tests/scenario_tests --gtest_filter=scenario_reference_doc.*
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sim/scenario/schema.h"

namespace bootsim::scenario {
namespace {

const char* kBegin = "<!-- BEGIN GENERATED REFERENCE (schema_reference_markdown) -->\n";
const char* kEnd = "<!-- END GENERATED REFERENCE -->";

TEST(scenario_reference_doc, ReadmeMatchesTheSchema) {
  std::string path = std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/README.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  size_t b = text.find(kBegin), e = text.find(kEnd);
  ASSERT_NE(b, std::string::npos) << "README lacks the BEGIN marker";
  ASSERT_NE(e, std::string::npos) << "README lacks the END marker";
  b += std::string(kBegin).size();
  std::string want = schema_reference_markdown();
  if (text.substr(b, e - b) != want && std::getenv("BOOTSIM_UPDATE_REFERENCE")) {
    text.replace(b, e - b, want);
    std::ofstream(path) << text;
    return;
  }
  EXPECT_EQ(text.substr(b, e - b), want)
      << "scenarios/README.md is out of date; rerun with BOOTSIM_UPDATE_REFERENCE=1";
}

TEST(scenario_reference_doc, EveryElementIsReachableAndDescribed) {
  for (const auto& e : scenario_schema()) {
    SCOPED_TRACE(e.path);
    EXPECT_FALSE(e.description.empty());
    for (const auto& a : e.attrs) EXPECT_FALSE(a.description.empty()) << a.name;
    if (e.path == "scenario") continue;
    const ElementSpec* parent = find_element(e.path.substr(0, e.path.rfind('/')));
    ASSERT_TRUE(parent);
    std::string name = e.path.substr(e.path.rfind('/') + 1);
    EXPECT_NE(std::find(parent->children.begin(), parent->children.end(), name), parent->children.end());
  }
}

}  // namespace
}  // namespace bootsim::scenario
