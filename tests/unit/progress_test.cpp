// Progress on stderr (sim/cli/progress.h): the plain line format, the terminal's redrawn status line (in
// a real pty, through `bootsim scenario`), nothing with -q, and stdout and every artifact byte-identical
// with and without progress.
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "sim/cli/progress.h"

namespace bootsim::cli {
namespace {

namespace fs = std::filesystem;

/// A wall clock that advances 2 s per reading.
Progress::Clock fake_clock() {
  auto t = std::make_shared<std::chrono::steady_clock::time_point>();
  return [t] { return *t += std::chrono::seconds(2); };
}

std::string written(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  char b[512];
  size_t n;
  while ((n = std::fread(b, 1, sizeof b, f)) > 0) s.append(b, n);
  return s;
}

TEST(unit_Progress, PlainLinesOnePerFinishedRun) {
  std::FILE* f = std::tmpfile();
  {
    Progress p("cells", 3, ProgressStyle::kLines, f, fake_clock());
    p.done("autoneg=2s stock", "", 13512198000);
    p.done("autoneg=4s stock", "pass", -1);
    p.done("autoneg=8s stock", "", 20000000000);
  }
  EXPECT_EQ(written(f),
            "progress: 1/3 cells done; autoneg=2s stock at 13.512 s virtual; 2.0 s elapsed, about 4.0 s left\n"
            "progress: 2/3 cells done; autoneg=4s stock: pass; 4.0 s elapsed, about 2.0 s left\n"
            "progress: 3/3 cells done; autoneg=8s stock at 20.000 s virtual; 6.0 s elapsed\n");
  std::fclose(f);
}

TEST(unit_Progress, TerminalRedrawsOneLineAndClearsIt) {
  std::FILE* f = std::tmpfile();
  {
    Progress p("variants", 2, ProgressStyle::kTerminal, f, fake_clock());
    p.done("stock", "", 1000000000);
    p.done("sleep", "", 2000000000);
  }
  EXPECT_EQ(written(f),
            "\r\x1b[Kprogress: 1/2 variants done; stock at 1.000 s virtual; 2.0 s elapsed, about 2.0 s left"
            "\r\x1b[Kprogress: 2/2 variants done; sleep at 2.000 s virtual; 4.0 s elapsed"
            "\r\x1b[K");
  std::fclose(f);
}

TEST(unit_Progress, RunningRunsAreTheStatusLineAndAPlainLineAfterTenQuietSeconds) {
  const std::vector<RunningRun> runs = {{"autoneg=2s stock", 13512198000, 1, 0}, {"default", 1000000000, 100, 3}};
  std::FILE* f = std::tmpfile();
  {
    Progress p("cells", 3, ProgressStyle::kLines, f, fake_clock());  // 2 s per clock reading
    for (int i = 0; i < 6; ++i) p.running(runs);  // the 5th call is the first 10 s after the start
    p.running({});
  }
  EXPECT_EQ(written(f),
            "progress: 0/3 cells done; running autoneg=2s stock at 13.512 s virtual, default at 1.000 s virtual "
            "(3/100 machines ended); 12.0 s elapsed\n");
  std::fclose(f);
  f = std::tmpfile();
  {
    Progress p("variants", 1, ProgressStyle::kTerminal, f, fake_clock());
    p.running({runs[1]});
    p.running({runs[1]});
  }
  EXPECT_EQ(written(f),
            "\r\x1b[Kprogress: 0/1 variants done; running default at 1.000 s virtual (3/100 machines ended); 2.0 s elapsed"
            "\r\x1b[Kprogress: 0/1 variants done; running default at 1.000 s virtual (3/100 machines ended); 4.0 s elapsed"
            "\r\x1b[K");
  std::fclose(f);
}

TEST(unit_Progress, QuietPrintsNothing) {
  std::FILE* f = std::tmpfile();
  {
    Progress p("runs", 2, progress_style(true), f, fake_clock());
    p.done("x", "", 1);
  }
  EXPECT_EQ(written(f), "");
  std::fclose(f);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_EQ(progress_style(false, fds[1]), ProgressStyle::kLines) << "a pipe is not a terminal";
  ::close(fds[0]);
  ::close(fds[1]);
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string work_dir(const std::string& name) {
  fs::path d = fs::path(BOOTSIM_BINARY_DIR) / "progress_test_out" / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

const std::string kScenario = std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml";

/// `bootsim scenario` with stderr on a pseudo-terminal: the status line is drawn in place.
TEST(unit_Progress, ScenarioOnATerminalDrawsAStatusLine) {
  std::string dir = work_dir("pty");
  int master = -1;
  pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // stdout to a file: only stderr is the terminal.
    std::FILE* out = std::freopen((dir + "/stdout").c_str(), "w", stdout);
    (void)out;
    ::execl(BOOTSIM_EXE, BOOTSIM_EXE, "scenario", kScenario.c_str(), "--out", (dir + "/out").c_str(), "-j", "2",
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::string tty;
  char b[4096];
  for (ssize_t n; (n = ::read(master, b, sizeof b)) > 0;) tty.append(b, static_cast<size_t>(n));  // EIO at the end
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  EXPECT_TRUE(WIFEXITED(status)) << tty;
  std::regex drawn("\r\x1b\\[Kprogress: 1/[0-9]+ variants done; [a-z0-9-]+ at [0-9.]+ s virtual; [0-9.]+ s elapsed, about ([0-9]+ min )?[0-9.]+ s left");  // "about 1 min 05 s left" in a slow (sanitizer) build
  EXPECT_TRUE(std::regex_search(tty, drawn)) << tty;
  EXPECT_NE(tty.rfind("\r\x1b[K"), std::string::npos);
  EXPECT_EQ(tty.find('\n'), std::string::npos) << "on a terminal the status line is redrawn, not repeated: " << tty;
  EXPECT_EQ(slurp(dir + "/stdout").find("progress:"), std::string::npos);
}

/// Every artifact under `root`, relative path -> content.
std::map<std::string, std::string> tree(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    // .bootsim.lock names the holder's command line, which differs by -q: not an artifact.
    if (e.is_regular_file() && e.path().filename().string()[0] != '.')
      out[fs::relative(e.path(), root).string()] = slurp(e.path());
  return out;
}

/// stdout with the wall time and the output folder masked (as tests/tools/golden.sh does).
std::string masked(std::string s, const std::string& out) {
  for (size_t p; (p = s.find(out)) != std::string::npos;) s.replace(p, out.size(), "<out>");
  return std::regex_replace(s, std::regex("in [0-9]+\\.[0-9]+ s wall"), "in <wall> s wall");
}

/// Progress (plain lines, stderr not a terminal) against -q: the same stdout and the same artifacts, for
/// a scenario and for a sweep; and the lines say what finished.
TEST(unit_Progress, StdoutAndArtifactsAreTheSameWithAndWithoutProgress) {
  struct Cmd { std::string name, args; size_t runs; const char* what; };
  for (const Cmd& c : {Cmd{"scenario", "scenario " + kScenario + " -j 2", 0, "variants"},
                       Cmd{"sweep", "sweep " + kScenario + " --variant stock --vary 'machine[r640-01]/nic/@autoneg=4s,20s' -j 2",
                           2, "cells"}}) {
    std::string dir = work_dir(c.name);
    std::map<std::string, std::string> stdout_of, files_of;
    for (const std::string mode : {"quiet", "lines"}) {
      std::string out = dir + "/" + mode;
      std::string cmd = std::string(BOOTSIM_EXE) + " " + c.args + " --out " + out + (mode == "quiet" ? " -q" : "") +
                        " > " + dir + "/" + mode + ".stdout 2> " + dir + "/" + mode + ".stderr";
      int rc = std::system(cmd.c_str());
      ASSERT_TRUE(WIFEXITED(rc)) << cmd;
      stdout_of[mode] = masked(slurp(dir + "/" + mode + ".stdout"), out);
      auto t = tree(out);
      ASSERT_FALSE(t.empty()) << cmd;
      if (mode == "lines") {
        EXPECT_EQ(t, tree(dir + "/quiet")) << c.name << ": artifacts differ";
      }
    }
    EXPECT_EQ(stdout_of["quiet"], stdout_of["lines"]) << c.name;
    EXPECT_EQ(slurp(dir + "/quiet.stderr").find("progress:"), std::string::npos) << "-q prints no progress";
    std::string lines = slurp(dir + "/lines.stderr");
    std::regex line("progress: ([0-9]+)/([0-9]+) " + std::string(c.what) + " done; [^\n]+ at [0-9.]+ s virtual; [0-9.]+ s elapsed[^\n]*\n");
    size_t n = 0;
    for (auto it = std::sregex_iterator(lines.begin(), lines.end(), line); it != std::sregex_iterator(); ++it) {
      ++n;
      EXPECT_EQ(std::stoul((*it)[1]), n);
    }
    EXPECT_GE(n, 2u) << lines;
    if (c.runs) {
      EXPECT_EQ(n, c.runs) << lines;
    }
    EXPECT_EQ(lines.find('\r'), std::string::npos) << "no terminal codes when stderr is a file";
  }
}

}  // namespace
}  // namespace bootsim::cli
