// The baton: several machines, each driven from a thread of its own, share one scheduler and one virtual
// clock, and exactly one of them runs at any moment (DESIGN.md "Running many machines").
//
// Why threads: Unicorn 2.0.1 cannot be stopped and resumed from outside. A machine's CPU leaves
// uc_emu_start only at HLT or a fault, and everything else, including "let virtual time pass", happens
// inside hooks. So each machine's engine runs on its own std::thread, and a hook that needs time to pass
// gives the baton away and blocks until it is handed back. Unicorn keeps no thread-local state we use
// (only an unused guest-random), so an engine built on one thread may be driven from another.
//
// Usage, on machine i's own thread:
//   baton.start(i);              // blocks until machine i is first chosen
//   ...                          // machine i runs; it holds the baton
//   baton.advance(i, t);         // "continue me at virtual time t": blocks until chosen again
//   baton.done(i);               // machine i is finished (also after an exception): someone else runs
//
// Who runs next: the active machine with the smallest (wanted time, index). Before handing over, the
// thread that gives the baton away moves the shared scheduler to that time and runs the events that are
// due, exactly as a lone machine does in Machine::advance_to, so the chosen machine continues with
// now() equal to the time it asked for. Scheduler events therefore run on whichever thread holds the
// baton; the mutex orders every hand-over, so each thread sees what the previous one wrote. The order
// depends on nothing but (time, index) and the scheduler's own state: the same inputs give the same
// interleaving, whatever the host's threads do.
//
// Each machine waits on a condition variable of its own, so a hand-over wakes exactly the chosen thread
// (one notify, one futex wake) rather than every waiting machine's thread: with one shared variable
// and notify_all, a 50-machine fleet woke 49 threads per hand-over only for them to go back to sleep,
// which is where most of its system time went. A machine that is chosen again at once (it still wants
// the earliest time) keeps running without any notify or wait.
//
// An idle machine (HLT, or nothing to poll) asks with Wake::kOnEvent: it wants t, or the time of the
// next scheduler event if that comes first, including events other machines schedule while it waits.
// A lone machine's idle jump stops at the next event it knows of (Machine::idle_jump); kOnEvent keeps
// that true when other machines add events later, e.g. a frame for this machine's NIC.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <vector>

#include "sim/core/scheduler.h"
#include "sim/core/sim_time.h"

namespace bootsim {

class Baton {
 public:
  /// `machines` machines, indices 0..machines-1, all active and wanting the scheduler's current time,
  /// so machine 0 holds the baton first. The scheduler must outlive the baton.
  Baton(Scheduler& sched, size_t machines);
  Baton(const Baton&) = delete;
  Baton& operator=(const Baton&) = delete;

  /// Blocks until machine i holds the baton for the first time. Call it once, on i's thread.
  void start(size_t i);

  enum class Wake {
    kAtTime,   ///< continue at exactly t
    kOnEvent,  ///< continue at t or at the next scheduler event, whichever comes first
  };
  /// Machine i (holding the baton) wants to continue at virtual time t (clamped to now): hands the baton
  /// to the machine that comes next, after moving the scheduler to that machine's time and running the
  /// events due by then, and blocks until i is chosen again. When it returns, i holds the baton and the
  /// scheduler's now() is i's time (<= t with kOnEvent). Throws std::logic_error when i does not hold
  /// the baton. If a scheduler event throws, i keeps the baton and the exception propagates.
  void advance(size_t i, SimTime t, Wake wake = Wake::kAtTime);

  /// Machine i is finished: it takes no further part, and if it held the baton the next machine gets it.
  /// May be called from any thread (e.g. for a machine whose thread could not be created). Never throws
  /// for a scheduler event: see error().
  void done(size_t i);

  /// The first exception a scheduler event threw while done() passed the baton on (null: none). The
  /// baton went on regardless; whoever joins the threads should rethrow it.
  std::exception_ptr error() const;

  /// How often the baton went to a different machine (for benchmarks and tests). Each one wakes exactly
  /// one waiting thread.
  std::uint64_t handovers() const;

 private:
  struct Slot {
    SimTime wanted{};
    bool on_event = false;
    bool active = true;
    std::condition_variable cv;  ///< this machine's thread waits here for holder_ == its index
  };
  static constexpr size_t kNobody = static_cast<size_t>(-1);
  /// The time machine i would continue at, given the scheduler's pending events.
  SimTime effective(const Slot& s) const;
  /// Chooses the next holder, moves the scheduler to its time and runs what is due. Called with mu_
  /// held, by the thread giving the baton away. `finishing`: called by done(); see error().
  void hand_over(bool finishing = false);

  Scheduler& sched_;
  mutable std::mutex mu_;
  std::unique_ptr<Slot[]> slots_;  // condition variables do not move: a fixed array
  size_t count_ = 0;
  size_t holder_ = kNobody;
  std::uint64_t handovers_ = 0;
  std::exception_ptr error_;
};

}  // namespace bootsim
