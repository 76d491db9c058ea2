// The HTML timing report: well-formed XHTML, every trace event of a real run drawn once, link bars, stages,
// verdicts, escaping of hostile trace content.
#include <map>

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include "reports/html_report.h"
#include "report_css.h"
#include "report_js.h"
#include "report_fixtures.h"

namespace bootsim::reports {
namespace {

using testing::broadcom_scenario;

pugi::xml_document parse_html(const std::string& html) {
  pugi::xml_document doc;
  pugi::xml_parse_result res = doc.load_string(html.c_str(), pugi::parse_default | pugi::parse_doctype);
  EXPECT_TRUE(res) << "HTML is not well-formed XML: " << res.description() << " at offset " << res.offset << ": "
                   << html.substr(res.offset > 80 ? res.offset - 80 : 0, 160);
  return doc;
}

class reports_HtmlReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    report_ = new ScenarioReport(broadcom_scenario());
    html_ = new std::string(render_html(*report_));
    testing::write_file(testing::out_dir() + "/broadcom-link-drop.html", *html_);
  }
  static void TearDownTestSuite() {
    delete report_;
    delete html_;
  }
  static ScenarioReport* report_;
  static std::string* html_;
};
ScenarioReport* reports_HtmlReportTest::report_ = nullptr;
std::string* reports_HtmlReportTest::html_ = nullptr;

TEST_F(reports_HtmlReportTest, IsWellFormedSelfContainedXhtml) {
  auto doc = parse_html(*html_);
  pugi::xml_node html = doc.child("html");
  ASSERT_TRUE(html);
  EXPECT_STREQ(html.attribute("xmlns").value(), "http://www.w3.org/1999/xhtml");
  EXPECT_TRUE(html.child("head").child("style"));
  EXPECT_TRUE(html.child("body").child("script"));
  // No external resources: nothing loads from elsewhere.
  EXPECT_TRUE(doc.select_nodes("//*[@src]").empty());
  EXPECT_TRUE(doc.select_nodes("//link").empty());
  for (auto a : doc.select_nodes("//a[@href]")) {
    std::string href = a.node().attribute("href").value();
    EXPECT_EQ(href.find("://"), std::string::npos) << href;
  }
}

TEST_F(reports_HtmlReportTest, EveryTraceEventOfEveryVariantIsDrawnExactlyOnce) {
  auto doc = parse_html(*html_);
  for (const auto& v : report_->variants) {
    ASSERT_FALSE(v.events.empty());
    std::map<std::string, int> want, got;
    for (const auto& e : v.events) ++want[e.value("kind", "")];
    std::vector<int> seen(v.events.size(), 0);
    std::string xp = "//*[local-name()='svg']//*[@data-kind][@data-variant='" + v.variant + "']";
    for (auto n : doc.select_nodes(xp.c_str())) {
      ++got[n.node().attribute("data-kind").value()];
      size_t i = n.node().attribute("data-i").as_ullong();
      ASSERT_LT(i, seen.size());
      ++seen[i];
      EXPECT_EQ(n.node().attribute("data-t-ns").as_llong(), v.events[i].value("t_ns", std::int64_t{0}));
      EXPECT_TRUE(n.node().child("title")) << "marker without hover details";
    }
    EXPECT_EQ(want, got) << v.variant;
    for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 1) << v.variant << " event " << i;
  }
}

TEST_F(reports_HtmlReportTest, ShowsLinkBarsStagesVariantsAndVerdicts) {
  auto doc = parse_html(*html_);
  // Stock and embedded-sleep run a Broadcom-like NIC: a red "down" bar, then "up" after ~13 s.
  for (const char* variant : {"stock", "embedded-sleep"}) {
    std::string base = std::string("//*[@data-variant='") + variant + "']";
    EXPECT_FALSE(doc.select_nodes((base + "//*[@class='linkbar link-down']").c_str()).empty()) << variant;
    EXPECT_FALSE(doc.select_nodes((base + "//*[@class='linkbar link-up']").c_str()).empty()) << variant;
    EXPECT_FALSE(doc.select_nodes((base + "//*[@data-stage='configuring']").c_str()).empty()) << variant;
    EXPECT_FALSE(doc.select_nodes((base + "//*[@data-stage='banner']").c_str()).empty()) << variant;
  }
  EXPECT_FALSE(doc.select_nodes("//*[@data-variant='stock']//*[@data-kind='frame_drop']").empty());
  // Variant sections with their verdict tables, coloured by status.
  for (const auto& v : report_->variants) {
    std::string id = "//*[@id='variant-" + v.variant + "']";
    ASSERT_TRUE(doc.select_node(id.c_str())) << v.variant;
    EXPECT_EQ(doc.select_nodes((id + "//table[@class='verdicts']/tr").c_str()).size(), v.verdicts.size() + 1);
    EXPECT_TRUE(doc.select_node((id + "//a[@href='" + v.artifacts.at("trace") + "']").c_str()));
  }
  EXPECT_TRUE(doc.select_node("//*[@id='variant-stock']//tr[@class='fail']"));
  EXPECT_TRUE(doc.select_node("//*[@id='variant-embedded-sleep']//table[@class='verdicts']//tr[@class='pass']"));
  // The rendered console has the banner and the failure, not the erased Ctrl-B prompt characters.
  std::string console = doc.select_node("//*[@id='variant-stock']//div[@class='console']").node().text().get();
  std::string all;
  for (auto n : doc.select_nodes("//*[@id='variant-stock']//div[@class='console']/div"))
    all += std::string(n.node().child_value()) + "\n";
  EXPECT_NE(all.find("No configuration methods succeeded"), std::string::npos) << all;
  EXPECT_EQ(all.find("\\b"), std::string::npos);
}

TEST(reports_HtmlReportEscaping, HostileTraceContentStaysText) {
  ScenarioReport r;
  r.scenario = "esc<aped>&\"";
  VariantRun v;
  v.variant = "v'1\"<x>";
  auto ev = [](std::int64_t t, const char* kind) {
    TraceEvent e = TraceEvent::object();
    e["t_ns"] = t;
    e["machine"] = "pc0";
    e["kind"] = kind;
    return e;
  };
  TraceEvent c = ev(10, "console");
  c["text"] = std::string("<script>alert(1)</script>&amp; \x1b[1m bold\b\b\b\bBOLD\r\n]]> --> \x01\x7f");
  TraceEvent w = ev(20, "weird_kind");
  w["payload"] = "<img src=x onerror=alert(2)>";
  TraceEvent f = ev(30, "frame_rx");
  f["len"] = 3;
  f["hex"] = "0102zz";
  TraceEvent x = ev(40, "exit");
  x["reason"] = "time_limit";
  v.events = {c, w, f, x};
  v.verdicts = {{"</td><b>not bold</b>", VerdictStatus::kFail, "evidence with <tags> & \x02 controls", testing::line_at(3)}};
  v.artifacts = {{"evil", "javascript:alert(3)"}};
  r.variants.push_back(v);
  std::string html = render_html(r);
  auto doc = parse_html(html);
  EXPECT_EQ(doc.select_nodes("//script").size(), 1u) << "only the report's own script";
  EXPECT_TRUE(doc.select_nodes("//img").empty());
  EXPECT_TRUE(doc.select_nodes("//td/b[text()='not bold']").empty());
  EXPECT_EQ(doc.select_nodes("//*[@data-kind]").size(), 4u);
  EXPECT_TRUE(doc.select_node("//*[@data-kind='weird_kind']"));
  EXPECT_NE(html.find("weird_kind (1)"), std::string::npos) << "unknown kinds are listed";
  EXPECT_TRUE(doc.select_node("//a[@href='#unsafe-link']"));
  EXPECT_EQ(html.find('\x1b'), std::string::npos);
  EXPECT_EQ(html.find('\x01'), std::string::npos);
}

TEST(reports_HtmlIndexAndSweep, IndexLinksEachScenarioWithCounts) {
  ScenarioReport a = broadcom_scenario();
  ScenarioReport b;
  b.scenario = "empty";
  std::vector<IndexEntry> entries{make_index_entry(a, "broadcom-link-drop.html"), make_index_entry(b, "empty/report.html")};
  EXPECT_EQ(entries[0].counts.fail, 1);  // stock's DHCP fails
  EXPECT_EQ(entries[0].counts.pass, 5);
  EXPECT_EQ(entries[0].counts.skip, 3);
  EXPECT_EQ(entries[0].failed_variants, std::vector<std::string>{"stock"});
  std::string html = render_index_html(entries, "CI run");
  testing::write_file(testing::out_dir() + "/index.html", html);
  auto doc = parse_html(html);
  EXPECT_TRUE(doc.select_node("//tr[@class='fail']/td/a[@href='broadcom-link-drop.html']"));
  EXPECT_TRUE(doc.select_node("//tr/td/a[@href='empty/report.html']"));
}

TEST(reports_HtmlIndexAndSweep, SweepIsAHeatMap) {
  SweepReport s;
  s.scenario = "broadcom-link-drop";
  s.parameters = {"link_up_delay", "sleep"};
  s.values = {{"5s", "13s"}, {"0", "5", "10"}};
  s.cells = {{{"5s", "0"}, "fail", "DHCP gave up", ""}, {{"5s", "5"}, "pass", "", "a.html"},
             {{"13s", "10"}, "pass", "", ""}, {{"13s", "0"}, "fail", "", ""}};
  s.boundary = "passes when sleep >= link_up_delay - 3 s";
  std::string html = render_sweep_html(s);
  auto doc = parse_html(html);
  EXPECT_EQ(doc.select_nodes("//td[@data-outcome='pass']").size(), 2u);
  EXPECT_EQ(doc.select_nodes("//td[@data-outcome='fail']").size(), 2u);
  EXPECT_EQ(doc.select_nodes("//td[@class='notrun']").size(), 2u);
  EXPECT_TRUE(doc.select_node("//td/a[@href='a.html']"));
  EXPECT_NE(html.find("sleep &gt;= link_up_delay"), std::string::npos);
}

// The style sheet and script are files (reports/assets/) the build embeds: each page carries them whole, and
// the script has no character that XHTML would escape.
TEST(reports_HtmlAssets, PagesCarryTheEmbeddedStyleSheetAndScript) {
  std::string js = report_js, css = report_css;
  ASSERT_GT(js.size(), 100u);
  ASSERT_GT(css.size(), 100u);
  EXPECT_EQ(js.find_first_of("<>&"), std::string::npos) << "reports/assets/report.js";
  for (const std::string& html : {render_index_html({}), render_sweep_html(SweepReport{})}) {
    pugi::xml_document doc = parse_html(html);
    EXPECT_EQ(std::string(doc.child("html").child("head").child_value("style")), css);
    EXPECT_EQ(std::string(doc.child("html").child("body").child_value("script")), js);
  }
}

}  // namespace
}  // namespace bootsim::reports
