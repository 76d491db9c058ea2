// The fleet view of report.html (reports/html_fleet.h) on a 100-machine model made from real boots
// (fleet_fixture.h): small (<= 3 MB, a few kB per machine), counts and histograms right, one table row
// per machine with its lane data, evidence digested; and a real 3-machine run keeps today's content.
#include <iostream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "fleet_fixture.h"
#include "reports/evidence_digest.h"
#include "reports/fleet_rows.h"
#include "reports/html_report.h"
#include "reports/junit_report.h"

namespace bootsim::reports {
namespace {

pugi::xml_document parse(const std::string& html) {
  pugi::xml_document doc;
  pugi::xml_parse_result res = doc.load_string(html.c_str(), pugi::parse_default | pugi::parse_doctype);
  EXPECT_TRUE(res) << "not well-formed: " << res.description() << " at " << res.offset;
  return doc;
}

TEST(reports_FleetReport, HundredMachinesStaySmallWithASmallCostPerMachine) {
  std::string h50 = render_html(testing::fleet_report(50));
  std::string h100 = render_html(testing::fleet_report(100));
  testing::write_file(testing::out_dir() + "/fleet100-report.html", h100);
  double per_machine = double(h100.size() - h50.size()) / 50;
  std::cout << "report.html: 50 machines " << h50.size() << " B, 100 machines " << h100.size() << " B, "
            << per_machine << " B per further machine\n";
  ::testing::Test::RecordProperty("bytes_100_machines", std::to_string(h100.size()));
  ::testing::Test::RecordProperty("bytes_per_machine", std::to_string(static_cast<long>(per_machine)));
  EXPECT_LE(h100.size(), 3u * 1000 * 1000);
  EXPECT_LE(per_machine, 20000) << "each further machine should cost a few kB";
  EXPECT_LT(h100.size(), 2 * h50.size()) << "grows at most linearly";
}

TEST(reports_FleetReport, AMachinesJunitTestcaseShowsThatMachinesConsole) {
  ScenarioReport r = testing::fleet_report(100);
  std::string xml = render_junit(r);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str()));
  size_t own = 0, whole = 0;
  for (const auto& x : doc.select_nodes("//testcase")) {
    pugi::xml_node tc = x.node();
    std::string name = tc.attribute("name").value();
    std::string out = tc.child("system-out").text().get();
    if (name.size() > 6 && name[0] == 'm' && name.compare(4, 2, ": ") == 0) {
      ++own;
      // Only its own console: no machine headers, and its own client MAC line.
      EXPECT_EQ(out.find("\n[m"), std::string::npos) << name;
      EXPECT_NE(out.find("CLIENT MAC ADDR"), std::string::npos) << name;
    } else {
      ++whole;
      EXPECT_NE(out.find("[m001]"), std::string::npos) << name;
      EXPECT_NE(out.find("[m100]"), std::string::npos) << name;
    }
  }
  EXPECT_GT(own, 90u) << "the fixture's per-machine verdicts";
  EXPECT_GT(whole, 0u);
  std::cout << "junit.xml: 100 machines " << xml.size() << " B\n";
  EXPECT_LE(xml.size(), 3u * 1000 * 1000);
}

TEST(reports_FleetReport, CountsHistogramsTableAndDigestedEvidence) {
  ScenarioReport r = testing::fleet_report(100);
  std::string html = render_html(r);
  pugi::xml_document doc = parse(html);
  const VariantRun& v = r.variants.front();
  Timeline tl = build_timeline(v.events);
  std::vector<MachineRow> rows = fleet_rows(v, tl);
  ASSERT_EQ(rows.size(), 100u);
  size_t handoffs = 0;
  for (const auto& m : rows) handoffs += m.handoff_ns >= 0;
  EXPECT_EQ(handoffs, 33u) << "every Intel-like copy hands off, no Broadcom-like one does";

  // One table row per machine, its lanes as JSON data, the NIC profile shown.
  auto trs = doc.select_nodes("//table[@class='machines']/tr[@data-machine]");
  ASSERT_EQ(trs.size(), 100u);
  for (const auto& tr : trs) {
    nlohmann::json lane = nlohmann::json::parse(tr.node().attribute("data-lane").value(), nullptr, false);
    ASSERT_TRUE(lane.is_object()) << tr.node().attribute("data-machine").value();
    EXPECT_FALSE(lane["s"].empty());
    EXPECT_FALSE(lane["m"].empty());
  }
  EXPECT_TRUE(doc.select_node("//tr[@data-machine='m003']/td[text()='intel-like']"));
  EXPECT_TRUE(doc.select_node("//tr[@data-machine='m001']/td[text()='broadcom-like']"));
  // Histograms: every machine got a ROM lease, a third handed off.
  EXPECT_STREQ(doc.select_node("//svg[@class='histogram']/g[@data-series='rom_dhcp']").node().attribute("data-count").value(), "100");
  EXPECT_STREQ(doc.select_node("//svg[@class='histogram']/g[@data-series='handoff']").node().attribute("data-count").value(), "33");
  // No per-event SVG for the fleet in the shared timeline: its lanes are drawn on demand.
  EXPECT_TRUE(doc.select_nodes("//svg[@class='timeline']//*[@data-kind]").empty());
  // Evidence: bounded lines, "100/100 machines: …", not 100 clauses.
  EXPECT_NE(html.find("100/100 machines (m001, m002, m003, \u2026 97 more): DHCPACK accepted at"), std::string::npos);
  // One row per expectation and outcome: the 400 machines' own verdicts (4 per real machine, copied to a third
  // of the fleet each, all from one line of the file) are 12 rows, plus the fleet-wide one and the header.
  ASSERT_EQ(v.verdicts.size(), 401u);
  EXPECT_EQ(doc.select_nodes("//table[@class='verdicts']/tr").size(), 14u);
  pugi::xpath_node drops = doc.select_node(
      "//table[@class='verdicts']/tr[td[1]='at least 4 frame(s) dropped while the link was down']/td[3]");
  ASSERT_TRUE(drops);
  EXPECT_STREQ(drops.node().text().get(),
               "34/34 machines (m001, m004, m007, \u2026 31 more): 23 frames dropped while the link was down");
  for (const auto& td : doc.select_nodes("//table[@class='verdicts']/tr/td[3]"))
    EXPECT_LE(std::string(td.node().text().get()).size(), 2000u);
  // The summary counts machines instead of listing them.
  EXPECT_NE(html.find("100 machines: 67 nbp_returned, 33 handoff"), std::string::npos);
}

TEST(reports_FleetReport, ThreeRealMachinesKeepTheirLanesAndGainTheTable) {
  ScenarioReport r;
  r.scenario = "fleet_broadcom";
  r.variants.push_back(testing::fleet_broadcom_variant("stock"));
  pugi::xml_document doc = parse(render_html(r));
  // Today's content: every event drawn, each machine's lines in the summary, stages, consoles.
  EXPECT_EQ(doc.select_nodes("//svg[@class='timeline']//*[@data-kind]").size(), r.variants[0].events.size());
  EXPECT_EQ(doc.select_nodes("//table[@class='summary']/tr[2]/td[3]/div").size(), 3u);
  EXPECT_TRUE(doc.select_node("//table[@class='stages']"));
  EXPECT_EQ(doc.select_nodes("//div[@class='console']").size(), 3u);
  // And the fleet view: three rows.
  EXPECT_EQ(doc.select_nodes("//table[@class='machines']/tr[@data-machine]").size(), 3u);
}

TEST(reports_EvidenceDigest, AGroupsVerdictsAreOneEntryPerOutcome) {
  std::vector<std::string> ms{"a", "b", "c", "d"};
  auto at = [](int line) { return scenario::SourceLocation{"s.xml", line, 3, ""}; };
  std::vector<Verdict> vs{
      {"lease", VerdictStatus::kPass, "a: x; b: y; c: z; d: w", at(5)},          // fleet-wide: alone
      {"a: no handoff", VerdictStatus::kPass, "a: none", at(9)},                 // a group's, from line 9 ...
      {"b: no handoff", VerdictStatus::kPass, "b: none", at(9)},
      {"c: no handoff", VerdictStatus::kFail, "c: handoff at 2s", at(9)},        // ... another outcome
      {"d: no handoff", VerdictStatus::kFail, "handoff at 3s", at(9)},           // (evidence without the name)
      {"a: no handoff", VerdictStatus::kFail, "a: handoff at 1s", at(12)},       // another line: its own
  };
  std::vector<VerdictGroup> gs = group_verdicts(vs, ms);
  ASSERT_EQ(gs.size(), 4u);
  EXPECT_EQ(gs[0].expectation, "lease");
  EXPECT_TRUE(gs[0].machines.empty());
  EXPECT_EQ(gs[1].expectation, "no handoff");
  EXPECT_EQ(gs[1].count, 2u);
  EXPECT_EQ(gs[1].machines, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(gs[1].evidence, "a: none; b: none");
  EXPECT_EQ(gs[2].first->status, VerdictStatus::kFail);
  EXPECT_EQ(gs[2].evidence, "c: handoff at 2s; d: handoff at 3s");
  EXPECT_EQ(digest_evidence(gs[2].evidence, gs[2].machines), "2/2 machines (c, d): handoff at 2\u20263s");
  EXPECT_EQ(gs[3].expectation, "a: no handoff") << "one verdict keeps its machine's name";
  EXPECT_EQ(gs[3].first, &vs[5]);
}

TEST(reports_EvidenceDigest, GroupsMachinesWhoseClausesDifferOnlyInNumbers) {
  std::vector<std::string> ms{"a", "b", "c", "d"};
  EXPECT_EQ(digest_evidence("a: lease at 1.5s; b: lease at 2.25s; c: no lease (4 DISCOVERs; 2 dropped); d: lease at 1.75s", ms),
            "3/4 machines (a, b, d): lease at 1.5\u20262.25s\n1/4 machines (c): no lease (4 DISCOVERs; 2 dropped)");
  EXPECT_EQ(digest_evidence("no handoff", ms), "no handoff");
  EXPECT_EQ(digest_evidence("a: only one", ms), "a: only one");
}

}  // namespace
}  // namespace bootsim::reports
