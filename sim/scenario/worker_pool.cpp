#include "sim/scenario/worker_pool.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "sim/guest_fault.h"

namespace bootsim::scenario {

namespace fs = std::filesystem;

namespace {

/// Where a worker leaves what the parent cannot read from the trace: how the run ended, the rendered
/// screen, wall time, or the error that stopped it.
fs::path result_file(const VariantJob& j) {
  return fs::path(j.options.out_dir) / ".staging" / j.variant->name / "result.json";
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

/// The worker's whole life: boot the variant, write its artifacts and result file, never return.
[[noreturn]] void work(const VariantJob& j) {
  nlohmann::json out;
  try {
    VariantResult r = execute_variant(*j.scenario, *j.variant, j.options);
    out = {{"reason", static_cast<int>(r.result.reason)},
           {"detail", r.result.detail},
           {"end_ns", r.result.end_time.ns},
           {"console_text", r.console_text},
           {"wall_seconds", r.wall_seconds},
           {"trace_path", r.trace_path},
           {"console_path", r.console_path},
           {"pcap_path", r.pcap_path}};
  } catch (const InputError& e) {
    out = {{"error", "input"}, {"what", e.what()}};
  } catch (const std::exception& e) {
    out = {{"error", "internal"}, {"what", e.what()}};
  }
  int rc = 0;
  try {
    fs::create_directories(result_file(j).parent_path());
    std::ofstream f(result_file(j), std::ios::binary);
    f << out.dump();
    f.close();
    if (!f) rc = 1;
  } catch (...) {
    rc = 1;
  }
  std::fflush(nullptr);
  _exit(rc);  // no atexit handlers or destructors: they belong to the parent's copy of the world
}

/// Turns a finished worker's files back into the result the sequential path would have returned.
VariantResult collect(const VariantJob& j, int wait_status, std::string* input_error) {
  VariantResult r = skipped(*j.variant);
  std::string why;
  nlohmann::json res;
  if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
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
  r.events = Trace::parse_jsonl(slurp(r.trace_path));
  r.console_raw = slurp(r.console_path);
  return r;
}

}  // namespace

int default_jobs() {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : static_cast<int>(n);
}

std::vector<VariantResult> run_jobs(const std::vector<VariantJob>& jobs, int max_workers) {
  std::vector<VariantResult> results(jobs.size());
  for (const auto& j : jobs) fs::create_directories(j.options.out_dir);

  bool sequential = max_workers <= 1;
  for (const auto& j : jobs) sequential |= j.options.echo;
  if (sequential) {
    for (size_t i = 0; i < jobs.size(); ++i) {
      const VariantJob& j = jobs[i];
      results[i] = j.variant->skip_reason.empty() ? execute_variant(*j.scenario, *j.variant, j.options)
                                                  : skipped(*j.variant);
      judge(*j.variant, results[i]);
    }
    return results;
  }

  std::map<pid_t, size_t> running;
  std::vector<int> status(jobs.size(), 0);
  size_t next = 0;
  std::string fork_error;
  while (next < jobs.size() || !running.empty()) {
    while (fork_error.empty() && next < jobs.size() && static_cast<int>(running.size()) < max_workers) {
      size_t i = next++;
      if (!jobs[i].variant->skip_reason.empty()) continue;
      fs::remove(result_file(jobs[i]));
      std::fflush(nullptr);  // or buffered output would be printed again by the worker
      pid_t pid = ::fork();
      if (pid == 0) work(jobs[i]);
      if (pid < 0) {
        fork_error = std::string("fork: ") + std::strerror(errno);
        break;
      }
      running[pid] = i;
    }
    if (running.empty()) break;
    int st = 0;
    pid_t pid = ::waitpid(-1, &st, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    status[it->second] = st;
    running.erase(it);
  }
  if (!fork_error.empty()) throw std::runtime_error(fork_error);

  std::string input_error;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const VariantJob& j = jobs[i];
    results[i] = j.variant->skip_reason.empty() ? collect(j, status[i], &input_error) : skipped(*j.variant);
    if (!input_error.empty()) throw InputError(input_error);
    judge(*j.variant, results[i]);
  }
  return results;
}

}  // namespace bootsim::scenario
