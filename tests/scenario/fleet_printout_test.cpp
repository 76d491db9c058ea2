// What `bootsim scenario` prints for a fleet, through the real binary: a variant of more than
// reports::kFleetMachines machines prints one `ended:` line per way its machines ended and one evidence
// line per group of machines whose evidence reads alike ("7/10 machines (a01, a02, a03, … 4 more): …"),
// as its report does; a smaller one prints every machine. The machines run tiny guests of tests/guest/
// (a Multiboot handoff, an invalid opcode), so ten of them take well under a second.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <iterator>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "real_scenario_util.h"

namespace bootsim {
namespace {

namespace fs = std::filesystem;

std::string guest_nbp(const std::string& program) {
  return std::string(BOOTSIM_BINARY_DIR) + "/generated/guest_" + program + ".bin";
}

/// `handoffs` machines a01… that hand off and `faults` machines b01… that execute UD2, every one expected
/// to hand off.
std::string fleet_xml(int handoffs, int faults) {
  return "<scenario name=\"fleet\" seed=\"1\" until=\"5s\">\n"
         "  <network><dhcp mode=\"none\"/></network>\n"
         "  <machine name=\"a{n:02}\" count=\"" + std::to_string(handoffs) + "\" mac=\"52:54:00:12:34:01\">"
         "<firmware nbp=\"" + guest_nbp("handoff_mb") + "\"/></machine>\n"
         "  <machine name=\"b{n:02}\" count=\"" + std::to_string(faults) + "\" mac=\"52:54:00:22:34:01\">"
         "<firmware nbp=\"" + guest_nbp("fault_ud2") + "\"/></machine>\n"
         "  <variant name=\"v\"><expect><exit reason=\"handoff\"/></expect></variant>\n"
         "</scenario>\n";
}

struct Printout {
  int rc = -1;
  std::string out;  ///< stdout only
};

Printout run_xml(const std::string& test, const std::string& xml) {
  fs::path dir = test::fresh_dir("fleet_printout", test);
  std::ofstream(dir / "fleet.xml") << xml;
  std::string cmd = std::string(BOOTSIM_EXE) + " scenario '" + (dir / "fleet.xml").string() + "' --out '" +
                    (dir / "out").string() + "' -j 1 > '" + (dir / "stdout").string() + "' 2>/dev/null";
  int st = std::system(cmd.c_str());
  Printout p;
  p.rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  p.out = test::slurp(dir / "stdout");
  return p;
}

Printout run_fleet(const std::string& test, int handoffs, int faults) { return run_xml(test, fleet_xml(handoffs, faults)); }

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(FleetPrintout, MoreThanEightMachinesPrintOneLinePerWayOfEndingAndOfEvidence) {
  Printout p = run_fleet("ten", 7, 3);
  ASSERT_EQ(p.rc, 3) << "three machines fault (exit 3) where a handoff is expected\n" << p.out;
  EXPECT_NE(p.out.find("ran 10 machines"), std::string::npos) << p.out;
  // The endings, grouped: the handoffs and the faults, each on one line naming its first machines.
  EXPECT_EQ(count(p.out, "] ended: "), 1u) << p.out;
  EXPECT_TRUE(std::regex_search(
      p.out, std::regex(R"(\n  \[v\] ended: 7/10 machines \(a01, a02, a03, … 4 more\): handoff at [^\n]*\n)"
                        R"(  \[v\]       3/10 machines \(b01, b02, b03\): guest_fault at )")))
      << p.out;
  // The failed expectation's evidence (and the run's fault), grouped the same way under one line each.
  EXPECT_EQ(count(p.out, "FAIL  "), 1u) << p.out;
  EXPECT_EQ(count(p.out, "FAULT  "), 1u) << p.out;
  EXPECT_TRUE(std::regex_search(
      p.out, std::regex(R"(FAIL  run ends with handoff — 7/10 machines \(a01, a02, a03, … 4 more\): run ended: handoff[^\n]*\n)"
                        R"(  \[v\]       3/10 machines \(b01, b02, b03\): run ended: guest_fault)")))
      << p.out;
  EXPECT_NE(p.out.find("every machine's own is in junit.xml and report.json"), std::string::npos) << p.out;
  // No machine's own line.
  EXPECT_EQ(p.out.find("a04"), std::string::npos) << p.out;
}

TEST(FleetPrintout, EightMachinesOrFewerPrintEveryMachine) {
  Printout p = run_fleet("eight", 6, 2);
  ASSERT_EQ(p.rc, 3) << p.out;
  const std::regex own(R"(\] [ab][0-9]{2} ended: )");
  EXPECT_EQ(std::distance(std::sregex_iterator(p.out.begin(), p.out.end(), own), std::sregex_iterator()), 8) << p.out;
  for (const char* m : {"a01", "a06", "b01", "b02"}) EXPECT_NE(p.out.find(std::string("] ") + m + " ended: "), std::string::npos) << m;
  EXPECT_EQ(p.out.find("machines ("), std::string::npos) << "nothing grouped\n" << p.out;
}

TEST(FleetPrintout, AGroupsExpectationPrintsOneLinePerOutcomeNotOnePerMachine) {
  // Given 7 machines a01… that hand off and 3 b01… that fault, each group with an expectation of its own
  // (judged once per machine: "a01: run ends with handoff", …)
  std::string xml = fleet_xml(7, 3);
  xml.replace(xml.find("  <variant"), std::string::npos,
              "  <expect machine=\"a{n:02}\"><exit reason=\"handoff\"/></expect>\n"
              "  <expect machine=\"b{n:02}\"><exit reason=\"handoff\"/></expect>\n"
              "</scenario>\n");
  Printout p = run_xml("groups", xml);
  ASSERT_EQ(p.rc, 3) << p.out;
  // Then each group's verdicts are one line, named by the expectation alone, its machines digested
  EXPECT_TRUE(std::regex_search(
      p.out, std::regex(R"(PASS  run ends with handoff — 7/7 machines \(a01, a02, a03, … 4 more\): run ended: handoff)")))
      << p.out;
  EXPECT_TRUE(std::regex_search(
      p.out, std::regex(R"(FAIL  run ends with handoff — 3/3 machines \(b01, b02, b03\): run ended: guest_fault)")))
      << p.out;
  EXPECT_EQ(count(p.out, "PASS  "), 1u) << p.out;
  EXPECT_EQ(count(p.out, "FAIL  "), 1u) << p.out;
  // and no machine's verdict has a line of its own
  EXPECT_EQ(p.out.find("a04: run ends"), std::string::npos) << p.out;
}

}  // namespace
}  // namespace bootsim
