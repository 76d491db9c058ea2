// How far each running job (a variant or sweep cell in a worker process) has got, for progress displays:
// one slot of counters per job in memory shared with the workers (an anonymous shared mapping, made
// before they are forked). A worker's boot writes its slot at every trace event (relaxed atomics: no
// lock, no system call); the parent reads the slots while it waits for its workers. Display only: no
// value read here reaches the simulation, its artifacts or what bootsim prints to stdout.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sim/core/trace_record.h"

namespace bootsim::scenario {

class JobStatus {
 public:
  /// Slots for `jobs` jobs, all "not started". Throws std::runtime_error when the mapping fails.
  explicit JobStatus(size_t jobs);
  ~JobStatus();
  JobStatus(const JobStatus&) = delete;
  JobStatus& operator=(const JobStatus&) = delete;

  /// What a slot says.
  struct Seen {
    bool started = false;
    std::int64_t reached_ns = 0;     ///< the virtual time of the job's latest trace event
    std::uint32_t machines = 0;      ///< how many machines its boot has
    std::uint32_t machines_ended = 0;  ///< how many of them have ended (an `exit` event)
  };

  /// In the worker running job `job`, whose boot has `machines` machines: one trace event of that boot.
  void note(size_t job, std::uint32_t machines, const TraceEvent& ev);
  /// Anywhere: what job `job`'s slot says now.
  Seen seen(size_t job) const;

 private:
  struct Slot;
  Slot* slots_ = nullptr;
  size_t count_ = 0;
  size_t bytes_ = 0;
};

}  // namespace bootsim::scenario
