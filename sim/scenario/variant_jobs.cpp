#include "sim/scenario/variant_jobs.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <memory>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sim/core/errors.h"
#include "sim/core/file_text.h"
#include "sim/machine/console.h"
#include "sim/machine/stretch_shelf.h"
#include "sim/scenario/interrupt.h"
#include "sim/scenario/job_status.h"
#include "sim/scenario/pacing_json.h"
#include "sim/scenario/shared_boot.h"
#include "sim/scenario/worker_pool.h"

namespace bootsim::scenario {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------------------------------------------
// The result file: what a worker leaves that the parent cannot read from the trace (how the run ended,
// the rendered screen, wall time, whether its boot was shared, or the error that stopped it).

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

/// A job not run because of a signal: its name and "interrupted", nothing else.
VariantResult not_run(const Variant& v) {
  VariantResult r = skipped(v);
  r.skip_reason.clear();
  r.interrupted = true;
  return r;
}

void write_result(const VariantJob& j, const nlohmann::json& out) {
  fs::create_directories(result_file(j).parent_path());
  std::ofstream f(result_file(j), std::ios::binary);
  // Details can quote guest bytes, which need not be UTF-8: replaced rather than failing the whole job.
  f << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  f.close();
  if (!f) throw std::runtime_error("cannot write " + result_file(j).string());
}

/// A console's rendered text, from its raw bytes as the machine's Console rendered them.
std::string rendered(const std::string& raw) {
  Console c;
  c.write(raw, SimTime{});
  return c.screen_text();
}

nlohmann::json result_json(const VariantResult& r) {
  // Each machine's console log is on disk (console_path); its raw text is read back from there and rendered
  // again. Raw console bytes are not UTF-8 (a CP437 frame, a Latin-1 letter), so they never travel in JSON.
  nlohmann::json machines = nlohmann::json::array();
  for (const auto& m : r.machines)
    machines.push_back({{"name", m.name},
                        {"reason", static_cast<int>(m.result.reason)},
                        {"detail", m.result.detail},
                        {"end_ns", m.result.end_time.ns},
                        {"console_path", m.console_path}});
  nlohmann::json out = {{"machines", std::move(machines)},
                        {"reason", static_cast<int>(r.result.reason)},
                        {"detail", r.result.detail},
                        {"end_ns", r.result.end_time.ns},
                        {"wall_seconds", r.wall_seconds},
                        {"trace_path", r.trace_path},
                        {"console_path", r.console_path},
                        {"pcap_path", r.pcap_path},
                        {"interrupted", r.interrupted}};
  if (r.pacing) out["pacing"] = pacing_json(*r.pacing);
  if (!r.shared_from.empty()) {
    out["shared_from"] = r.shared_from;
    out["shared_until_ns"] = r.shared_until.ns;
  }
  return out;
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

/// Turns a finished worker's files back into the result the sequential path would have returned.
VariantResult collect(const VariantJob& j, int wait_status, std::string* input_error) {
  VariantResult r = skipped(*j.variant);
  std::string why;
  nlohmann::json res;
  if (interrupt::received()) {
    // Stopped by the parent: a result file that is whole belongs to a variant that finished, or that
    // its worker cut short when asked and wrote up to there (it says "interrupted"); a worker killed
    // before it could write one did not finish.
    res = nlohmann::json::parse(read_file_bytes(result_file(j)), nullptr, false);
    if (res.is_discarded() || res.contains("error")) {
      r.interrupted = true;
      return r;
    }
  } else if (!WIFEXITED(wait_status) || WEXITSTATUS(wait_status) != 0) {
    why = WIFSIGNALED(wait_status) ? "worker process killed by signal " + std::to_string(WTERMSIG(wait_status))
                                   : "worker process exited with status " + std::to_string(WEXITSTATUS(wait_status));
  } else {
    res = nlohmann::json::parse(read_file_bytes(result_file(j)), nullptr, false);
    if (res.is_discarded()) why = "worker left an unreadable " + result_file(j).string();
    // Cut short by a SIGTERM this run did not send (someone killed the worker): not a result, and not
    // a quiet "interrupted" either, whose skipped expectations would let CI pass.
    else if (res.value("interrupted", false))
      why = "worker process stopped by SIGTERM from outside this run; its partial trace is " +
            res.value("trace_path", std::string());
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
    // The pcap is written as frames pass (whole records): whatever the worker captured is there to read.
    std::string pcap = artifact_base(*j.variant, j.options) + ".pcap";
    std::error_code ec;
    if (fs::exists(pcap, ec)) r.pcap_path = pcap;
    return r;
  }
  r.result.reason = static_cast<StopReason>(res["reason"].get<int>());
  r.result.detail = res["detail"].get<std::string>();
  r.result.end_time = SimTime::from_ns(res["end_ns"].get<std::int64_t>());
  r.wall_seconds = res["wall_seconds"].get<double>();
  r.trace_path = res["trace_path"].get<std::string>();
  r.console_path = res["console_path"].get<std::string>();
  r.pcap_path = res["pcap_path"].get<std::string>();
  if (res.contains("pacing")) r.pacing = pacing_from_json(res["pacing"]);
  r.shared_from = res.value("shared_from", std::string());
  r.shared_until = SimTime::from_ns(res.value("shared_until_ns", std::int64_t{0}));
  r.interrupted = res.value("interrupted", false);
  r.events = Trace::parse_jsonl(read_file_bytes(r.trace_path));
  r.console_raw = read_file_bytes(r.console_path);
  r.console_text = rendered(r.console_raw);
  for (const auto& m : res.value("machines", nlohmann::json::array())) {
    MachineRun run;
    run.name = m["name"].get<std::string>();
    run.result.reason = static_cast<StopReason>(m["reason"].get<int>());
    run.result.detail = m["detail"].get<std::string>();
    run.result.end_time = SimTime::from_ns(m["end_ns"].get<std::int64_t>());
    run.console_path = m["console_path"].get<std::string>();
    run.console_raw = read_file_bytes(run.console_path);
    run.console_text = rendered(run.console_raw);
    r.machines.push_back(std::move(run));
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------
// What a worker does

/// One job alone: boot the variant, write its artifacts and result file. Returns the exit status.
int work(const VariantJob& j) {
  nlohmann::json out = guarded([&] { return result_json(execute_variant(*j.scenario, *j.variant, j.options)); });
  try {
    write_result(j, out);
  } catch (...) {
    return 1;
  }
  return 0;
}

/// A group sharing one boot (shared_boot.h): every process that ends up as one or more members writes
/// those members' files; a member whose fork was not possible gets no result file and is run on its own
/// afterwards. Every process waits for what it forked, and exits here.
[[noreturn]] void work_group(const std::vector<VariantJob>& jobs, const std::vector<size_t>& members) {
  SharedBoot boot(jobs, members);
  std::vector<nlohmann::json> outs;
  nlohmann::json error = guarded([&]() -> nlohmann::json {
    for (const VariantResult& r : boot.run()) outs.push_back(result_json(r));
    return nlohmann::json();
  });
  int rc = 0;
  try {
    if (!error.is_null()) {
      if (boot.job() >= 0) write_result(jobs[static_cast<size_t>(boot.job())], error);
    } else {
      for (size_t k = 0; k < outs.size(); ++k) write_result(jobs[boot.members()[k]], outs[k]);
    }
  } catch (...) {
    rc = 1;
  }
  for (pid_t c : boot.children()) {
    int st = 0;
    while (::waitpid(c, &st, 0) < 0 && errno == EINTR) {
    }
  }
  exit_worker(rc);
}

// ---------------------------------------------------------------------------------------------------
// The two paths

/// Tells `progress` (when there is one) that job `j` ended, at `reached` virtual time.
void tell(const JobProgress& progress, const VariantJob& j, SimTime reached) {
  if (progress.done) progress.done(JobDone{j.variant, j.options.out_dir, reached});
}

std::vector<VariantResult> run_sequential(const std::vector<VariantJob>& jobs, const JobProgress& progress) {
  std::vector<VariantResult> results(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    const VariantJob& j = jobs[i];
    if (!j.variant->skip_reason.empty()) results[i] = skipped(*j.variant);
    else if (interrupt::received()) results[i] = not_run(*j.variant);
    else {
      results[i] = execute_variant(*j.scenario, *j.variant, j.options);  // says whether a signal cut it short
    }
    judge(*j.variant, results[i]);
    tell(progress, j, results[i].result.end_time);
  }
  return results;
}

/// The jobs that `status` says have started, of the units that have not ended, for progress.running.
std::vector<JobRunning> running_jobs(const std::vector<VariantJob>& jobs, const std::vector<std::vector<size_t>>& units,
                                     const std::vector<bool>& unit_ended, const JobStatus& status) {
  std::vector<JobRunning> out;
  for (size_t u = 0; u < units.size(); ++u)
    for (size_t i : units[u]) {
      JobStatus::Seen s = status.seen(i);
      if (unit_ended[u] || !s.started) continue;
      out.push_back({jobs[i].variant, jobs[i].options.out_dir, SimTime::from_ns(s.reached_ns), s.machines, s.machines_ended});
    }
  return out;
}

std::vector<VariantResult> run_parallel(const std::vector<VariantJob>& jobs, int max_workers, const JobProgress& progress,
                                        const JobStatus* board) {
  std::vector<VariantResult> results(jobs.size());
  // Round one: groups of jobs sharing a boot (and single jobs). Round two: every job that round one
  // left without a result (a fork that was not possible), each on its own.
  std::vector<int> status(jobs.size(), 0);
  std::vector<bool> started(jobs.size(), false);
  std::vector<std::vector<size_t>> units = group_jobs(jobs);
  for (int round = 0; round < 2 && !units.empty(); ++round) {
    for (const auto& unit : units)
      for (size_t i : unit) fs::remove(result_file(jobs[i]));
    std::vector<bool> unit_ended(units.size(), false);
    std::function<void()> tick;
    if (board && progress.running)
      tick = [&] { progress.running(running_jobs(jobs, units, unit_ended, *board)); };
    std::vector<WorkerEnd> ends = run_in_workers(
        units.size(),
        [&](size_t u) {
          if (units[u].size() == 1) return work(jobs[units[u].front()]);
          work_group(jobs, units[u]);
        },
        max_workers,
        [&](size_t u) {  // progress only: each member with a result file, at the time it reached
          unit_ended[u] = true;
          if (progress.done)
            for (size_t i : units[u]) {
              nlohmann::json res = nlohmann::json::parse(read_file_bytes(result_file(jobs[i])), nullptr, false);
              if (res.is_object()) tell(progress, jobs[i], SimTime::from_ns(res.value("end_ns", std::int64_t{0})));
            }
        },
        tick, progress.running_every);
    for (size_t u = 0; u < units.size(); ++u)
      for (size_t i : units[u]) {
        started[i] = started[i] || ends[u].started;
        if (ends[u].started) status[i] = ends[u].wait_status;
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
    if (!j.variant->skip_reason.empty()) { results[i] = skipped(*j.variant); tell(progress, j, SimTime{}); }
    else if (!started[i]) results[i] = not_run(*j.variant);
    else results[i] = collect(j, status[i], &input_error);
    if (!input_error.empty()) throw InputError(input_error);
    judge(*j.variant, results[i]);
  }
  return results;
}

}  // namespace

std::vector<VariantResult> run_jobs(const std::vector<VariantJob>& given, int max_workers, const JobProgress& progress) {
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
  // Start-up stretches shared by every process of this run (sim/machine/stretch_shelf.h): made before
  // the first worker is forked. Without it (the mapping failed) every job runs its own start-up.
  struct ShelfScope {
    std::unique_ptr<StretchShelf> shelf;
    ~ShelfScope() {
      if (shelf) StretchShelf::install(nullptr);
    }
  } shelf_scope;
  if (jobs.size() > 1 && !StretchShelf::current()) {
    try {
      shelf_scope.shelf = std::make_unique<StretchShelf>();
      StretchShelf::install(shelf_scope.shelf.get());
    } catch (const std::exception&) {
    }
  }
  // How far each worker's boot has got, for progress.running: each job's boot notes its trace events
  // in a slot shared with this process. Without it (the mapping failed) there is only `done`.
  std::unique_ptr<JobStatus> status;
  if (!sequential && progress.running) {
    try {
      status = std::make_unique<JobStatus>(jobs.size());
    } catch (const std::exception&) {
    }
    for (size_t i = 0; status && i < jobs.size(); ++i) {
      JobStatus* st = status.get();
      const auto machines = static_cast<std::uint32_t>(jobs[i].variant->machines.size());
      jobs[i].options.on_event = [st, i, machines](const TraceEvent& ev) { st->note(i, machines, ev); };
    }
  }
  try {
    std::vector<VariantResult> results =
        sequential ? run_sequential(jobs, progress) : run_parallel(jobs, max_workers, progress, status.get());
    clean();
    return results;
  } catch (...) {
    clean();
    throw;
  }
}

std::vector<VariantResult> run_scenario(const Scenario& s, const RunOptions& opts, const JobProgress& progress) {
  for (const Variant& v : s.variants) check_output_paths(v, opts);
  std::vector<VariantJob> jobs;
  for (const Variant& v : s.variants) jobs.push_back({&s, &v, opts});
  return run_jobs(jobs, opts.jobs, progress);
}

}  // namespace bootsim::scenario
