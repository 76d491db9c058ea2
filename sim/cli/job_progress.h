// The progress display (progress.h) as the listener of a run's jobs (scenario::JobProgress).
//
// Usage:
//   Progress progress("cells", total, progress_style(quiet));
//   so.progress = job_progress(progress, [](const std::string& out_dir, const scenario::Variant* v) { ... });
#pragma once

#include <functional>
#include <string>

#include "sim/cli/progress.h"
#include "sim/scenario/runner.h"

namespace bootsim::cli {

/// What names a job on the display: its variant and RunOptions::out_dir (a sweep cell's folder).
using JobLabel = std::function<std::string(const std::string& out_dir, const scenario::Variant* variant)>;

/// Tells `progress` of each job that ends and, only when it is shown (the running jobs' reports make
/// every worker's boot note each trace event, job_status.h), of the jobs still running. `progress`
/// must outlive the returned value.
scenario::JobProgress job_progress(Progress& progress, JobLabel label);

}  // namespace bootsim::cli
