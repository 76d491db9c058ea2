// --log-level (README "The human log"): the real bootsim, run twice on one input, at the default level and at
// info. The log goes to stderr with the virtual time and the machine on each line; stdout (the guest console,
// the verdicts) and the artifacts are the same bytes either way; a bad level is a usage error naming the option.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "real_scenario_util.h"

namespace bootsim::test {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code;
  std::string out, err;
};

/// Runs `bootsim ARGS` with stdout and stderr to files under `dir`, named after `tag`.
Outcome bootsim(const fs::path& dir, const std::string& tag, const std::string& args) {
  fs::path out = dir / (tag + ".stdout"), err = dir / (tag + ".stderr");
  int st = std::system((std::string(BOOTSIM_EXE) + " " + args + " > " + out.string() + " 2> " + err.string()).c_str());
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(out), slurp(err)};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

bool has_line(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

TEST(log_level_cli, RunAtInfoLogsStartLinkLeaseAndEndOnStderrAndLeavesStdoutAlone) {
  fs::path dir = fresh_dir("log-level", "run");
  std::string args = std::string("run --nbp ") + BOOTSIM_IPXE_DIR + "/undionly.kpxe --responder dhcp --until 8s";
  Outcome quiet = bootsim(dir, "default", args + " --trace " + (dir / "default.jsonl").string());
  Outcome info = bootsim(dir, "info", args + " --log-level info --trace " + (dir / "info.jsonl").string());
  EXPECT_EQ(quiet.exit_code, info.exit_code);
  ASSERT_FALSE(quiet.out.empty());
  EXPECT_EQ(info.out, quiet.out) << "the log must not reach stdout";
  EXPECT_EQ(slurp(dir / "info.jsonl"), slurp(dir / "default.jsonl")) << "the log must not change the trace";
  EXPECT_EQ(quiet.err.find("] info: "), std::string::npos) << quiet.err;

  // Every log line has the virtual time and the machine; the rest of stderr is what it was without the log.
  std::regex log_line(R"(^\[ *[0-9]+\.[0-9]{6}s\] \[[A-Za-z0-9_.-]+\] (trace|debug|info|warn|error): .+$)");
  std::string rest;
  int logged = 0;
  for (const auto& l : lines_of(info.err)) {
    if (std::regex_match(l, log_line)) ++logged;
    else rest += l + "\n";
  }
  EXPECT_GE(logged, 3) << info.err;
  EXPECT_EQ(rest, quiet.err);
  EXPECT_TRUE(has_line(info.err, "[     0.000000s] [pc0] info: phase nbp_start")) << info.err;
  EXPECT_TRUE(has_line(info.err, "[dhcpd] info: DHCP lease 10.0.2.15")) << info.err;
  EXPECT_TRUE(has_line(info.err, "[     8.000000s] [pc0] info: run ends: time_limit")) << info.err;
  EXPECT_FALSE(has_line(info.err, "debug: ")) << "info leaves PXE calls out";
}

TEST(log_level_cli, ScenarioAtDebugLogsPxeCallsAndTransfersWithArtifactsUnchanged) {
  fs::path dir = fresh_dir("log-level", "scenario");
  std::string xml = std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/intel_no_workaround.xml";
  // -q: no progress lines on stderr (README "Progress"), so stderr holds only what the log level adds.
  Outcome quiet = bootsim(dir, "default", "scenario " + xml + " -j 1 -q --out " + (dir / "a").string());
  Outcome debug = bootsim(dir, "debug", "scenario " + xml + " -j 1 -q --log-level debug --out " + (dir / "b").string());
  ASSERT_EQ(quiet.exit_code, 0) << quiet.out << quiet.err;
  EXPECT_EQ(debug.exit_code, 0);
  auto masked = [](std::string s, const fs::path& out) {
    s = std::regex_replace(s, std::regex("in [0-9.]+ s wall"), "in <wall> s wall");
    for (size_t p; (p = s.find(out.string())) != std::string::npos;) s.replace(p, out.string().size(), "<out>");
    return s;
  };
  EXPECT_EQ(masked(debug.out, dir / "b"), masked(quiet.out, dir / "a"));
  EXPECT_EQ(quiet.err, "");
  for (const char* artifact : {"default.trace.jsonl", "default.console.log", "default.pcap"})
    EXPECT_EQ(slurp(dir / "b" / "intel_no_workaround" / artifact), slurp(dir / "a" / "intel_no_workaround" / artifact))
        << artifact;
  EXPECT_TRUE(has_line(debug.err, "[x11-01] debug: PXE UNDI_OPEN status 0")) << debug.err;
  EXPECT_TRUE(has_line(debug.err, "[tftpd] debug: TFTP undionly.kpxe to ")) << debug.err;
  EXPECT_TRUE(has_line(debug.err, "[httpd] debug: HTTP GET /boot.ipxe: 200")) << debug.err;
  EXPECT_TRUE(has_line(debug.err, "[x11-01] info: handoff (multiboot): ")) << debug.err;
  EXPECT_FALSE(has_line(debug.err, "trace: frame")) << "frames are for --log-level trace";
}

TEST(log_level_cli, AnUnknownLevelIsAUsageErrorNamingTheOption) {
  fs::path dir = fresh_dir("log-level", "bad");
  for (const char* command : {"run", "bench", "scenario", "sweep"}) {
    Outcome r = bootsim(dir, command, std::string(command) + " --log-level loud");
    EXPECT_EQ(r.exit_code, 2) << command;
    EXPECT_TRUE(has_line(r.out + r.err, "--log-level")) << command << ": " << r.out << r.err;
  }
}

}  // namespace
}  // namespace bootsim::test
