// Test inputs for the report tests, made by running the real bootsim binary on Debian's iPXE (about a
// second each). Traces are cached in the build tree and remade when the bootsim binary is newer.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "reports/report_model.h"
#include "reports/timeline.h"
#include "sim/core/trace.h"

namespace bootsim::reports::testing {

inline std::string out_dir() {
  std::string d = std::string(BOOTSIM_BINARY_DIR) + "/reports_test_out";
  ::mkdir(d.c_str(), 0755);
  return d;
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline void write_file(const std::string& path, const std::string& data) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary);
    f << data;
  }
  std::rename(tmp.c_str(), path.c_str());
}

inline bool newer_than_exe(const std::string& path) {
  struct stat a, b;
  if (::stat(path.c_str(), &a) != 0 || ::stat(BOOTSIM_EXE, &b) != 0) return false;
  return a.st_mtime >= b.st_mtime;
}

/// Holds an exclusive lock on out_dir()/NAME.lock while alive. ctest runs each test in its own process, two at
/// a time: without it, two tests that find the same cached output stale remake it at once, and one reads
/// files the other is still writing (seen under the slower sanitizer build).
class CacheLock {
 public:
  explicit CacheLock(const std::string& name) : fd_(::open((out_dir() + "/" + name + ".lock").c_str(),
                                                           O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~CacheLock() { if (fd_ >= 0) ::close(fd_); }
  CacheLock(const CacheLock&) = delete;
  CacheLock& operator=(const CacheLock&) = delete;

 private:
  int fd_;
};

/// Runs `bootsim run --nbp undionly.kpxe ARGS`, returns the parsed trace; `name` names the cached files
/// (NAME.jsonl, NAME.console.log in out_dir()).
inline std::vector<TraceEvent> run_trace(const std::string& name, const std::string& args) {
  std::string dir = out_dir();
  std::string trace = dir + "/" + name + ".jsonl";
  CacheLock lock(name);
  if (!newer_than_exe(trace)) {
    std::string tmp = trace + ".tmp." + std::to_string(::getpid());
    std::string cmd = std::string("'") + BOOTSIM_EXE + "' run --nbp '" + BOOTSIM_IPXE_DIR + "/undionly.kpxe' -q" +
                      " --trace '" + tmp + "' --console-log '" + dir + "/" + name + ".console.log' " + args +
                      " 2>/dev/null";
    int rc = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << cmd << " -> " << rc;
    std::rename(tmp.c_str(), trace.c_str());
  }
  return Trace::parse_jsonl(read_file(trace));
}

/// A verdict's place in a scenario file: just its line.
inline scenario::SourceLocation line_at(int line) {
  scenario::SourceLocation where;
  where.line = line;
  return where;
}

inline VariantRun variant(const std::string& name, const std::string& description, const std::string& trace_name,
                          const std::string& args) {
  VariantRun v;
  v.variant = name;
  v.description = description;
  v.events = run_trace(trace_name, args);
  v.artifacts = {{"trace", trace_name + ".jsonl"}, {"console log", trace_name + ".console.log"},
                 {"pcap", trace_name + ".pcap"}};
  // Verdicts the way the expectation engine will phrase them, judged here from the derived timeline.
  Timeline tl = build_timeline(v.events);
  const Stage* configuring = nullptr;
  for (const auto& s : tl.stages)
    if (s.name == "configuring") configuring = &s;
  bool ok = configuring && configuring->outcome == "ok";
  v.verdicts.push_back({"console contains \"Configuring\" ... \"ok\" within 30s", ok ? VerdictStatus::kPass : VerdictStatus::kFail,
                        configuring ? configuring->label + ": " + configuring->outcome + " at " +
                                          format_seconds(configuring->end_ns) +
                                          (configuring->detail.empty() ? "" : "\n" + configuring->detail)
                                    : "no \"Configuring\" on the console",
                        line_at(12)});
  v.verdicts.push_back({"no guest fault", VerdictStatus::kPass, "no fault event", line_at(13)});
  v.verdicts.push_back({"handoff to kernel <cmdline contains 'console=ttyS0'>", VerdictStatus::kSkip,
                        "handoff sentinel not available yet", line_at(14)});
  return v;
}

/// The scenario of issue 5: a Broadcom-like NIC drops its link when iPXE re-opens it; stock iPXE's DHCP
/// gives up, an embedded `sleep 10` waits for the link to come back.
inline ScenarioReport broadcom_scenario() {
  ScenarioReport r;
  r.scenario = "broadcom-link-drop";
  r.file = "scenarios/broadcom-link-drop.xml";
  r.description = "Broadcom-like NIC: link drops on UNDI re-open, back after ~13 s";
  r.seed = 0;
  r.variants.push_back(variant("stock", "Debian undionly.kpxe as shipped", "stock",
                               "--until 20s --nic broadcom-like --responder dhcp"));
  r.variants.push_back(variant("embedded-sleep", "script: sleep 10 && dhcp", "embedded-sleep",
                               "--until 30s --nic broadcom-like --responder dhcp --cmdline 'sleep 10 && dhcp && echo booted-ok'"));
  r.variants.push_back(variant("generic-nic", "generic NIC, link never drops", "generic",
                               "--until 20s --responder dhcp"));
  return r;
}

}  // namespace bootsim::reports::testing
