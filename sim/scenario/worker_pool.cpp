#include "sim/scenario/worker_pool.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "sim/core/errors.h"
#include "sim/scenario/interrupt.h"

namespace bootsim::scenario {

namespace fs = std::filesystem;

namespace {

/// Where a worker leaves what the parent cannot read from the trace: how the run ended, the rendered
/// screen, wall time, or the error that stopped it.
fs::path result_file(const VariantJob& j) {
  return fs::path(j.options.staging_dir) / j.variant->name / "result.json";
}

VariantResult skipped(const Variant& v) {
  VariantResult r;
  r.name = v.name;
  r.description = v.description;
  r.skip_reason = v.skip_reason;
  return r;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_result(const VariantJob& j, const nlohmann::json& out) {
  fs::create_directories(result_file(j).parent_path());
  std::ofstream f(result_file(j), std::ios::binary);
  f << out.dump();
  f.close();
  if (!f) throw std::runtime_error("cannot write " + result_file(j).string());
}

nlohmann::json result_json(const VariantResult& r) {
  // Each machine's console log is on disk (console_path); its raw text is read back from there.
  nlohmann::json machines = nlohmann::json::array();
  for (const auto& m : r.machines)
    machines.push_back({{"name", m.name},
                        {"reason", static_cast<int>(m.result.reason)},
                        {"detail", m.result.detail},
                        {"end_ns", m.result.end_time.ns},
                        {"console_text", m.console_text},
                        {"console_path", m.console_path}});
  return {{"machines", std::move(machines)},
          {"reason", static_cast<int>(r.result.reason)},
          {"detail", r.result.detail},
          {"end_ns", r.result.end_time.ns},
          {"console_text", r.console_text},
          {"wall_seconds", r.wall_seconds},
          {"trace_path", r.trace_path},
          {"console_path", r.console_path},
          {"pcap_path", r.pcap_path}};
}

/// Runs `fn` and turns what it throws into the error record the parent expects.
template <typename Fn>
nlohmann::json guarded(Fn&& fn) {
  try {
    return fn();
  } catch (const InputError& e) {
    return {{"error", "input"}, {"what", e.what()}};
  } catch (const std::exception& e) {
    return {{"error", "internal"}, {"what", e.what()}};
  }
}

[[noreturn]] void leave(int rc) {
  std::fflush(nullptr);
  _exit(rc);  // no atexit handlers or destructors: they belong to the parent's copy of the world
}

/// A worker for one job: boot the variant, write its artifacts and result file, never return.
[[noreturn]] void work(const VariantJob& j) {
  nlohmann::json out = guarded([&] { return result_json(execute_variant(*j.scenario, *j.variant, j.options)); });
  int rc = 0;
  try {
    write_result(j, out);
  } catch (...) {
    rc = 1;
  }
  leave(rc);
}

/// A worker for variants that differ only in their keys (one boot_key): one boot without keys, forked
/// where each variant's first key trigger fires (BootRunSpec::key_branches). Every process that ends
/// up as a variant writes that variant's files; a variant whose fork was not possible gets no result
/// file and is run on its own afterwards.
[[noreturn]] void work_group(const std::vector<VariantJob>& jobs, const std::vector<size_t>& members) {
  const VariantJob& lead = jobs[members.front()];
  auto keys_of = [&](size_t i) -> const std::vector<KeyTrigger>& { return jobs[i].variant->machines.front().keys; };
  long me = -1;  // the job this process is (or will be) the boot of
  std::string shared_from;
  SimTime fork_time{};
  std::vector<size_t> alt_jobs;
  for (size_t i : members) {
    if (keys_of(i).empty() && me < 0) me = static_cast<long>(i);
    else alt_jobs.push_back(i);
  }
  const bool shared_is_a_variant = me >= 0;
  std::vector<pid_t> children;
  bool stop_shared = false;
  size_t resolved = 0;
  auto t0 = std::chrono::steady_clock::now();  // only to report wall time
  nlohmann::json out = guarded([&]() -> nlohmann::json {
    fs::create_directories(lead.options.out_dir);
    BootRunSpec spec =
        make_spec(*lead.scenario, *lead.variant, (fs::path(lead.options.staging_dir) / lead.variant->name).string());
    spec.machine.keys.clear();
    spec.network->pcap_path = shared_is_a_variant ? artifact_base(*jobs[me].variant, jobs[me].options) + ".pcap"
                                                  : result_file(lead).parent_path().string() + "/shared.pcap";
    for (size_t i : alt_jobs) spec.key_branches.alternatives.push_back(keys_of(i));
    spec.key_branches.fork = [&](size_t alt, bool can_fork, SimTime now) -> std::optional<std::string> {
      ++resolved;
      if (!shared_is_a_variant && resolved == alt_jobs.size()) stop_shared = true;
      if (!can_fork) return std::nullopt;  // run on its own later
      pid_t parent = ::getpid();
      pid_t pid = ::fork();
      if (pid == 0) {
        if (!interrupt::become_worker(parent, false)) leave(1);  // stays in the unit's process group
        shared_from = shared_is_a_variant ? jobs[me].variant->name : "(no keys)";
        fork_time = now;
        me = static_cast<long>(alt_jobs[alt]);
        children.clear();
        return artifact_base(*jobs[me].variant, jobs[me].options) + ".pcap";
      }
      if (pid > 0) children.push_back(pid);
      return std::nullopt;
    };
    spec.watch = [&](const TraceEvent&) { return me < 0 && stop_shared; };
    BootRunOutcome boot = run_boot(spec);
    if (me < 0) return nullptr;
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    nlohmann::json r = result_json(record_variant(*jobs[me].variant, jobs[me].options, boot, wall));
    if (!shared_from.empty()) {
      r["shared_from"] = shared_from;
      r["shared_until_ns"] = fork_time.ns;
    }
    return r;
  });
  int rc = 0;
  if (me >= 0 && !out.is_null()) {
    try {
      write_result(jobs[me], out);
    } catch (...) {
      rc = 1;
    }
  }
  for (pid_t c : children) {
    int st = 0;
    while (::waitpid(c, &st, 0) < 0 && errno == EINTR) {
    }
  }
  leave(rc);
}

/// A variant can share a boot with others when it has one machine whose first key (if any) waits for
/// console text: a timed key would add a scheduler event to the shared run, which changes when the
/// machine wakes up.
bool can_share(const Variant& v) {
  return v.skip_reason.empty() && v.machines.size() == 1 &&
         (v.machines.front().keys.empty() || !v.machines.front().keys.front().on_console.empty());
}

bool keyless(const Variant& v) { return v.machines.front().keys.empty(); }

/// Jobs that share one boot: same loaded scenario, same boot_key, same output directory, and at most one
/// without keys (it is the shared run itself). Everything else runs alone.
std::vector<std::vector<size_t>> group_jobs(const std::vector<VariantJob>& jobs) {
  std::vector<std::vector<size_t>> groups;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const VariantJob& j = jobs[i];
    if (!j.variant->skip_reason.empty()) continue;
    auto fits = [&](const std::vector<size_t>& g) {
      const VariantJob& lead = jobs[g.front()];
      if (!can_share(*j.variant) || !can_share(*lead.variant) || lead.scenario != j.scenario ||
          lead.variant->boot_key != j.variant->boot_key || lead.options.out_dir != j.options.out_dir)
        return false;
      if (!keyless(*j.variant)) return true;
      for (size_t m : g)
        if (keyless(*jobs[m].variant)) return false;
      return true;
    };
    auto g = std::find_if(groups.begin(), groups.end(), fits);
    if (g == groups.end()) groups.push_back({i});
    else g->push_back(i);
  }
  return groups;
}

/// Turns a finished worker's files back into the result the sequential path would have returned.
VariantResult collect(const VariantJob& j, int wait_status, std::string* input_error) {
  VariantResult r = skipped(*j.variant);
  std::string why;
  nlohmann::json res;
  if (interrupt::received()) {
    // Stopped by the parent: a result file that is whole belongs to a variant that finished (a fork of
    // a shared boot may finish while the unit's first process is killed); anything else did not.
    res = nlohmann::json::parse(slurp(result_file(j)), nullptr, false);
    if (res.is_discarded() || res.contains("error")) {
      r.interrupted = true;
      return r;
    }
  } else if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    why = WIFSIGNALED(wait_status) ? "worker process killed by signal " + std::to_string(WTERMSIG(wait_status))
                                   : "worker process exited with status " + std::to_string(WEXITSTATUS(wait_status));
  } else {
    res = nlohmann::json::parse(slurp(result_file(j)), nullptr, false);
    if (res.is_discarded()) why = "worker left an unreadable " + result_file(j).string();
  }
  if (why.empty() && res.contains("error")) {
    if (res["error"] == "input") {
      *input_error = res["what"].get<std::string>();
      return r;
    }
    why = res["what"].get<std::string>();
  }
  if (!why.empty()) {
    // A bootsim bug, not the guest's: say so in the variant, keep the other variants' results.
    r.result.reason = StopReason::kInternalError;
    r.result.detail = why;
    return r;
  }
  r.result.reason = static_cast<StopReason>(res["reason"].get<int>());
  r.result.detail = res["detail"].get<std::string>();
  r.result.end_time = SimTime::from_ns(res["end_ns"].get<std::int64_t>());
  r.console_text = res["console_text"].get<std::string>();
  r.wall_seconds = res["wall_seconds"].get<double>();
  r.trace_path = res["trace_path"].get<std::string>();
  r.console_path = res["console_path"].get<std::string>();
  r.pcap_path = res["pcap_path"].get<std::string>();
  r.shared_from = res.value("shared_from", std::string());
  r.shared_until = SimTime::from_ns(res.value("shared_until_ns", std::int64_t{0}));
  r.events = Trace::parse_jsonl(slurp(r.trace_path));
  r.console_raw = slurp(r.console_path);
  for (const auto& m : res.value("machines", nlohmann::json::array())) {
    MachineRun run;
    run.name = m["name"].get<std::string>();
    run.result.reason = static_cast<StopReason>(m["reason"].get<int>());
    run.result.detail = m["detail"].get<std::string>();
    run.result.end_time = SimTime::from_ns(m["end_ns"].get<std::int64_t>());
    run.console_text = m["console_text"].get<std::string>();
    run.console_path = m["console_path"].get<std::string>();
    run.console_raw = slurp(run.console_path);
    r.machines.push_back(std::move(run));
  }
  return r;
}

}  // namespace

int default_jobs() {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : static_cast<int>(n);
}

namespace {

/// A job not run because of a signal: its name and "interrupted", nothing else.
VariantResult not_run(const Variant& v) {
  VariantResult r = skipped(v);
  r.skip_reason.clear();
  r.interrupted = true;
  return r;
}

std::vector<VariantResult> run_sequential(const std::vector<VariantJob>& jobs) {
  std::vector<VariantResult> results(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    const VariantJob& j = jobs[i];
    if (!j.variant->skip_reason.empty()) results[i] = skipped(*j.variant);
    else if (interrupt::received()) results[i] = not_run(*j.variant);
    else {
      results[i] = execute_variant(*j.scenario, *j.variant, j.options);
      results[i].interrupted = interrupt::received() != 0;  // its boot was cut short at a trace event
    }
    judge(*j.variant, results[i]);
  }
  return results;
}

/// Signals every running unit and everything it forked (each unit is a process group of its own):
/// SIGTERM first, SIGKILL for whatever is still there 2 s (wall time) later.
void stop_units(const std::map<pid_t, size_t>& running, int sig) {
  for (const auto& [pid, unit] : running) ::kill(-pid, sig);
}

std::vector<VariantResult> run_parallel(const std::vector<VariantJob>& jobs, int max_workers) {
  std::vector<VariantResult> results(jobs.size());
  interrupt::ChildWake wake;
  const pid_t parent = ::getpid();
  // Round one: groups of jobs sharing a boot (and single jobs). Round two: every job that round one
  // left without a result (a fork that was not possible), each on its own.
  std::vector<int> status(jobs.size(), 0);
  std::vector<bool> started(jobs.size(), false);
  std::vector<std::vector<size_t>> units = group_jobs(jobs);
  for (int round = 0; round < 2 && !units.empty(); ++round) {
    std::map<pid_t, size_t> running;  // pid (= its process group) -> unit
    size_t next = 0;
    bool stopping = false;
    std::chrono::steady_clock::time_point kill_at{};  // wall time, only to give up on a worker
    while ((next < units.size() && !stopping) || !running.empty()) {
      if (interrupt::received() && !stopping) {
        stopping = true;
        stop_units(running, SIGTERM);
        kill_at = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      }
      while (!stopping && next < units.size() && static_cast<int>(running.size()) < max_workers) {
        size_t u = next++;
        for (size_t i : units[u]) {
          fs::remove(result_file(jobs[i]));
          started[i] = true;
        }
        std::fflush(nullptr);  // or buffered output would be printed again by the worker
        pid_t pid = ::fork();
        if (pid == 0) {
          if (!interrupt::become_worker(parent, true)) leave(1);
          if (units[u].size() == 1) work(jobs[units[u].front()]);
          work_group(jobs, units[u]);
        }
        if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
        ::setpgid(pid, pid);  // also here: kill(-pid) must work before the child gets to run
        running[pid] = u;
      }
      if (running.empty()) continue;  // stopping with nothing left to wait for
      int st = 0;
      pid_t pid = ::waitpid(-1, &st, WNOHANG);
      if (pid < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
      }
      if (pid == 0) {
        if (stopping && std::chrono::steady_clock::now() >= kill_at) {
          stop_units(running, SIGKILL);
          kill_at += std::chrono::hours(1);
        }
        interrupt::wait_for_wake(stopping ? 100 : -1);
        continue;
      }
      auto it = running.find(pid);
      if (it == running.end()) continue;  // not one of ours
      for (size_t i : units[it->second]) status[i] = st;
      running.erase(it);
    }
    if (interrupt::received()) break;
    std::vector<std::vector<size_t>> again;
    for (const auto& unit : units)
      if (unit.size() > 1)
        for (size_t i : unit)
          if (!fs::exists(result_file(jobs[i]))) again.push_back({i});
    units = std::move(again);
  }

  std::string input_error;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const VariantJob& j = jobs[i];
    if (!j.variant->skip_reason.empty()) results[i] = skipped(*j.variant);
    else if (!started[i]) results[i] = not_run(*j.variant);
    else results[i] = collect(j, status[i], &input_error);
    if (!input_error.empty()) throw InputError(input_error);
    judge(*j.variant, results[i]);
  }
  return results;
}

}  // namespace

std::vector<VariantResult> run_jobs(const std::vector<VariantJob>& given, int max_workers) {
  // Every job's staging folder is decided here, in the parent: a worker's pid must not name it.
  std::vector<VariantJob> jobs = given;
  std::vector<std::string> staging;
  for (auto& j : jobs) {
    if (j.options.staging_dir.empty()) j.options.staging_dir = default_staging_dir(j.options.out_dir);
    if (std::find(staging.begin(), staging.end(), j.options.staging_dir) == staging.end())
      staging.push_back(j.options.staging_dir);
    fs::create_directories(j.options.out_dir);
  }
  bool keep = false;
  for (const auto& j : jobs) keep |= j.options.keep_staging;
  auto clean = [&] {
    if (keep) return;
    std::error_code ec;
    for (const auto& d : staging) fs::remove_all(d, ec);
  };

  bool sequential = max_workers <= 1;
  for (const auto& j : jobs) sequential |= j.options.echo;
  try {
    std::vector<VariantResult> results = sequential ? run_sequential(jobs) : run_parallel(jobs, max_workers);
    clean();
    return results;
  } catch (...) {
    clean();
    throw;
  }
}

}  // namespace bootsim::scenario
