// Variants run in worker processes, and variants that differ only in their keys share one boot up to
// their first key. Either way every artifact must be byte-identical to running each variant on its own
// in this process: these tests boot the real iPXE both ways and compare the files.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "real_scenario_util.h"
#include "sim/scenario/job_status.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/shared_boot.h"
#include "sim/scenario/worker_pool.h"

namespace bootsim::scenario {
namespace {

namespace fs = std::filesystem;

using test::real_load_options;
using test::slurp;

fs::path scratch(const std::string& name) { return test::fresh_dir("bootsim-worker-pool", name); }

const VariantResult& named(const std::vector<VariantResult>& rs, const std::string& name) {
  for (const auto& r : rs)
    if (r.name == name) return r;
  throw std::runtime_error("no variant " + name);
}

/// Runs `s` in this process, one variant after another, and with `jobs` workers; expects the same
/// verdicts and byte-identical trace, console log and pcap for every variant that ran.
std::vector<VariantResult> expect_same_both_ways(const Scenario& s, const fs::path& dir, int jobs) {
  RunOptions seq;
  seq.out_dir = (dir / "sequential").string();
  seq.jobs = 1;
  RunOptions par = seq;
  par.out_dir = (dir / "workers").string();
  par.jobs = jobs;
  std::vector<VariantResult> a = run_scenario(s, seq);
  std::vector<VariantResult> b = run_scenario(s, par);
  EXPECT_FALSE(a.empty()) << "no variant ran: nothing was compared";
  EXPECT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    SCOPED_TRACE(a[i].name);
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_TRUE(a[i].shared_from.empty()) << "the sequential path boots every variant itself";
    EXPECT_EQ(a[i].verdicts.size(), b[i].verdicts.size());
    for (size_t k = 0; k < a[i].verdicts.size() && k < b[i].verdicts.size(); ++k) {
      EXPECT_EQ(a[i].verdicts[k].status, b[i].verdicts[k].status) << a[i].verdicts[k].expectation;
      EXPECT_EQ(a[i].verdicts[k].evidence, b[i].verdicts[k].evidence);
    }
    if (!a[i].skip_reason.empty()) continue;
    EXPECT_EQ(a[i].result.reason, b[i].result.reason);
    EXPECT_EQ(a[i].result.end_time, b[i].result.end_time);
    EXPECT_EQ(a[i].console_text, b[i].console_text);
    EXPECT_EQ(a[i].events.size(), b[i].events.size());
    EXPECT_EQ(slurp(a[i].trace_path), slurp(b[i].trace_path));
    EXPECT_EQ(slurp(a[i].console_path), slurp(b[i].console_path));
    EXPECT_EQ(slurp(a[i].pcap_path), slurp(b[i].pcap_path));
    EXPECT_GT(slurp(b[i].pcap_path).size(), 24u) << "more than a pcap header";
  }
  return b;
}

TEST(worker_pool, RunsEachJobInAWorkerProcessOfItsOwnAndReturnsItsExitStatus) {
  // Given five jobs that exit with a status of their own, and fail when run in this process
  const pid_t parent = ::getpid();
  auto job = [parent](size_t i) { return ::getpid() == parent ? 99 : static_cast<int>(10 + i); };
  // When two workers run them
  std::vector<WorkerEnd> ends = run_in_workers(5, job, 2);
  // Then every job ran, in a worker, and its status is reported in job order
  ASSERT_EQ(ends.size(), 5u);
  for (size_t i = 0; i < ends.size(); ++i) {
    EXPECT_TRUE(ends[i].started);
    ASSERT_TRUE(WIFEXITED(ends[i].wait_status)) << i;
    EXPECT_EQ(WEXITSTATUS(ends[i].wait_status), static_cast<int>(10 + i));
  }
}

TEST(worker_pool, JobStatusCarriesWhatEachWorkerNotedToTheParent) {
  // Given a status board made before the workers are forked, and jobs that note trace events in it
  JobStatus board(3);
  auto job = [&board](size_t i) {
    if (i == 1) return 0;  // never notes anything
    TraceEvent ev = {{"t_ns", 1000 * (i + 1)}, {"machine", "m"}, {"kind", "console"}};
    board.note(i, 4, ev);
    ev = {{"t_ns", 5000 * (i + 1)}, {"machine", "m"}, {"kind", "exit"}};
    board.note(i, 4, ev);
    return 0;
  };
  // When they run in worker processes
  std::vector<WorkerEnd> ends = run_in_workers(3, job, 2);
  ASSERT_EQ(ends.size(), 3u);
  // Then the parent reads what each noted: the latest time, the machines, how many ended
  for (size_t i : {size_t{0}, size_t{2}}) {
    JobStatus::Seen s = board.seen(i);
    EXPECT_TRUE(s.started) << i;
    EXPECT_EQ(s.reached_ns, static_cast<std::int64_t>(5000 * (i + 1))) << i;
    EXPECT_EQ(s.machines, 4u) << i;
    EXPECT_EQ(s.machines_ended, 1u) << i;
  }
  EXPECT_FALSE(board.seen(1).started);
  EXPECT_FALSE(board.seen(7).started) << "no such job";
}

TEST(worker_pool, TicksWhileAWorkerRuns) {
  int ticks = 0;
  auto job = [](size_t) {
    ::usleep(2500 * 1000);  // wall time: a tick is about once a wall second
    return 0;
  };
  const auto t0 = std::chrono::steady_clock::now();
  run_in_workers(1, job, 1, {}, [&ticks] { ++ticks; });
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(ticks, 1);
  EXPECT_LE(ticks, static_cast<int>(wall)) << "at most one tick per wall second";
}

TEST(worker_pool, ProgressHearsOfAFleetVariantWhileItRuns) {
  // Ten machines through the ROM, iPXE and its script: under a wall second in a worker
  fs::path dir = scratch("running");
  std::string src = BOOTSIM_SOURCE_DIR;
  std::ofstream(dir / "ten.xml") << R"(<scenario name="ten" seed="10" until="60s">
  <network subnet="10.0.2.0/24" ipv6-ra="on">
    <dhcp rom-filename="undionly.kpxe" ipxe-filename="tftp://10.0.2.2/boot-tftp.ipxe"/>
    <tftp root=")" << src << R"(/scenarios/files/tftp">
      <file name="undionly.kpxe" source="${ipxe}/undionly.kpxe"/>
      <file name="mboot.c32" source="${payloads}/mboot.c32"/>
    </tftp>
  </network>
  <machine name="m{n:02}" count="10" mac="52:54:00:10:00:01" power-on="0s" power-on-step="100ms">
    <nic profile="intel-like"/><firmware rom="pxe"/>
  </machine>
  <expect><exit reason="handoff"/></expect>
</scenario>)";
  Scenario s = load_scenario((dir / "ten.xml").string(), real_load_options());
  RunOptions opts;
  opts.out_dir = (dir / "out").string();
  opts.jobs = 2;
  std::vector<std::vector<JobRunning>> heard;
  JobProgress progress;
  progress.running = [&heard](const std::vector<JobRunning>& now) { heard.push_back(now); };
  progress.running_every = std::chrono::milliseconds(50);  // the boot takes well under a wall second
  std::vector<VariantResult> rs = run_scenario(s, opts, progress);
  ASSERT_EQ(rs.size(), 1u);
  ASSERT_FALSE(rs[0].verdicts.empty());
  EXPECT_EQ(rs[0].verdicts[0].status, VerdictStatus::kPass) << rs[0].verdicts[0].evidence;
  ASSERT_FALSE(heard.empty()) << "no progress while the variants ran";
  std::map<std::string, std::int64_t> last;  // per variant: its virtual time never goes back
  size_t seen = 0;
  for (const auto& now : heard)
    for (const JobRunning& r : now) {
      ++seen;
      ASSERT_NE(r.variant, nullptr);
      EXPECT_EQ(r.machines, 10u) << r.variant->name;
      EXPECT_LE(r.machines_ended, 10u);
      EXPECT_GE(r.reached.ns, last[r.variant->name]) << r.variant->name;
      last[r.variant->name] = r.reached.ns;
    }
  EXPECT_GT(seen, 0u);
  bool moved = false;
  for (const auto& [name, t] : last) moved = moved || t > 0;
  EXPECT_TRUE(moved) << "a running variant's virtual time was reported";
}

TEST(worker_pool, GroupKeyIgnoresKeysCommandLineAndExpectations) {
  Scenario s = load_scenario(std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml", real_load_options());
  const Variant* stock = s.find_variant("stock");
  const Variant* shell = s.find_variant("shell");
  const Variant* sleep = s.find_variant("embedded-sleep");
  ASSERT_TRUE(stock && shell && sleep);
  RunInputs a = run_inputs(s, *stock), b = run_inputs(s, *shell), c = run_inputs(s, *sleep);
  EXPECT_FALSE(a.group_key.empty());
  EXPECT_EQ(a.group_key, b.group_key);
  EXPECT_EQ(a.group_key, c.group_key) << "a command line is read late: a section, not the key";
  EXPECT_EQ(a.sections, b.sections);
  EXPECT_NE(a.sections.at("machine/cmdline"), c.sections.at("machine/cmdline"));
}

TEST(worker_pool, BroadcomTimeoutSharesTheStockBootWithTheShellVariant) {
  Scenario s = load_scenario(std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml", real_load_options());
  std::vector<VariantResult> rs = expect_same_both_ways(s, scratch("broadcom"), 2);
  const VariantResult& shell = named(rs, "shell");
  EXPECT_EQ(shell.shared_from, "stock");
  // Forked where its first trigger fired: the key event with that time is the trace's first key.
  auto keys = std::find_if(shell.events.begin(), shell.events.end(), [](const TraceEvent& e) { return e["kind"] == "key"; });
  ASSERT_NE(keys, shell.events.end());
  EXPECT_EQ(shell.shared_until.ns, (*keys)["t_ns"].get<std::int64_t>());
  EXPECT_TRUE(named(rs, "stock").shared_from.empty());
  // The command line differs, and is read once iPXE runs: embedded-sleep forks from stock there.
  const VariantResult& sleep = named(rs, "embedded-sleep");
  EXPECT_EQ(sleep.shared_from, "stock");
  EXPECT_GT(sleep.shared_until.ns, 0);
  EXPECT_LT(sleep.shared_until.ns, shell.shared_until.ns);
}

TEST(worker_pool, AKeyDuringAnOpenConnectionBootsOnItsOwn) {
  // iPXE keeps the script's HTTP connection open for the kernel (keep-alive), so when "mboot.c32..."
  // appears a connection is live: a fork would share it between two worlds, so that variant must be
  // booted separately. "ctrl-b" breaks in at the first prompt, where nothing is open: it shares.
  fs::path dir = scratch("fallback");
  std::string src = BOOTSIM_SOURCE_DIR;
  std::ofstream(dir / "fallback.xml") << R"(<scenario name="fallback" seed="3" until="40s">
  <network subnet="10.0.2.0/24">
    <dhcp rom-filename="undionly.kpxe" ipxe-filename="http://10.0.2.100/boot.ipxe"/>
    <tftp root=")" << src << R"(/scenarios/files/tftp"><file name="undionly.kpxe" source="${ipxe}/undionly.kpxe"/></tftp>
    <http address="10.0.2.100" root=")" << src << R"(/scenarios/files/http"><file name="mboot.c32" source="${payloads}/mboot.c32"/></http>
  </network>
  <machine name="pc" mac="52:54:00:12:34:56"><nic profile="generic"/><firmware rom="pxe"/></machine>
  <variant name="plain"><expect><exit reason="handoff"/></expect></variant>
  <variant name="typing-during-download">
    <key on-console="mboot.c32..." keys="x"/>
    <expect><exit reason="handoff"/></expect>
  </variant>
  <variant name="ctrl-b">
    <key on-console="Press Ctrl-B" keys="&lt;ctrl-b&gt;"/>
    <key on-console="iPXE>" keys="echo typed at the prompt\n"/>
    <expect><console text="typed at the prompt"/></expect>
  </variant>
</scenario>
)";
  Scenario s = load_scenario((dir / "fallback.xml").string(), real_load_options());
  std::vector<VariantResult> rs = expect_same_both_ways(s, dir, 2);
  ASSERT_FALSE(rs.empty());
  for (const auto& r : rs) EXPECT_TRUE(bootsim::test::all_verdicts_pass(r.verdicts)) << r.name;
  const VariantResult& typing = named(rs, "typing-during-download");
  EXPECT_TRUE(typing.shared_from.empty());
  EXPECT_TRUE(std::any_of(typing.events.begin(), typing.events.end(), [](const TraceEvent& e) { return e["kind"] == "key"; }))
      << "its key fired (so the shared boot reached it and declined to fork)";
  EXPECT_EQ(named(rs, "ctrl-b").shared_from, "plain");
}

}  // namespace
}  // namespace bootsim::scenario
