#include "sim/scenario/job_status.h"

#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include "sim/core/trace.h"

namespace bootsim::scenario {

// Lock-free atomics of these sizes are plain memory operations, so they work between processes.
static_assert(std::atomic<std::int64_t>::is_always_lock_free && std::atomic<std::uint32_t>::is_always_lock_free);

struct alignas(64) JobStatus::Slot {  // one cache line per job: two workers never share one
  std::atomic<std::int64_t> reached_ns{0};
  std::atomic<std::uint32_t> machines{0};
  std::atomic<std::uint32_t> machines_ended{0};
  std::atomic<std::uint32_t> started{0};
};

JobStatus::JobStatus(size_t jobs) : count_(jobs) {
  bytes_ = (jobs == 0 ? 1 : jobs) * sizeof(Slot);
  void* p = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error(std::string("job status: mmap: ") + std::strerror(errno));
  slots_ = static_cast<Slot*>(p);
  for (size_t i = 0; i < jobs; ++i) new (&slots_[i]) Slot();
}

JobStatus::~JobStatus() {
  if (slots_) ::munmap(slots_, bytes_);
}

void JobStatus::note(size_t job, std::uint32_t machines, const TraceEvent& ev) {
  if (job >= count_) return;
  Slot& s = slots_[job];
  auto t = ev.find("t_ns");
  if (t != ev.end() && t->is_number_integer()) s.reached_ns.store(t->get<std::int64_t>(), std::memory_order_relaxed);
  if (const std::string* kind = string_field(ev, "kind"); kind && *kind == "exit")
    s.machines_ended.fetch_add(1, std::memory_order_relaxed);
  s.machines.store(machines, std::memory_order_relaxed);
  s.started.store(1, std::memory_order_release);
}

JobStatus::Seen JobStatus::seen(size_t job) const {
  Seen r;
  if (job >= count_) return r;
  const Slot& s = slots_[job];
  r.started = s.started.load(std::memory_order_acquire) != 0;
  r.reached_ns = s.reached_ns.load(std::memory_order_relaxed);
  r.machines = s.machines.load(std::memory_order_relaxed);
  r.machines_ended = s.machines_ended.load(std::memory_order_relaxed);
  return r;
}

}  // namespace bootsim::scenario
