#include "sim/cli/job_progress.h"

#include <utility>
#include <vector>

namespace bootsim::cli {

scenario::JobProgress job_progress(Progress& progress, JobLabel label) {
  scenario::JobProgress told;
  told.done = [&progress, label](const scenario::JobDone& d) {
    progress.done(label(d.out_dir, d.variant), "", d.reached.ns);
  };
  if (progress.shown())
    told.running = [&progress, label = std::move(label)](const std::vector<scenario::JobRunning>& now) {
      std::vector<RunningRun> runs;
      for (const auto& r : now) runs.push_back({label(r.out_dir, r.variant), r.reached.ns, r.machines, r.machines_ended});
      progress.running(runs);
    };
  return told;
}

}  // namespace bootsim::cli
