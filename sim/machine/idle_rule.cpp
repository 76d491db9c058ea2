#include "sim/machine/idle_rule.h"

#include <algorithm>

#include "firmware/bios.h"

namespace bootsim {

void IdleRule::reset_streak() {
  quiet_ = 0;
  streak_ = 0;
  streak_has_poll_ = false;
  horizon_ = SimTime::max();
}

void IdleRule::begin_entry() {
  in_entry_ = true;
  kind_ = Kind::kActive;
  entry_changes_at_ = SimTime::max();
  blocks_since_entry_ = 0;
  windows_ = 0;
  free_reads_ = 0;
}

void IdleRule::mark_poll() { kind_ = Kind::kPoll; }

void IdleRule::mark_neutral() {
  if (kind_ == Kind::kActive) kind_ = Kind::kNeutral;
}

void IdleRule::mark_time_read(SimTime changes_at) {
  if (kind_ != Kind::kPoll) kind_ = Kind::kTimeRead;
  entry_changes_at_ = std::min(entry_changes_at_, changes_at);
}

SimTime IdleRule::wake_time(const IdleSituation& s) {
  SimTime next_tick = Bios::time_of_tick(Bios::ticks_at(s.now) + 1);
  return std::max(s.now, std::min(next_tick, s.next_event));
}

SimTime IdleRule::target(const IdleSituation& s, bool snap) const {
  SimTime t = std::min(wake_time(s), horizon_);
  if (t <= s.now) return s.now;
  if (snap && cost_.ns > 0) {
    // Without the jump the guest's entries land on now + n·cost; the first at or after `t` is n = ceil(..).
    // Stop one cost short of it: the guest's next entry then lands exactly there, as it would have.
    std::int64_t n = (t.ns - s.now.ns + cost_.ns - 1) / cost_.ns;
    t = s.now + SimTime::from_ns((n - 1) * cost_.ns);
  }
  return t;
}

std::optional<SimTime> IdleRule::end_entry(const IdleSituation& s) {
  in_entry_ = false;
  if (kind_ == Kind::kActive) {
    reset_streak();
    news_at_ = SimTime::max();
    return std::nullopt;
  }
  // The count is per BIOS tick: a tick the guest saw change may start a new pass of its loop. A clock read
  // that sees its clock change (a new tick, OUT2 gone high) is news the guest may act on after a read or two
  // more (end a wait, start the next one): it starts the count without counting itself.
  std::uint64_t tick = Bios::ticks_at(s.now);
  bool news = tick != streak_tick_ || s.now >= horizon_ || s.now >= news_at_;
  if (news) {
    news_at_ = SimTime::max();
    reset_streak();
    streak_tick_ = tick;
    if (kind_ == Kind::kTimeRead) return std::nullopt;
  }
  ++streak_;
  if (kind_ != Kind::kNeutral) {
    ++quiet_;
    if (kind_ == Kind::kPoll) streak_has_poll_ = true;
    horizon_ = std::min(horizon_, entry_changes_at_);
  }
  if (!config_.skip || s.input_pending) return std::nullopt;
  if (quiet_ < config_.quiet_entries && streak_ < config_.streak_entries) return std::nullopt;
  // Empty UNDI polls keep the jump they always had, to the moment itself (iPXE's traces depend on it);
  // loops that only read clocks land on the entry-cost grid, so skipping changes no time they see.
  bool snap = !streak_has_poll_;
  SimTime t = target(s, snap);
  if (snap && t <= s.now) return std::nullopt;  // the next entry gets there anyway
  news_at_ = horizon_;  // the entry that reaches it sees the change the streak waited for
  reset_streak();
  return t;
}

bool IdleRule::free_read() {
  if (++free_reads_ < config_.free_reads) return false;
  free_reads_ = 0;
  return true;
}

std::optional<SimTime> IdleRule::hlt(const IdleSituation& s) {
  blocks_since_entry_ = 0;
  windows_ = 0;
  free_reads_ = 0;
  reset_streak();
  if (s.input_pending) return std::nullopt;
  return wake_time(s);
}

std::optional<SimTime> IdleRule::window(const IdleSituation& s) {
  if (++windows_ < config_.spin_windows) return std::nullopt;
  // Spinning on the clock with nothing else to do: let the timer tick come. A window or two passed on the
  // way between host entries (say, the first currticks() after a long decompression) costs no time.
  blocks_since_entry_ = 0;
  windows_ = 0;
  reset_streak();
  return wake_time(s);
}

}  // namespace bootsim
