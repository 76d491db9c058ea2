// Runs a loaded scenario: one World per variant (clock, trace, boot network, machine), then checks the
// variant's expectations against its trace. The trace is the only evidence: verdicts are computed from it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/facts/trace_facts.h"
#include "sim/world/boot_run.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/verdict.h"

namespace bootsim::scenario {

/// How one machine of a variant ended.
struct MachineRun {
  std::string name;
  RunResult result;
  std::string console_raw, console_text;
  std::string console_path;  ///< its console log (absolute): "<variant>.console.log" for a single machine
};

struct VariantResult {
  std::string name, description;
  std::string skip_reason;              ///< non-empty: not run
  RunResult result;                     ///< the first machine's
  /// Every machine, in the scenario's order (one entry for a single machine: the same as `result`,
  /// `console_*`). Empty for a variant that was not run, or whose worker died before it wrote a result.
  std::vector<MachineRun> machines;
  std::vector<Verdict> verdicts;
  std::vector<TraceEvent> events;        ///< every machine's and the network's
  std::string console_raw, console_text;  ///< the first machine's
  /// Written artifacts (absolute); console_path is the first machine's console (with several machines
  /// each also has "<variant>.<machine>.console.log", see `machines`).
  std::string trace_path, console_path, pcap_path;
  double wall_seconds = 0;
  /// External servers (network mode="external"): the pacing's drift from wall time (TapHost::Stats);
  /// absent for a virtual-time run or one that was not run.
  std::optional<TapHost::Stats> pacing;
  /// Set when this variant's boot was forked from another's run at its first key (shared_boot.h): that
  /// variant's name, or "(no keys)" when no variant of the group was keyless. The artifacts are the
  /// same as from a boot of its own; only wall time differs.
  std::string shared_from;
  SimTime shared_until{};  ///< where the fork happened (virtual time)
  /// The run was stopped by a signal (interrupt.h) before it finished, or never started: its result and
  /// artifacts are whatever it had (its trace and console logs up to the stop; a worker killed before
  /// it could write them leaves only its pcap), its expectations "skip".
  bool interrupted = false;
  /// The trace's facts per source (sim/facts), derived once by judge(); the reports read these too.
  std::shared_ptr<const facts::TraceFacts> facts;
};

/// True for a variant whose run left nothing to judge: its worker died, or bootsim failed, before any
/// machine's result was written (an internal error with no machines). An empty trace would fail some of
/// its expectations and pass others ("no handoff"), so judge() skips them and its run verdict says why.
bool left_nothing_to_judge(const VariantResult& r);

struct RunOptions {
  std::string out_dir;  ///< where per-variant trace, console log and pcap go (created)
  bool echo = false;    ///< print each variant's console as it runs (implies one variant at a time)
  int jobs = 1;         ///< run_scenario: worker processes (sim/scenario/variant_jobs.h); 1: this process
  /// This run's scratch folder (served roots, workers' result files); empty: staging_dir(out_dir), which
  /// is private to this process. run_jobs removes it at the end unless `keep_staging`.
  std::string staging_dir;
  bool keep_staging = false;
  /// Hears every trace event of the boot as it is made (a progress display, job_status.h). It must not
  /// change anything the simulation reads.
  std::function<void(const TraceEvent&)> on_event;
};

/// Creates opts.out_dir and checks that every file the variant and the reports will write there stays
/// inside it once symlinks are followed (a link planted in an output folder must not redirect a
/// write outside it). Throws InputError; called before anything runs.
void check_output_paths(const Variant& v, const RunOptions& opts);

/// The default staging folder of a run into `out_dir` by this process: out_dir/.staging-<pid>, so two
/// runs into one folder never read each other's results.
std::string default_staging_dir(const std::string& out_dir);

/// A variant run (a job of run_jobs) that has ended, for a progress display (sim/cli/progress.h): told in
/// the order runs end, which with workers depends on the host; nothing printed or written may depend on it.
struct JobDone {
  const Variant* variant = nullptr;
  std::string out_dir;  ///< its RunOptions::out_dir (a sweep cell's folder)
  SimTime reached{};    ///< the virtual time its boot reached; 0 when it was skipped or left no result
};
/// A job still running in a worker process, as far as it has got (job_status.h); display only, like JobDone.
struct JobRunning {
  const Variant* variant = nullptr;
  std::string out_dir;
  SimTime reached{};               ///< the virtual time of its boot's latest trace event
  std::uint32_t machines = 0;      ///< its boot's machines (0: not known)
  std::uint32_t machines_ended = 0;
};
/// What a progress display hears of run_jobs: each job as it ends (`done`), and about once every
/// `running_every` (wall time) while worker processes run, the jobs still running (`running`; not called
/// for jobs run in this process).
struct JobProgress {
  std::function<void(const JobDone&)> done;
  std::function<void(const std::vector<JobRunning>&)> running;
  std::chrono::milliseconds running_every = std::chrono::seconds(1);
};

/// Runs every variant of `s` that is not skipped, `opts.jobs` at a time, and checks its expectations.
/// Results come in the scenario's variant order. Throws InputError for configurations the simulator
/// cannot build. `progress`: as run_jobs. (Defined with the jobs it runs, in sim/scenario/variant_jobs.cpp.)
std::vector<VariantResult> run_scenario(const Scenario& s, const RunOptions& opts, const JobProgress& progress = {});

/// Makes `spec`'s boot end at its next event once this process caught a signal (interrupt.h), each
/// machine's exit saying so; `on_event` (may be empty) sees every event before that.
void stop_at_signal(BootRunSpec& spec, std::function<void(const TraceEvent&)> on_event);

/// Boots one variant that is not skipped, in this process, and writes its trace, console log and pcap
/// under opts.out_dir. Verdicts are left to judge().
VariantResult execute_variant(const Scenario& s, const Variant& v, const RunOptions& opts);

/// Where a variant's artifacts go: this plus ".trace.jsonl", ".console.log" and ".pcap" (absolute), and
/// with several machines ".<machine>.console.log" for each.
std::string artifact_base(const Variant& v, const RunOptions& opts);

/// The external servers' log that sits next to a variant's pcap (`<base>.pcap` -> `<base>.servers.log`),
/// for those that read it back (the reports, a merge); "" when `pcap_path` is not such a pcap.
std::string servers_log_path(const std::string& pcap_path);

/// Writes a finished boot's trace and console log(s) next to its pcap; returns the variant's result
/// without verdicts. `out` is taken: its trace events move into the result (pass a copy to keep them).
VariantResult record_variant(const Variant& v, const RunOptions& opts, BootRunOutcome out, double wall_seconds);

/// The exit code of a run of these variants, from their verdicts (exit_code(int, const Verdict&)): 0 all
/// hold, 1 an expectation failed, 3 a guest fault no expectation covered, 4 bootsim failed.
int exit_code(const std::vector<VariantResult>& results);

/// Fills r.verdicts from v's expectations: "skip" for a skipped variant, otherwise checked on r's trace.
/// Then run_verdict() is added when v has no expectations (so its run is still a test case) or when it
/// is an "error" (a fault must not hide behind expectations that held before it).
void judge(const Variant& v, VariantResult& r);

/// kRunsWithoutFault for r: "error" when a machine ended in a guest fault that no `<exit
/// reason="guest_fault">` expectation for it foresaw, or in a bootsim internal error (then the fault
/// is "internal_error" whatever the others did); "skip" for a skipped variant; "pass" otherwise.
Verdict run_verdict(const Variant& v, const VariantResult& r);
/// The same, reading faults from facts_of(r) derived already.
Verdict run_verdict(const Variant& v, const VariantResult& r, const facts::TraceFacts& f);

/// Checks one expectation against a finished variant's trace. With several machines it is checked on
/// each machine it names (all of them when e.machine is empty), each on a view of the trace with that
/// machine's events plus those of the network's services, and holds only if it holds on every one; the
/// evidence then reads "m1: …; m2: …".
Verdict check(const Expectation& e, const VariantResult& v);
/// The same, reading `f` = facts_of(v) instead of deriving it again (judge() derives it once per run).
Verdict check(const Expectation& e, const VariantResult& v, const facts::TraceFacts& f);

/// The facts expectations read (sim/facts): per machine with several machines (v.facts when judge() has
/// derived them); with one, the whole trace taken as that machine's (its events and the servers').
facts::TraceFacts facts_of(const VariantResult& v);

/// The view of a multi-machine result that check() uses for `machine`: that machine's events plus the
/// events of sources that are not one of the variant's machines (dhcpd, httpd, slirp, …), its result
/// and its console. Throws std::out_of_range for a machine the result does not have.
VariantResult machine_view(const VariantResult& v, const std::string& machine);

}  // namespace bootsim::scenario
