// End to end: the report of a real run opens in headless Chromium from disk, its script runs without
// errors and counts every marker, and a screenshot lands in the build tree (reports_test_out/report.png).
#include <sys/stat.h>

#include <cstdio>
#include <memory>

#include <gtest/gtest.h>

#include <regex>

#include "fleet_fixture.h"
#include "reports/fleet_rows.h"
#include "reports/html_report.h"
#include "report_fixtures.h"

namespace bootsim::reports {
namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

std::string run_capture(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) { *rc = -1; return out; }
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *rc = ::pclose(p);
  return out;
}

std::string chromium_cmd(const std::string& profile, const std::string& extra, const std::string& url) {
  return std::string("timeout 120 ") + kChromium +
         " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking"
         " --disable-component-update --disable-sync --disable-dev-shm-usage --user-data-dir='" + profile + "' " +
         extra + " '" + url + "'";
}

TEST(reports_ChromiumEndToEnd, ReportRendersWithoutScriptErrors) {
  struct stat st;
  if (::stat(kChromium, &st) != 0) GTEST_SKIP() << kChromium << " is not installed (apt-get install chromium)";
  ScenarioReport r = testing::broadcom_scenario();
  std::string dir = testing::out_dir();
  std::string page = dir + "/e2e-report.html";
  testing::write_file(page, render_html(r));
  size_t events = 0;
  for (const auto& v : r.variants) events += v.events.size();

  char tmpl[] = "/tmp/bootsim-chromium-XXXXXX";
  ASSERT_TRUE(::mkdtemp(tmpl));
  std::string profile = tmpl;
  int rc = 0;
  std::string dom = run_capture(chromium_cmd(profile, "--enable-logging=stderr --v=0 --dump-dom",
                                             "file://" + page) + " 2>'" + dir + "/chromium-dom.log'", &rc);
  std::string log = testing::read_file(dir + "/chromium-dom.log");
  ASSERT_EQ(rc, 0) << log;
  EXPECT_NE(dom.find("data-report-ready=\"1\""), std::string::npos) << "the inline script did not finish\n" << log;
  EXPECT_NE(dom.find("data-marker-count=\"" + std::to_string(events) + "\""), std::string::npos)
      << "the browser does not see one marker per event (" << events << ")";
  EXPECT_EQ(log.find("Uncaught"), std::string::npos) << log;

  std::string png = dir + "/report.png";
  std::remove(png.c_str());
  run_capture(chromium_cmd(profile, "--hide-scrollbars --screenshot='" + png + "' --window-size=1400,2000",
                           "file://" + page) + " 2>&1", &rc);
  EXPECT_EQ(rc, 0);
  ASSERT_EQ(::stat(png.c_str(), &st), 0) << "no screenshot";
  EXPECT_GT(st.st_size, 20000) << "screenshot suspiciously small";
  std::string rm = "rm -rf '" + profile + "'";
  (void)std::system(rm.c_str());
}

/// The page `file` opened at `file#hash` in headless Chromium: its DOM after the script ran, and the log.
std::string dump_dom(const std::string& file, const std::string& hash, std::string* log) {
  char tmpl[] = "/tmp/bootsim-chromium-XXXXXX";
  EXPECT_TRUE(::mkdtemp(tmpl));
  std::string profile = tmpl;
  std::string log_file = file + ".chromium.log";
  int rc = 0;
  std::string dom = run_capture(chromium_cmd(profile, "--enable-logging=stderr --v=0 --dump-dom",
                                             "file://" + file + "#" + hash) + " 2>'" + log_file + "'", &rc);
  *log = testing::read_file(log_file);
  EXPECT_EQ(rc, 0) << *log;
  std::string rm = "rm -rf '" + profile + "'";
  (void)std::system(rm.c_str());
  return dom;
}

/// The machine rows' names in the order the browser shows them.
std::vector<std::string> row_order(const std::string& dom) {
  std::vector<std::string> out;
  std::regex row("<tr class=\"mrow[^\"]*\" data-machine=\"([^\"]+)\"");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), row); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

/// The fleet view in the browser: the address sorts the machine table by handoff time (descending) and
/// opens one machine's lanes; the script draws them from the row's data without an error.
TEST(reports_ChromiumEndToEnd, FleetOfHundredSortsAndOpensALane) {
  struct stat st;
  if (::stat(kChromium, &st) != 0) GTEST_SKIP() << kChromium << " is not installed (apt-get install chromium)";
  ScenarioReport r = testing::fleet_report(100);
  std::string page = testing::out_dir() + "/e2e-fleet100.html";
  testing::write_file(page, render_html(r));
  std::string log;
  std::string dom = dump_dom(page, "sort=-handoff;open=m002", &log);
  EXPECT_NE(dom.find("data-report-ready=\"1\""), std::string::npos) << "the inline script did not finish\n" << log;
  EXPECT_EQ(log.find("Uncaught"), std::string::npos) << log;
  EXPECT_NE(dom.find("data-lanes-open=\"1\""), std::string::npos);
  EXPECT_NE(dom.find("data-sorted-by=\"-handoff\""), std::string::npos);
  // The lane is drawn: an SVG with markers (data-kind) right after m002's row.
  size_t row = dom.find("data-machine=\"m002\"");
  ASSERT_NE(row, std::string::npos);
  size_t lane = dom.find("<tr class=\"lanerow\">", row);
  ASSERT_NE(lane, std::string::npos);
  EXPECT_EQ(dom.find("<tr class=\"mrow", row + 1), dom.find("<tr class=\"mrow", lane)) << "lane not right after its row";
  size_t svg = dom.find("<svg class=\"lane\"", lane);
  ASSERT_NE(svg, std::string::npos);
  EXPECT_NE(dom.find("data-kind=\"drop\"", svg), std::string::npos) << "m002 is Broadcom-like: it drops frames";
  // Sorted: machines with the latest handoff first (the page's sort is stable), those without last.
  std::vector<MachineRow> rows = fleet_rows(r.variants[0], build_timeline(r.variants[0].events));
  std::stable_sort(rows.begin(), rows.end(), [](const MachineRow& a, const MachineRow& b) {
    if ((a.handoff_ns < 0) != (b.handoff_ns < 0)) return b.handoff_ns < 0;
    return a.handoff_ns > b.handoff_ns;
  });
  std::vector<std::string> want;
  for (const auto& m : rows) want.push_back(m.name);
  EXPECT_EQ(row_order(dom), want);
}

/// A real 3-machine run's report.html (scenarios/fleet_broadcom.xml): renders, every marker counted,
/// its machine table sorts by name and opens a lane.
TEST(reports_ChromiumEndToEnd, RealFleetBroadcomReport) {
  struct stat st;
  if (::stat(kChromium, &st) != 0) GTEST_SKIP() << kChromium << " is not installed (apt-get install chromium)";
  std::string page = testing::fleet_broadcom_out() + "/report.html";
  std::string log;
  std::string dom = dump_dom(page, "sort=-name;open=x11-01", &log);
  EXPECT_NE(dom.find("data-report-ready=\"1\""), std::string::npos) << log;
  EXPECT_EQ(log.find("Uncaught"), std::string::npos) << log;
  EXPECT_NE(dom.find("data-lanes-open=\"2\""), std::string::npos) << "one lane per variant's table";
  // Two variants, each table sorted by name descending.
  EXPECT_EQ(row_order(dom), (std::vector<std::string>{"x11-01", "r640-02", "r640-01", "x11-01", "r640-02", "r640-01"}));
}

}  // namespace
}  // namespace bootsim::reports
