// Real runs speak the declared vocabulary: the real bootsim runs three shipped scenarios that between them
// emit every kind the shipped scenarios emit (broadcom_timeout: keys, handoff, HTTP, TFTP, link and port;
// proxydhcp: dhcp_ignored; rstp_bpdu: bpdu), and every event of every trace must be of a declared kind with
// the declared fields and JSON types (sim/core/trace_kinds.h). Their reports know every kind they saw.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "real_scenario_util.h"
#include "sim/core/trace.h"
#include "sim/core/trace_kinds.h"

namespace bootsim {
namespace {

namespace fs = std::filesystem;

TEST(scenario_trace_vocabulary, ShippedScenariosEmitOnlyDeclaredKindsWithDeclaredFields) {
  fs::path out = test::fresh_dir("trace_vocabulary", "shipped");
  std::string scenarios = std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/";
  std::string cmd = std::string("'") + BOOTSIM_EXE + "' scenario";
  for (const char* name : {"broadcom_timeout", "proxydhcp", "rstp_bpdu"}) cmd += " '" + scenarios + name + ".xml'";
  cmd += " -j 2 --out '" + out.string() + "' > '" + (out / "run.log").string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << test::slurp(out / "run.log");

  std::map<std::string, int> seen;  // kind -> events
  int traces = 0, reports = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    std::string name = entry.path().filename().string();
    if (name.size() > 12 && name.substr(name.size() - 12) == ".trace.jsonl") {
      ++traces;
      std::vector<TraceEvent> events = Trace::parse_jsonl(test::slurp(entry.path()));
      ASSERT_FALSE(events.empty()) << entry.path();
      for (size_t i = 0; i < events.size(); ++i) {
        auto problems = trace_event_problems(events[i]);
        EXPECT_TRUE(problems.empty()) << entry.path() << " event " << i << ": " << problems.front() << "\n"
                                      << events[i].dump();
        ++seen[events[i].value("kind", std::string())];
      }
    } else if (name == "report.json") {
      ++reports;
      auto report = nlohmann::json::parse(test::slurp(entry.path()));
      ASSERT_FALSE(report["variants"].empty()) << entry.path();
      for (const auto& v : report["variants"])
        EXPECT_EQ(v["unknown_kinds"], nlohmann::json::array()) << entry.path() << " " << v["variant"];
    }
  }
  EXPECT_EQ(traces, 7) << "broadcom_timeout: 3 variants (custom-image is skipped); proxydhcp: 2; rstp_bpdu: 2";
  EXPECT_EQ(reports, 3);
  for (const char* k : {"console", "key", "phase", "pxe_call", "bios_call", "frame_tx", "frame_rx", "frame_drop",
                        "link", "port", "bpdu", "dhcp", "dhcp_ignored", "tftp", "http", "handoff", "exit"})
    EXPECT_GT(seen[k], 0) << k << ": these scenarios no longer emit it; pick ones that do";
}

}  // namespace
}  // namespace bootsim
