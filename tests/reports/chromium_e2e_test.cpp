// End to end: the report of a real run opens in headless Chromium from disk, its script runs without
// errors and counts every marker, and a screenshot lands in the build tree (reports_test_out/report.png).
#include <sys/stat.h>

#include <cstdio>
#include <memory>

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace bootsim::reports
