// Runs scenario variants as jobs: one after another in this process, or in worker processes
// (worker_pool.h) so independent boots use every core, with jobs whose boots are the same until some
// moment sharing one boot up to there (shared_boot.h; BOOTSIM_NO_SHARE=1 turns that off).
//
// Each job is one variant of one loaded scenario (a sweep cell is a variant of its own load). A worker
// boots its variant (or its group's shared boot) exactly as the sequential path does (execute_variant),
// writes the trace, console log and pcap it always writes, plus a small result file, and exits. The
// parent reads those files back and checks the expectations, in job order, so what bootsim prints and
// writes does not depend on which worker finished first. Nothing from the host's scheduling reaches the
// simulation: each worker's World is built after the fork, from the job alone.
#pragma once

#include <vector>

#include "sim/scenario/runner.h"

namespace bootsim::scenario {

struct VariantJob {
  const Scenario* scenario = nullptr;
  const Variant* variant = nullptr;
  RunOptions options;  ///< out_dir per job (a sweep gives every cell its own)
};

/// Runs every job and returns their results in job order, judged. `max_workers` <= 1, or a job that
/// echoes its console, runs in this process (the sequential path, used by tests and `-v`). A worker that
/// dies without a result (a bootsim bug) becomes a variant that ended with kInternalError and says so.
/// InputError raised while building a variant's World is rethrown here, as in the sequential path.
/// `progress`, when given, hears of each job as it ends, and of the running workers' boots about once a
/// second (display only; see JobDone, JobRunning).
std::vector<VariantResult> run_jobs(const std::vector<VariantJob>& jobs, int max_workers, const JobProgress& progress = {});

}  // namespace bootsim::scenario
