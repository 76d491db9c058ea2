// The event queue of a World: named callbacks at virtual times, run in (time, insertion sequence) order.
//
// Usage: `auto id = sched.schedule_at(t, "nic0.link_up", [this] { link_up(); });` — the callback runs
// when the owner of the clock calls run_due() with now >= t. Ties run first-in first-out, so the
// same inputs always give the same order. cancel(id) is safe for ids that already ran.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "sim/core/sim_time.h"

namespace bootsim {

/// Paces virtual time to something outside (an external server on a TAP, sim/net/tap_host.h).
/// Scheduler::advance_to asks it before the clock moves; it may stop short of the target (then it has
/// scheduled an event at the time it returns, e.g. a frame that arrived), never before `from`.
class Pacer {
 public:
  virtual ~Pacer() = default;
  virtual SimTime reach(SimTime from, SimTime to) = 0;
};

class Scheduler {
 public:
  using EventId = std::uint64_t;
  using Callback = std::function<void()>;

  /// Current virtual time. Only advance_to() moves it, and never backwards.
  SimTime now() const { return now_; }

  /// Schedules `cb` at absolute time `at` (clamped to now). `name` labels the event in logs.
  EventId schedule_at(SimTime at, std::string name, Callback cb);
  EventId schedule_in(SimTime delay, std::string name, Callback cb) {
    return schedule_at(now_ + delay, std::move(name), std::move(cb));
  }
  /// Removes a pending event; returns false when it already ran or was never there.
  bool cancel(EventId id);

  /// Time of the earliest pending event, or SimTime::max() when the queue is empty.
  SimTime next_event_time() const;
  bool empty() const { return events_.empty(); }

  /// Moves the clock to `t` (must be >= now) without running anything. With a pacer, the clock may
  /// stop earlier, at a time where the pacer scheduled an event (callers loop on next_event_time()).
  void advance_to(SimTime t);
  /// Attaches a pacer (nullptr: none, the default: time jumps freely). Not owned.
  void set_pacer(Pacer* pacer) { pacer_ = pacer; }
  bool paced() const { return pacer_ != nullptr; }
  /// Runs every event with time <= now, including ones they schedule for <= now. Returns how many ran.
  int run_due();

 private:
  struct Key {
    SimTime at;
    std::uint64_t seq;
    bool operator<(const Key& o) const { return at < o.at || (at == o.at && seq < o.seq); }
  };
  struct Event {
    EventId id;
    std::string name;
    Callback cb;
  };
  SimTime now_{};
  Pacer* pacer_ = nullptr;
  std::uint64_t next_seq_ = 0;
  std::map<Key, Event> events_;
  std::map<EventId, Key> index_;
};

}  // namespace bootsim
