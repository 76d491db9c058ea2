// JSON timeline and JUnit XML of a real scenario run, read back with real parsers.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "report_fixtures.h"

namespace bootsim::reports {
namespace {

TEST(reports_JsonReport, TimelineStagesLinksMarkersAndVerdicts) {
  ScenarioReport r = testing::broadcom_scenario();
  std::string text = render_json(r);
  testing::write_file(testing::out_dir() + "/broadcom-link-drop.json", text);
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["schema"], "bootsim-report/1");
  EXPECT_EQ(j["scenario"], "broadcom-link-drop");
  ASSERT_EQ(j["variants"].size(), 3u);
  for (size_t i = 0; i < r.variants.size(); ++i) {
    const auto& jv = j["variants"][i];
    EXPECT_EQ(jv["variant"], r.variants[i].variant);
    EXPECT_EQ(jv["markers"].size(), r.variants[i].events.size());
    EXPECT_EQ(jv["verdicts"].size(), r.variants[i].verdicts.size());
    EXPECT_FALSE(jv["console"].empty());
    EXPECT_EQ(jv["artifacts"]["trace"], r.variants[i].artifacts.at("trace"));
  }
  auto configuring = [&](size_t v) {
    for (const auto& s : j["variants"][v]["stages"])
      if (s["name"] == "configuring") return s["outcome"].get<std::string>();
    return std::string("missing");
  };
  EXPECT_EQ(configuring(0), "failed");
  EXPECT_EQ(configuring(1), "ok");
  EXPECT_EQ(configuring(2), "ok");
  EXPECT_EQ(j["variants"][0]["links"][1]["state"], "down");
  EXPECT_TRUE(j["variants"][2]["links"].empty());  // generic NIC: no link events
}

// render_json writes each variant's markers itself (two threads for a long list) into the library's dump
// of the rest: it must be the library's dump of the whole document, byte for byte.
TEST(reports_JsonReport, IsTheLibrarysDumpOfTheDocumentByteForByte) {
  // Given the broadcom run's three variants, a 40,001-marker variant (made of the first variant's events
  // over and over: its markers are written on two threads), a variant without events, and a description
  // that reads like the markers key
  ScenarioReport r = testing::broadcom_scenario();
  ASSERT_FALSE(r.variants.empty());
  const std::vector<TraceEvent> one = r.variants[0].events;
  ASSERT_FALSE(one.empty());
  VariantRun big = r.variants[0];
  big.variant = "long";
  big.description = "\n      \"markers\": 3,\n";
  big.events.clear();
  while (big.events.size() < 40001) big.events.push_back(one[big.events.size() % one.size()]);
  big.facts.reset();
  big.timeline.reset();
  r.variants.push_back(big);
  VariantRun empty;
  empty.variant = "empty";
  r.variants.push_back(empty);

  // When it is rendered, and the document dumped by the library
  const std::string text = render_json(r);
  const std::string library =
      report_json(r).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";

  // Then the two are the same bytes, and the long variant has all its markers
  EXPECT_EQ(text.size(), library.size());
  EXPECT_TRUE(text == library) << "render_json differs from the library's dump";
  auto j = nlohmann::json::parse(text);
  ASSERT_EQ(j["variants"].size(), 5u);
  EXPECT_EQ(j["variants"][3]["markers"].size(), 40001u);
  EXPECT_EQ(j["variants"][3]["description"], big.description);
  EXPECT_TRUE(j["variants"][4]["markers"].empty());
}

TEST(reports_JunitReport, HasTheStructureCiServersRead) {
  ScenarioReport r = testing::broadcom_scenario();
  std::string xml = render_junit(r);
  testing::write_file(testing::out_dir() + "/broadcom-link-drop.junit.xml", xml);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  pugi::xml_node suites = doc.child("testsuites");
  ASSERT_TRUE(suites);
  pugi::xml_node suite = suites.child("testsuite");
  ASSERT_TRUE(suite);
  EXPECT_STREQ(suite.attribute("name").value(), "broadcom-link-drop");
  int cases = 0, failures = 0, skipped = 0;
  for (pugi::xml_node tc : suite.children("testcase")) {
    ++cases;
    std::string cls = tc.attribute("classname").value();
    EXPECT_EQ(cls.rfind("broadcom-link-drop.", 0), 0u) << cls;
    EXPECT_FALSE(std::string(tc.attribute("name").value()).empty());
    if (pugi::xml_node f = tc.child("failure")) {
      ++failures;
      EXPECT_EQ(cls, "broadcom-link-drop.stock");
      EXPECT_FALSE(std::string(f.attribute("message").value()).empty());
      EXPECT_NE(std::string(f.child_value()).find("No configuration methods succeeded"), std::string::npos);
    }
    if (tc.child("skipped")) ++skipped;
    std::string out = tc.child("system-out").child_value();
    EXPECT_NE(out.find("iPXE 1.0.0"), std::string::npos) << "console of the variant";
  }
  EXPECT_EQ(cases, 9);  // 3 variants x 3 expectations
  EXPECT_EQ(failures, 1);
  EXPECT_EQ(skipped, 3);
  EXPECT_EQ(suite.attribute("tests").as_int(), cases);
  EXPECT_EQ(suite.attribute("failures").as_int(), failures);
  EXPECT_EQ(suite.attribute("skipped").as_int(), skipped);
  EXPECT_EQ(suites.attribute("tests").as_int(), cases);
  EXPECT_EQ(suites.attribute("failures").as_int(), failures);
}

TEST(reports_JunitReport, VariantWithoutExpectationsStillReportsItsRun) {
  ScenarioReport r;
  r.scenario = "bare";
  VariantRun v;
  v.variant = "only";
  TraceEvent c = TraceEvent::object();
  c["t_ns"] = 5; c["machine"] = "pc0"; c["kind"] = "console"; c["text"] = "hi\x07<&>";
  TraceEvent f = TraceEvent::object();
  f["t_ns"] = 9; f["machine"] = "pc0"; f["kind"] = "fault"; f["fault"] = "invalid_opcode"; f["message"] = "x";
  TraceEvent e = TraceEvent::object();
  e["t_ns"] = 9; e["machine"] = "pc0"; e["kind"] = "exit"; e["reason"] = "guest_fault";  // as Machine writes it
  v.events = {c, f, e};
  r.variants.push_back(v);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(render_junit(r).c_str()));
  pugi::xml_node tc = doc.select_node("/testsuites/testsuite/testcase").node();
  EXPECT_STREQ(tc.attribute("classname").value(), "bare.only");
  EXPECT_STREQ(tc.attribute("name").value(), "runs without a guest fault");
  EXPECT_FALSE(tc.child("failure"));
  EXPECT_STREQ(tc.child("error").attribute("type").value(), "invalid_opcode");
  EXPECT_EQ(doc.child("testsuites").attribute("errors").as_int(), 1);
  EXPECT_NE(std::string(tc.child("system-out").child_value()).find("hi<&>"), std::string::npos);
}

TEST(reports_JunitReport, ErrorVerdictIsAnErrorOfItsKindAndIdNamesTheSuite) {
  ScenarioReport r;
  r.scenario = "twin";
  r.id = "twin-2";
  VariantRun v;
  v.variant = "v";
  v.verdicts = {{"console contains \"x\"", VerdictStatus::kFail, "not on the console", testing::line_at(7)},
                {"runs without a guest fault", VerdictStatus::kError, "watchdog: no host entry at 1s", {}, "watchdog"}};
  r.variants.push_back(v);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(render_junit(r).c_str()));
  pugi::xml_node suites = doc.child("testsuites"), suite = suites.child("testsuite");
  EXPECT_STREQ(suites.attribute("name").value(), "twin-2");
  EXPECT_STREQ(suite.attribute("name").value(), "twin-2");
  for (pugi::xml_node n : {suites, suite}) {
    EXPECT_EQ(n.attribute("tests").as_int(), 2);
    EXPECT_EQ(n.attribute("failures").as_int(), 1);
    EXPECT_EQ(n.attribute("errors").as_int(), 1);
  }
  pugi::xml_node err = doc.select_node("//testcase[@name='runs without a guest fault']/error").node();
  ASSERT_TRUE(err);
  EXPECT_STREQ(err.attribute("type").value(), "watchdog");
  EXPECT_STREQ(err.parent().attribute("classname").value(), "twin-2.v");
  EXPECT_FALSE(err.parent().child("failure"));
  EXPECT_STREQ(doc.select_node("//testcase/failure").node().attribute("type").value(), "expectation");
}

}  // namespace
}  // namespace bootsim::reports
