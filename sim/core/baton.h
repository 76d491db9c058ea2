// The baton: several machines, each driven from a stack of its own, share one scheduler and one virtual
// clock, and exactly one of them runs at any moment (DESIGN.md "Running many machines").
//
// Why stacks of their own: Unicorn 2.0.1 cannot be stopped and resumed from outside. A machine's CPU
// leaves uc_emu_start only at HLT or a fault, and everything else, including "let virtual time pass",
// happens inside hooks. So each machine's engine runs on a fiber (sim/core/fiber.h), and a hook that needs
// time to pass gives the baton away: it switches to the fiber of the machine that comes next, and its own
// fiber continues when the baton comes back. Unicorn keeps no thread-local state we use (only an unused
// guest-random), so engines may be driven from fibers of one thread.
//
// Why fibers and not threads (as until December 2026): each hand-over was a futex wake of another thread
// and a sleep of this one. A fleet hands over about once per host entry (~6,000 times per machine), and
// on this 2-core VM the wake and the reschedule were a fifth of a fleet's CPU time. A fiber switch is a
// user-space register swap (Boost.Context, no system call). The interleaving is the
// same: it depends on nothing but (time, index) and the scheduler's own state.
//
// Usage, on one thread:
//   Baton baton(sched, n);
//   baton.run([&](size_t i) { ... machine i runs; inside it: baton.advance(i, t); ... });
//
// Who runs next: the active machine with the smallest (wanted time, index). Before handing over, the
// machine that gives the baton away moves the shared scheduler to that time and runs the events that are
// due, exactly as a lone machine does in Machine::advance_to, so the chosen machine continues with now()
// equal to the time it asked for. Scheduler events therefore run on whichever machine's fiber holds the
// baton. A machine that is chosen again at once (it still wants the earliest time) keeps running without
// any switch.
//
// An idle machine (HLT, or nothing to poll) asks with Wake::kOnEvent: it wants t, or the time of the
// next scheduler event if that comes first, including events other machines schedule while it waits.
// A lone machine's idle jump stops at the next event it knows of (Machine::idle_jump); kOnEvent keeps
// that true when other machines add events later, e.g. a frame for this machine's NIC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <vector>

#include "sim/core/fiber.h"
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

  /// Runs body(i) for every machine i, each on a fiber of its own, taking turns on the calling thread;
  /// returns when every body has returned. A body that throws is finished like one that returned, and
  /// its exception is kept for error(). Throws std::runtime_error, before any body runs, when the fibers'
  /// stacks cannot be had; std::logic_error when called twice or from inside a body.
  void run(const std::function<void(size_t)>& body);

  enum class Wake {
    kAtTime,   ///< continue at exactly t
    kOnEvent,  ///< continue at t or at the next scheduler event, whichever comes first
  };
  /// Machine i (holding the baton, and running: called from body(i)) wants to continue at virtual time t
  /// (clamped to now): hands the baton to the machine that comes next, after moving the scheduler to
  /// that machine's time and running the events due by then, and returns when i is chosen again. When it
  /// returns, i holds the baton and the scheduler's now() is i's time (<= t with kOnEvent). Throws
  /// std::logic_error when i is not the running machine. If a scheduler event throws, i keeps the baton
  /// and the exception propagates.
  void advance(size_t i, SimTime t, Wake wake = Wake::kAtTime);

  /// The first exception a body threw, or a scheduler event threw while a finished machine passed the
  /// baton on (null: none). The baton went on regardless; whoever called run() should rethrow it.
  std::exception_ptr error() const { return error_; }

  /// How often the baton went to a different machine (for benchmarks and tests).
  std::uint64_t handovers() const { return handovers_; }

 private:
  struct Slot {
    SimTime wanted{};
    bool on_event = false;
    bool active = true;
    std::unique_ptr<Fiber> fiber;
  };
  static constexpr size_t kNobody = static_cast<size_t>(-1);
  /// The time machine i would continue at, given the scheduler's pending events.
  SimTime effective(const Slot& s) const;
  /// Chooses the next holder (kNobody: every machine is finished), moves the scheduler to its time and
  /// runs what is due. `finishing`: called for a machine that has finished; see error().
  size_t hand_over(bool finishing = false);
  /// The body of machine i's fiber: body(i), then the baton goes on and the fiber never runs again.
  void fiber_main(size_t i);
  /// Switches from the running fiber (or the thread that called run()) to machine `to`'s fiber, or back
  /// to the caller of run() when `to` is kNobody.
  void switch_to(size_t to, bool finished = false);

  Scheduler& sched_;
  std::unique_ptr<Slot[]> slots_;
  size_t count_ = 0;
  size_t holder_ = kNobody;
  size_t running_ = kNobody;  ///< whose fiber runs now (kNobody: the caller of run())
  bool ran_ = false;
  const std::function<void(size_t)>* body_ = nullptr;
  Fiber::Context caller_;  ///< the thread that called run(), while the machines run
  std::uint64_t handovers_ = 0;
  std::exception_ptr error_;
};

}  // namespace bootsim
