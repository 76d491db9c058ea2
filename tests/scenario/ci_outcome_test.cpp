// What CI sees of a `bootsim scenario` run, through the real binary: a guest fault is a JUnit <error>
// named after the fault kind and exit 3, a failed expectation a <failure> and exit 1, a skipped variant
// <skipped>; a variant without expectations still gets a "runs without a guest fault" case; and two
// scenario files with the same name get folders of their own. The guests are the tiny programs of
// tests/guest/ served as NBPs, so each fault is deterministic and takes milliseconds (the watchdog ~1 s).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "real_scenario_util.h"

namespace bootsim {
namespace {

namespace fs = std::filesystem;

std::string guest_nbp(const std::string& program) {
  return std::string(BOOTSIM_BINARY_DIR) + "/generated/guest_" + program + ".bin";
}

/// A scenario with one machine starting at `program`, no DHCP, and `variants` (XML) as written.
std::string scenario_xml(const std::string& name, const std::string& program, const std::string& variants) {
  return "<scenario name=\"" + name + "\" seed=\"1\" until=\"5s\">\n"
         "  <network><dhcp mode=\"none\"/></network>\n"
         "  <machine name=\"pc\" mac=\"52:54:00:12:34:56\"><firmware nbp=\"" + guest_nbp(program) + "\"/></machine>\n" +
         variants + "</scenario>\n";
}

struct CliRun {
  int rc = -1;
  std::string out;  ///< stdout and stderr
  fs::path dir;     ///< the scratch directory: scenario files, out/, junit.xml
};

/// Writes each (file name, XML) into a fresh directory and runs `bootsim scenario` on them in that order,
/// with --out DIR/out and --junit DIR/junit.xml.
CliRun run_scenarios(const std::string& test, const std::vector<std::pair<std::string, std::string>>& files) {
  CliRun r;
  r.dir = test::fresh_dir("ci_outcome", test);
  std::string cmd = std::string(BOOTSIM_EXE) + " scenario";
  for (const auto& [file, xml] : files) {
    std::ofstream(r.dir / file) << xml;
    cmd += " '" + (r.dir / file).string() + "'";
  }
  cmd += " --out '" + (r.dir / "out").string() + "' --junit '" + (r.dir / "junit.xml").string() + "' -j 1 > '" +
         (r.dir / "log").string() + "' 2>&1";
  int st = std::system(cmd.c_str());
  r.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = test::slurp(r.dir / "log");
  return r;
}

CliRun run_one(const std::string& test, const std::string& xml) { return run_scenarios(test, {{"s.xml", xml}}); }

/// The testcases of a JUnit file (fails the test when it does not parse).
struct Junit {
  pugi::xml_document doc;
  explicit Junit(const fs::path& path) {
    pugi::xml_parse_result ok = doc.load_file(path.c_str());
    EXPECT_TRUE(ok) << path << ": " << ok.description();
  }
  pugi::xml_node suites() const { return doc.child("testsuites"); }
  std::vector<pugi::xml_node> cases() const {
    std::vector<pugi::xml_node> out;
    for (pugi::xpath_node n : doc.select_nodes("/testsuites/testsuite/testcase")) out.push_back(n.node());
    return out;
  }
  pugi::xml_node named(const std::string& name) const {
    for (pugi::xml_node c : cases())
      if (name == c.attribute("name").value()) return c;
    return {};
  }
};

TEST(scenario_CiOutcome, GuestFaultWithoutExpectationsIsAJunitErrorOfItsKind) {
  struct Case { const char* program; const char* kind; };
  for (const Case c : {Case{"fault_ud2", "invalid_opcode"}, Case{"fault_loop", "watchdog"}}) {
    SCOPED_TRACE(c.program);
    CliRun r = run_one(c.program, scenario_xml("faulty", c.program, ""));
    EXPECT_EQ(r.rc, 3) << r.out;
    for (const fs::path& file : {r.dir / "junit.xml", r.dir / "out" / "faulty" / "junit.xml"}) {
      Junit j(file);
      ASSERT_EQ(j.cases().size(), 1u) << file;
      pugi::xml_node tc = j.cases()[0];
      EXPECT_STREQ(tc.attribute("name").value(), "runs without a guest fault");
      EXPECT_STREQ(tc.attribute("classname").value(), "faulty.default");
      EXPECT_FALSE(tc.child("failure"));
      pugi::xml_node e = tc.child("error");
      ASSERT_TRUE(e) << file;
      EXPECT_STREQ(e.attribute("type").value(), c.kind);
      EXPECT_NE(std::string(e.attribute("message").value()).find(c.kind), std::string::npos);
      EXPECT_EQ(j.doc.select_node("/testsuites/testsuite").node().attribute("errors").as_int(), 1);
      EXPECT_EQ(j.suites().attribute("errors").as_int(), 1);
      EXPECT_EQ(j.suites().attribute("failures").as_int(), 0);
    }
    auto json = nlohmann::json::parse(test::slurp(r.dir / "out" / "faulty" / "report.json"));
    ASSERT_EQ(json["variants"][0]["verdicts"].size(), 1u);
    EXPECT_EQ(json["variants"][0]["verdicts"][0]["status"], "error");
    EXPECT_EQ(json["variants"][0]["verdicts"][0]["fault"], c.kind);
    EXPECT_NE(r.out.find("[default] FAULT  runs without a guest fault"), std::string::npos) << r.out;
  }
}

TEST(scenario_CiOutcome, CleanRunWithoutExpectationsPassesItsImplicitCase) {
  CliRun r = run_one("clean", scenario_xml("clean", "pit", ""));
  EXPECT_EQ(r.rc, 0) << r.out;
  Junit j(r.dir / "junit.xml");
  ASSERT_EQ(j.cases().size(), 1u);
  pugi::xml_node tc = j.named("runs without a guest fault");
  ASSERT_TRUE(tc);
  EXPECT_FALSE(tc.child("error"));
  EXPECT_FALSE(tc.child("failure"));
  EXPECT_FALSE(tc.child("skipped"));
  EXPECT_NE(r.out.find("[default] PASS  runs without a guest fault"), std::string::npos) << r.out;
}

TEST(scenario_CiOutcome, FailedExpectationIsAFailureNotAnError) {
  CliRun r = run_one("failure", scenario_xml("expecting", "pit", R"(
  <variant name="v"><expect><console text="this is never printed"/></expect></variant>
)"));
  EXPECT_EQ(r.rc, 1) << r.out;
  Junit j(r.dir / "junit.xml");
  ASSERT_EQ(j.cases().size(), 1u);  // no implicit case: the variant has an expectation and did not fault
  pugi::xml_node f = j.cases()[0].child("failure");
  ASSERT_TRUE(f);
  EXPECT_STREQ(f.attribute("type").value(), "expectation");
  EXPECT_FALSE(j.cases()[0].child("error"));
  EXPECT_EQ(j.suites().attribute("failures").as_int(), 1);
  EXPECT_EQ(j.suites().attribute("errors").as_int(), 0);
}

TEST(scenario_CiOutcome, FaultAfterEveryExpectationHeldIsStillAnError) {
  // The expectation is met before the UD2; the fault must not hide behind it.
  CliRun r = run_one("after", scenario_xml("late_fault", "fault_ud2", R"(
  <variant name="v"><expect><console text="ud2"/></expect></variant>
)"));
  EXPECT_EQ(r.rc, 3) << r.out;
  Junit j(r.dir / "junit.xml");
  ASSERT_EQ(j.cases().size(), 2u);
  EXPECT_FALSE(j.named("console contains \"ud2\"").child("failure"));
  pugi::xml_node e = j.named("runs without a guest fault").child("error");
  ASSERT_TRUE(e);
  EXPECT_STREQ(e.attribute("type").value(), "invalid_opcode");
  EXPECT_EQ(j.suites().attribute("errors").as_int(), 1);
}

TEST(scenario_CiOutcome, FaultTheVariantExpectsIsNoError) {
  CliRun r = run_one("expected", scenario_xml("expected_fault", "fault_ud2", R"(
  <variant name="v"><expect><exit reason="guest_fault"/></expect></variant>
)"));
  EXPECT_EQ(r.rc, 0) << r.out;
  Junit j(r.dir / "junit.xml");
  ASSERT_EQ(j.cases().size(), 1u);
  EXPECT_FALSE(j.cases()[0].child("error"));
  EXPECT_FALSE(j.cases()[0].child("failure"));
  EXPECT_EQ(j.suites().attribute("errors").as_int(), 0);
}

TEST(scenario_CiOutcome, AnExpectedFaultCoversOnlyTheMachineItNames) {
  std::string xml = "<scenario name=\"pair\" seed=\"1\" until=\"5s\">\n"
                    "  <network><dhcp mode=\"none\"/></network>\n"
                    "  <machine name=\"a\" mac=\"52:54:00:12:34:56\"><firmware nbp=\"" + guest_nbp("fault_ud2") + "\"/></machine>\n"
                    "  <machine name=\"b\" mac=\"52:54:00:12:34:57\"><firmware nbp=\"" + guest_nbp("pit") + "\"/></machine>\n"
                    "  <variant name=\"a-expected\"><expect machine=\"a\"><exit reason=\"guest_fault\"/></expect></variant>\n"
                    "  <variant name=\"b-expected\"><expect machine=\"b\"><exit reason=\"guest_fault\"/></expect></variant>\n"
                    "</scenario>\n";
  CliRun r = run_one("pair", xml);
  EXPECT_EQ(r.rc, 3) << r.out;  // a's fault in b-expected was foreseen by nobody
  Junit j(r.dir / "junit.xml");
  EXPECT_FALSE(j.doc.select_node("//testcase[@classname='pair.a-expected']/error"));
  EXPECT_FALSE(j.doc.select_node("//testcase[@classname='pair.a-expected']/failure"));
  pugi::xml_node e = j.doc.select_node("//testcase[@classname='pair.b-expected']/error").node();
  ASSERT_TRUE(e);
  EXPECT_STREQ(e.attribute("type").value(), "invalid_opcode");
  EXPECT_EQ(std::string(e.attribute("message").value()).rfind("a: invalid_opcode", 0), 0u) << e.attribute("message").value();
  EXPECT_TRUE(j.doc.select_node("//testcase[@classname='pair.b-expected']/failure"));  // b did not fault
}

TEST(scenario_CiOutcome, SkippedVariantWithoutExpectationsIsSkipped) {
  CliRun r = run_one("skipped", scenario_xml("skipping", "fault_ud2", R"(
  <variant name="v"><skip-unless env="BOOTSIM_CI_OUTCOME_TEST_NEVER_SET"/></variant>
)"));
  EXPECT_EQ(r.rc, 0) << r.out;
  Junit j(r.dir / "junit.xml");
  ASSERT_EQ(j.cases().size(), 1u);
  EXPECT_TRUE(j.cases()[0].child("skipped"));
  EXPECT_FALSE(j.cases()[0].child("error"));
  EXPECT_EQ(j.suites().attribute("skipped").as_int(), 1);
}

TEST(scenario_CiOutcome, TwoFilesWithTheSameNameGetTheirOwnFolders) {
  // The first boots cleanly, the second faults: nothing of the second may land in the first's folder.
  CliRun r = run_scenarios("same_name", {{"a.xml", scenario_xml("twin", "pit", "")},
                                      {"b.xml", scenario_xml("twin", "fault_ud2", "")}});
  EXPECT_EQ(r.rc, 3) << r.out;
  fs::path first = r.dir / "out" / "twin", second = r.dir / "out" / "twin-2";
  ASSERT_TRUE(fs::exists(first / "report.json"));
  ASSERT_TRUE(fs::exists(second / "report.json"));
  auto a = nlohmann::json::parse(test::slurp(first / "report.json"));
  auto b = nlohmann::json::parse(test::slurp(second / "report.json"));
  EXPECT_EQ(a["file"], (r.dir / "a.xml").string());
  EXPECT_EQ(b["file"], (r.dir / "b.xml").string());
  EXPECT_EQ(a["variants"][0]["verdicts"][0]["status"], "pass");
  EXPECT_EQ(b["variants"][0]["verdicts"][0]["status"], "error");
  EXPECT_NE(test::slurp(first / "default.console.log"), test::slurp(second / "default.console.log"));
  std::string index = test::slurp(r.dir / "out" / "index.html");
  EXPECT_NE(index.find("href=\"twin/report.html\""), std::string::npos) << index;
  EXPECT_NE(index.find("href=\"twin-2/report.html\""), std::string::npos) << index;
  // CI servers key results by suite and class name: the two runs must not merge there either.
  Junit j(r.dir / "junit.xml");
  std::vector<std::string> suites;
  for (pugi::xml_node s : j.suites().children("testsuite")) suites.push_back(s.attribute("name").value());
  EXPECT_EQ(suites, (std::vector<std::string>{"twin", "twin-2"}));
  EXPECT_TRUE(j.doc.select_node("//testcase[@classname='twin-2.default']/error"));
  EXPECT_TRUE(j.doc.select_node("//testcase[@classname='twin.default']"));
  EXPECT_NE(r.out.find("twin-2"), std::string::npos) << "the printout names the folder";
}

}  // namespace
}  // namespace bootsim
