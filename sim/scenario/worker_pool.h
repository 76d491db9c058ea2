// A plain process pool: runs jobs, each in a worker process of its own, a few at a time. It knows
// nothing of scenarios: a job is a function of its index, run in a fork() of this process, whose return
// value is the worker's exit status. What a job leaves behind (files) is the caller's business.
//
// Each worker is a process group of its own (so everything it forks can be stopped with it) and dies
// with this process, however that dies (interrupt::become_worker). A signal caught by this process
// (interrupt.h) stops the pool: no new job starts, the running ones get SIGTERM (which a worker catches
// to end its job early, interrupt::become_worker), then SIGKILL 5 s (wall time) later.
//
// Why processes and not threads: libslirp and our slirp glue are process-global, and a fork gives every
// job a private copy of everything for free.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <vector>

namespace bootsim::scenario {

/// How many workers to use when the user did not say: the host's online CPUs (at least 1). This only
/// changes how fast results arrive, never what they are.
int default_jobs();

/// What became of one job.
struct WorkerEnd {
  bool started = false;  ///< false: not started because the pool was stopped by a signal
  int wait_status = 0;   ///< waitpid(2)'s status of its worker
};

/// Runs jobs 0..count-1, `job(i)` in a worker process of its own, at most `max_workers` (>= 1) at a
/// time, started in index order. Returns when every started worker has ended, each job's end in index
/// order. Throws std::runtime_error when fork or waitpid fail. `on_end(i)`, when given, is called in this
/// process as soon as job i's worker has ended (for progress displays: the order depends on the host);
/// `on_tick`, when given, about once every `tick_every` (wall time) while workers run.
std::vector<WorkerEnd> run_in_workers(size_t count, const std::function<int(size_t)>& job, int max_workers,
                                      const std::function<void(size_t)>& on_end = {},
                                      const std::function<void()>& on_tick = {},
                                      std::chrono::milliseconds tick_every = std::chrono::seconds(1));

/// Ends a worker process (or a process it forked) with `rc`: flushes stdio, runs no atexit handlers or
/// destructors (they belong to the parent's copy of the world).
[[noreturn]] void exit_worker(int rc);

}  // namespace bootsim::scenario
