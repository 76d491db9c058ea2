// A run's life as the host sees it, through the real bootsim binary on shipped scenarios: two runs into
// one --out never mix (the lock, --wait, private staging), and a run stopped by a signal stops every
// worker, leaves pcaps that end on a whole record, writes its reports with the unfinished variants
// "interrupted" and exits 128 + the signal; workers never outlive a parent killed outright.
#include <fcntl.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "real_scenario_util.h"

extern char** environ;

namespace bootsim {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::fresh_dir;
using test::slurp;

std::string shipped(const std::string& name) { return std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/" + name; }

/// Starts bootsim with `args` (stdout and stderr into `log`); returns its pid.
pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> argv_s = {BOOTSIM_EXE};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  int err = posix_spawn(&pid, BOOTSIM_EXE, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  EXPECT_EQ(err, 0);
  return pid;
}

/// Waits for `pid` (a child of this test); returns its wait status.
int wait_for(pid_t pid) {
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return st;
}

int run(const std::vector<std::string>& args, const fs::path& log) {
  int st = wait_for(spawn(args, log));
  return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

/// pid -> (parent pid, state) for every process, from /proc.
std::map<pid_t, std::pair<pid_t, char>> processes() {
  std::map<pid_t, std::pair<pid_t, char>> all;
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = slurp(e.path() / "stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos || close + 4 >= stat.size()) continue;
    char state = stat[close + 2];
    pid_t ppid = static_cast<pid_t>(std::atol(stat.c_str() + close + 4));
    all[static_cast<pid_t>(std::stol(name))] = {ppid, state};
  }
  return all;
}

/// Every living descendant of `root` (workers and the forks of shared boots).
std::set<pid_t> descendants(pid_t root) {
  auto all = processes();
  std::set<pid_t> found{root};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [pid, info] : all)
      if (found.count(info.first) && !found.count(pid) && info.second != 'Z') grew = found.insert(pid).second || grew;
  }
  found.erase(root);
  return found;
}

/// Those of `pids` that still run (a zombie nobody reaped has stopped).
std::set<pid_t> alive(const std::set<pid_t>& pids) {
  auto all = processes();
  std::set<pid_t> left;
  for (pid_t p : pids)
    if (all.count(p) && all[p].second != 'Z') left.insert(p);
  return left;
}

/// Polls until `pred` holds or `limit` passes (wall time; this is the test, not the simulation).
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

/// Reads every record of a pcap with libpcap and returns how many; fails the test on a truncated or
/// unreadable file.
size_t pcap_records(const fs::path& file) {
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline_with_tstamp_precision(file.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  EXPECT_NE(p, nullptr) << file << ": " << err;
  if (!p) return 0;
  size_t n = 0;
  pcap_pkthdr* h = nullptr;
  const u_char* data = nullptr;
  int rc;
  while ((rc = pcap_next_ex(p, &h, &data)) == 1) ++n;
  EXPECT_EQ(rc, PCAP_ERROR_BREAK) << file << " (" << fs::file_size(file) << " bytes) after " << n
                                  << " records: " << pcap_geterr(p);
  pcap_close(p);
  return n;
}

std::vector<fs::path> files_ending(const fs::path& dir, const std::string& suffix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    std::string s = e.path().string();
    if (e.is_regular_file() && s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
      out.push_back(e.path());
  }
  return out;
}

/// Starts a long run (fleet_broadcom: three machines per variant, several wall seconds each) and
/// returns once its workers are busy booting (one has a pcap with frames in it).
pid_t start_fleet(const fs::path& out, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args = {"scenario", shipped("fleet_broadcom.xml"), "--out", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  pid_t pid = spawn(args, out.string() + ".log");
  bool busy = eventually(
      [&] {
        if (!fs::exists(out / "fleet_broadcom")) return false;
        for (const auto& p : files_ending(out / "fleet_broadcom", ".pcap"))
          if (fs::file_size(p) > 1000) return true;
        return false;
      },
      30s);
  EXPECT_TRUE(busy) << slurp(out.string() + ".log");
  return pid;
}

// ---------------------------------------------------------------------------------------------------
// Concurrent runs

TEST(run_lifecycle, SecondRunIntoALockedOutFailsAtOnceNamingTheHolder) {
  fs::path out = fresh_dir("run_lifecycle", "locked") / "out";
  // The holder runs in one process, frozen while we knock: it must not finish (and free the lock)
  // before the last check, however slow this host is today.
  pid_t holder = start_fleet(out, {"-j", "1"});
  ASSERT_EQ(::kill(holder, SIGSTOP), 0);
  std::string lock = slurp(out / ".bootsim.lock");
  EXPECT_NE(lock.find("pid " + std::to_string(holder) + ": "), std::string::npos) << lock;
  EXPECT_NE(lock.find("fleet_broadcom.xml"), std::string::npos) << lock;

  fs::path log = out.string() + ".second.log";
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(run({"scenario", shipped("broadcom_timeout.xml"), "--out", out.string()}, log), 2);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << "it must fail at once, not after a run";
  std::string said = slurp(log);
  EXPECT_NE(said.find("--out " + out.string() + ": in use by another bootsim run (pid " + std::to_string(holder)),
            std::string::npos) << said;
  EXPECT_NE(said.find("--wait"), std::string::npos) << said;
  EXPECT_FALSE(fs::exists(out / "broadcom_timeout")) << "the refused run wrote nothing";
  // The same for a sweep into it.
  EXPECT_EQ(run({"sweep", shipped("broadcom_timeout.xml"), "--variant", "stock", "--vary", "param[sleep]/@value=1",
                 "--out", out.string()}, log), 2);
  EXPECT_NE(slurp(log).find("in use by another bootsim run"), std::string::npos) << slurp(log);

  // One that waits for it can be interrupted while it waits.
  pid_t waiter = spawn({"scenario", shipped("broadcom_timeout.xml"), "--out", out.string(), "--wait"}, log);
  EXPECT_TRUE(eventually([&] { return slurp(log).find("is in use") != std::string::npos; }, 30s)) << slurp(log);
  ::kill(waiter, SIGINT);
  int st = wait_for(waiter);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 130) << slurp(log);
  EXPECT_FALSE(fs::exists(out / "broadcom_timeout"));

  ::kill(holder, SIGTERM);
  ::kill(holder, SIGCONT);
  EXPECT_EQ(WEXITSTATUS(wait_for(holder)), 143);
}

TEST(run_lifecycle, WaitQueuesBehindTheHolderAndNeitherReadsTheOthersResults) {
  fs::path dir = fresh_dir("run_lifecycle", "wait");
  fs::path out = dir / "out";
  pid_t first = spawn({"scenario", shipped("broadcom_timeout.xml"), "--out", out.string(), "-j", "2"}, dir / "first.log");
  ASSERT_TRUE(eventually([&] { return slurp(out / ".bootsim.lock").find("pid ") == 0; }, 30s));
  pid_t second = spawn({"scenario", shipped("broadcom_timeout.xml"), "--out", out.string(), "-j", "2", "--wait"},
                       dir / "second.log");
  int st1 = wait_for(first), st2 = wait_for(second);
  // Both hold every expectation: neither read the other's verdicts.
  EXPECT_TRUE(WIFEXITED(st1) && WEXITSTATUS(st1) == 0) << slurp(dir / "first.log");
  EXPECT_TRUE(WIFEXITED(st2) && WEXITSTATUS(st2) == 0) << slurp(dir / "second.log");
  EXPECT_NE(slurp(dir / "second.log").find("is in use"), std::string::npos) << "the second run waited";
  EXPECT_EQ(slurp(out / ".bootsim.lock"), "") << "released: nobody holds it";
}

TEST(run_lifecycle, StagingIsPrivateToARunAndRemovedUnlessKept) {
  fs::path dir = fresh_dir("run_lifecycle", "staging");
  ASSERT_EQ(run({"scenario", shipped("broadcom_timeout.xml"), "--out", (dir / "a").string(), "-j", "2"}, dir / "a.log"), 0)
      << slurp(dir / "a.log");
  ASSERT_TRUE(fs::exists(dir / "a/broadcom_timeout/stock.trace.jsonl"));
  for (const auto& e : fs::directory_iterator(dir / "a/broadcom_timeout"))
    EXPECT_EQ(e.path().filename().string().rfind(".staging", 0), std::string::npos) << e.path();

  pid_t pid = spawn({"scenario", shipped("broadcom_timeout.xml"), "--out", (dir / "b").string(), "-j", "2",
                     "--keep-staging"}, dir / "b.log");
  ASSERT_EQ(WEXITSTATUS(wait_for(pid)), 0) << slurp(dir / "b.log");
  fs::path kept = dir / "b/broadcom_timeout" / (".staging-" + std::to_string(pid));
  EXPECT_TRUE(fs::exists(kept / "stock" / "result.json")) << kept;
}

// ---------------------------------------------------------------------------------------------------
// Interrupted runs

struct SignalCase {
  int sig;
  int exit_code;
  const char* jobs;
};

// For test names and messages (gtest would print the bytes, pointer included).
void PrintTo(const SignalCase& c, std::ostream* os) { *os << "signal " << c.sig << ", -j " << c.jobs; }

class run_lifecycle_signal : public ::testing::TestWithParam<SignalCase> {};

TEST_P(run_lifecycle_signal, StopsEveryWorkerWritesReportsAndExits128PlusTheSignal) {
  const SignalCase c = GetParam();
  fs::path out = fresh_dir("run_lifecycle", "signal" + std::to_string(c.sig) + "_j" + c.jobs) / "out";
  pid_t pid = start_fleet(out, {"-j", c.jobs});
  std::set<pid_t> workers = descendants(pid);
  if (std::string(c.jobs) != "1") {
    ASSERT_FALSE(workers.empty()) << "the run has worker processes";
  }

  ::kill(pid, c.sig);
  int st = wait_for(pid);
  std::string log = slurp(out.string() + ".log");
  ASSERT_TRUE(WIFEXITED(st)) << "killed by signal " << WTERMSIG(st) << "\n" << log;
  EXPECT_EQ(WEXITSTATUS(st), c.exit_code) << log;
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(alive(workers), std::set<pid_t>{}) << "workers left running 2 s after the parent exited";

  // Reports, with every unfinished variant marked "interrupted".
  fs::path dir = out / "fleet_broadcom";
  for (const char* f : {"report.html", "report.json", "junit.xml"}) EXPECT_TRUE(fs::exists(dir / f)) << f;
  auto report = nlohmann::json::parse(slurp(dir / "report.json"));
  ASSERT_FALSE(report["variants"].empty());
  size_t interrupted = 0;
  for (const auto& v : report["variants"]) interrupted += v["exit_reason"] == "interrupted";
  EXPECT_EQ(interrupted, report["variants"].size()) << report["variants"].dump();
  EXPECT_NE(slurp(dir / "junit.xml").find("interrupted"), std::string::npos);
  EXPECT_NE(log.find("INTERRUPTED"), std::string::npos) << log;

  // What the variants that were running did until the stop is kept, in a worker as in -j 1: the trace,
  // each machine's run ending where the signal stopped it, and every machine's console log.
  size_t partial = 0;
  for (const auto& v : report["variants"]) {
    if (!v["artifacts"].contains("trace")) continue;
    ++partial;
    std::string trace = slurp(dir / v["artifacts"]["trace"].get<std::string>());
    auto count = [&trace](const std::string& what) {
      size_t n = 0;
      for (size_t at = trace.find(what); at != std::string::npos; at = trace.find(what, at + 1)) ++n;
      return n;
    };
    const size_t machines = count("\"kind\":\"exit\"");
    EXPECT_GE(count("\"detail\":\"interrupted: the run was stopped by a signal\""), 1u) << v["variant"];
    size_t consoles = 0, printed = 0;  // a machine not powered on yet has printed nothing
    for (const auto& [name, file] : v["artifacts"].items())
      if (name.rfind("console log", 0) == 0) {
        ++consoles;
        ASSERT_TRUE(fs::exists(dir / file.get<std::string>())) << file;
        printed += fs::file_size(dir / file.get<std::string>()) > 0;
      }
    EXPECT_EQ(consoles, machines + 1) << v["variant"] << ": the variant's log and each machine's";
    EXPECT_GE(printed, 2u) << v["variant"] << ": the variant's log and its first machine's";
  }
  EXPECT_GE(partial, 1u) << "no variant kept what it did before the signal";
  EXPECT_NE(log.find("partial trace"), std::string::npos) << log;

  // Every capture on disk ends on a whole record.
  auto pcaps = files_ending(dir, ".pcap");
  ASSERT_FALSE(pcaps.empty());
  size_t records = 0;  // a capture begun just before the signal may hold its header only
  for (const auto& p : pcaps) records += pcap_records(p);
  EXPECT_GT(records, 0u);
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().rfind(".staging", 0), std::string::npos) << e.path() << " left behind";
}

INSTANTIATE_TEST_SUITE_P(signals, run_lifecycle_signal,
                         ::testing::Values(SignalCase{SIGINT, 130, "2"}, SignalCase{SIGTERM, 143, "2"},
                                           SignalCase{SIGHUP, 129, "2"}, SignalCase{SIGTERM, 143, "1"}),
                         [](const auto& info) {
                           return std::string(info.param.sig == SIGINT ? "SIGINT" : info.param.sig == SIGTERM ? "SIGTERM" : "SIGHUP") +
                                  "_j" + info.param.jobs;
                         });

TEST(run_lifecycle, SignalAlsoStopsTheForkOfASharedBoot) {
  // broadcom_timeout's `shell` shares `stock`'s boot: its process is forked by stock's worker at the
  // second Ctrl-B prompt, a grandchild of the parent.
  fs::path out = fresh_dir("run_lifecycle", "shared_boot") / "out";
  pid_t pid = spawn({"scenario", shipped("broadcom_timeout.xml"), "-j", "2", "--out", out.string()}, out.string() + ".log");
  std::set<pid_t> workers;
  ASSERT_TRUE(eventually(
      [&] {
        workers = descendants(pid);
        auto all = processes();
        for (pid_t w : workers)
          if (all.count(w) && all[w].first != pid) return true;  // a fork of a worker
        return false;
      },
      60s))
      << slurp(out.string() + ".log");
  ::kill(pid, SIGINT);
  int st = wait_for(pid);
  std::string log = slurp(out.string() + ".log");
  ASSERT_TRUE(WIFEXITED(st)) << log;
  EXPECT_EQ(WEXITSTATUS(st), 130) << log;
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(alive(workers), std::set<pid_t>{});
  auto report = nlohmann::json::parse(slurp(out / "broadcom_timeout/report.json"));
  std::map<std::string, std::string> ended;
  for (const auto& v : report["variants"]) ended[v["variant"]] = v["exit_reason"];
  EXPECT_EQ(ended["shell"], "interrupted") << log;
  for (const auto& p : files_ending(out, ".pcap")) pcap_records(p);
}

/// The socket directories (sim/net/socket_dir.h) under `tmp`.
std::vector<std::string> socket_dirs(const fs::path& tmp) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(tmp))
    if (e.path().filename().string().rfind("bootsim-net-", 0) == 0) out.push_back(e.path().filename().string());
  return out;
}

TEST(run_lifecycle, WorkersDoNotOutliveAParentKilledOutright) {
  fs::path dir = fresh_dir("run_lifecycle", "sigkill");
  fs::path out = dir / "out", tmp = dir / "tmp";
  fs::create_directories(tmp);
  ::setenv("TMPDIR", tmp.c_str(), 1);  // this test's own process: the runs below make their sockets there
  pid_t pid = start_fleet(out, {"-j", "2"});
  std::set<pid_t> workers = descendants(pid);
  ASSERT_FALSE(workers.empty());
  ::kill(pid, SIGKILL);
  wait_for(pid);
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(alive(workers), std::set<pid_t>{}) << "workers left running 2 s after the parent was killed";

  // Nobody removed the HTTP socket directories of the killed processes; the next run does.
  ASSERT_FALSE(socket_dirs(tmp).empty());
  fs::path next = dir / "next";
  EXPECT_EQ(run({"scenario", shipped("broadcom_timeout.xml"), "--variant", "stock", "--out", next.string()},
                next.string() + ".log"),
            0)
      << slurp(next.string() + ".log");
  EXPECT_EQ(socket_dirs(tmp), std::vector<std::string>{}) << "left by processes killed outright";
}

TEST(run_lifecycle, AWorkerKilledMidRunLeavesAPcapOfWholeRecords) {
  fs::path out = fresh_dir("run_lifecycle", "killed_worker") / "out";
  pid_t pid = start_fleet(out, {"-j", "2"});
  std::set<pid_t> workers = descendants(pid);
  ASSERT_FALSE(workers.empty());
  for (pid_t w : workers) ::kill(w, SIGKILL);  // the harshest stop: no chance to flush anything
  int st = wait_for(pid);
  std::string log = slurp(out.string() + ".log");
  auto pcaps = files_ending(out / "fleet_broadcom", ".pcap");
  ASSERT_FALSE(pcaps.empty());
  size_t records = 0;
  for (const auto& p : pcaps) records += pcap_records(p);
  EXPECT_GT(records, 0u);

  // A dead worker's variant is a bootsim failure, and its expectations are not judged on the trace it
  // never wrote: an empty trace would FAIL some and PASS others ("no handoff").
  ASSERT_TRUE(WIFEXITED(st)) << log;
  EXPECT_EQ(WEXITSTATUS(st), 4) << log;
  EXPECT_EQ(log.find("  FAIL  "), std::string::npos) << log;
  auto report = nlohmann::json::parse(slurp(out / "fleet_broadcom/report.json"));
  size_t dead = 0;
  for (const auto& v : report["variants"]) {
    const auto& verdicts = v["verdicts"];
    ASSERT_FALSE(verdicts.empty()) << v.dump();
    if (verdicts.back()["status"] != "error") continue;  // a worker that finished before the kill
    ++dead;
    for (size_t i = 0; i + 1 < verdicts.size(); ++i) EXPECT_EQ(verdicts[i]["status"], "skip") << verdicts[i].dump();
    EXPECT_NE(verdicts.back()["evidence"].get<std::string>().find("killed by signal 9"), std::string::npos);
  }
  EXPECT_GT(dead, 0u) << log;
}

TEST(run_lifecycle, AWorkerStoppedFromOutsideIsABootsimFailureNotAQuietSkip) {
  // A worker that someone else sends SIGTERM writes what it has, but the run did not ask for that: its
  // variant must fail the run (exit 4), or its skipped expectations would let CI pass.
  fs::path out = fresh_dir("run_lifecycle", "outside_sigterm") / "out";
  pid_t pid = start_fleet(out, {"-j", "2"});
  std::set<pid_t> workers = descendants(pid);
  ASSERT_FALSE(workers.empty());
  auto all = processes();
  size_t signalled = 0;
  for (pid_t w : workers)
    if (all.count(w) && all[w].first == pid) signalled += ::kill(w, SIGTERM) == 0;  // the parent's own workers
  ASSERT_GT(signalled, 0u);
  int st = wait_for(pid);
  std::string log = slurp(out.string() + ".log");
  ASSERT_TRUE(WIFEXITED(st)) << log;
  EXPECT_EQ(WEXITSTATUS(st), 4) << log;
  EXPECT_NE(log.find("stopped by SIGTERM from outside this run"), std::string::npos) << log;
}

TEST(run_lifecycle, InterruptedSweepMarksUnfinishedCellsAndWritesItsTable) {
  fs::path root = fresh_dir("run_lifecycle", "sweep") / "out";
  fs::path out = root / "sweep-fleet_broadcom";  // the --out rule: DIR/sweep-<scenario>/
  pid_t pid = spawn({"sweep", shipped("fleet_broadcom.xml"), "--variant", "stock", "--vary", "@seed=1..4/1", "-j", "2",
                     "--out", root.string()}, root.string() + ".log");
  ASSERT_TRUE(eventually([&] { return fs::exists(out / "cells") && !files_ending(out / "cells", ".pcap").empty(); }, 30s))
      << slurp(root.string() + ".log");
  std::set<pid_t> workers = descendants(pid);
  ::kill(pid, SIGINT);
  int st = wait_for(pid);
  std::string log = slurp(root.string() + ".log");
  ASSERT_TRUE(WIFEXITED(st)) << log;
  EXPECT_EQ(WEXITSTATUS(st), 130) << log;
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(alive(workers), std::set<pid_t>{});
  auto table = nlohmann::json::parse(slurp(out / "sweep.json"));
  ASSERT_EQ(table["cells"].size(), 4u);
  size_t interrupted = 0;
  for (const auto& cell : table["cells"]) interrupted += cell["outcome"] == "interrupted";
  EXPECT_GT(interrupted, 0u) << table["cells"].dump();
  EXPECT_TRUE(fs::exists(out / "sweep.html"));
  for (const auto& p : files_ending(out / "cells", ".pcap")) pcap_records(p);  // each parses to its end
}

}  // namespace
}  // namespace bootsim
