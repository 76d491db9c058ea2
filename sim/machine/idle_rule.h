// When the clock may jump ahead: the idle rule, in one place (README "Virtual time").
//
// Time passes in a machine only when the host has control: each host entry (BIOS service, PXE call, port
// access, CPUID) costs a fixed amount of virtual time, and HLT sleeps until the next timer tick or event.
// A guest that waits by polling (empty UNDI_ISR polls, INT 1Ah tick reads, PIT polling, reading the BDA tick
// count, RDTSC, INT 16h checks that find no key) would crawl at one cost per poll. The rule says when such a
// guest has seen nothing but the time for long enough that the clock may move to the next moment anything it
// can observe changes, and where that moment is. The Machine reports what the guest does; the rule decides.
//
// Usage: the Machine calls begin_entry() when a host entry starts, one of mark_*() while the firmware
// services it (nothing: the entry was activity), and end_entry() after it, which may answer a time to jump
// to. Reads of clocks that need no host entry (RDTSC) go through free_read(); HLT
// through hlt(); translated blocks through block(). Pure logic: no CPU, no clock of its own, unit-tested.
#pragma once

#include <cstdint>
#include <optional>

#include "sim/core/sim_time.h"

namespace bootsim {

struct IdleConfig {
  /// false: no fast-forward for polling guests (empty polls and clock reads cost their host entry like any
  /// other). HLT still sleeps to the next tick or event, and a guest spinning with no host entry still gets
  /// its tick: that is what the CPU and the timer interrupt do, not a shortcut.
  bool skip = true;
  /// K: empty polls or clock reads within one BIOS tick, with nothing else happening, before the clock jumps.
  /// K = 1 lets iPXE's DHCPREQUEST slip by a tick (ref/unicorn-notes.md "Performance facts").
  int quiet_entries = 2;
  /// N: entries that were quiet or neutral (INT 16h found no key) within one tick before the clock jumps,
  /// for loops that wait for a key and read a clock with no host entry (GRUB's menu: INT 16h + RDTSC).
  int streak_entries = 8;
  /// Reads of a clock that need no host entry (an instruction such as RDTSC, reported through
  /// FirmwareHost::time_read) with no host entry in between that count as one host entry: a loop that only
  /// reads such a clock would otherwise never let time pass.
  int free_reads = 16;
  /// Spinning on the clock: after `spin_blocks` translated blocks with no host entry, `spin_windows`
  /// interrupt windows (`sti; nop; nop; cli`) are a wait for the timer interrupt.
  std::uint64_t spin_blocks = 10000;
  int spin_windows = 64;
};

/// What the machine looks like when the rule decides.
struct IdleSituation {
  SimTime now;
  SimTime next_event = SimTime::max();  ///< the scheduler's next event (frame, key, link change, …)
  bool input_pending = false;           ///< a key in the buffer or a frame in the NIC's receive queue
};

class IdleRule {
 public:
  /// `entry_cost`: the virtual time one host entry costs (snapped jumps land on its grid).
  IdleRule(IdleConfig config, SimTime entry_cost) : config_(config), cost_(entry_cost) {}

  const IdleConfig& config() const { return config_; }

  // --- Host entries --------------------------------------------------------------------------------------
  /// A host entry starts: it counts as activity unless the firmware marks it otherwise.
  void begin_entry();
  /// The entry was a poll that found nothing (UNDI_ISR IN_PROCESS answered OUT_DONE).
  void mark_poll();
  /// The entry found no key (INT 16h 01h/11h): neither activity nor a poll on its own.
  void mark_neutral();
  /// The entry read a clock and nothing else. What the guest read next reads differently at
  /// `changes_at` (PIT OUT2 rising; SimTime::max() when only the tick, or nothing, changes it).
  void mark_time_read(SimTime changes_at);
  /// The entry is over and the clock is at `s.now`: the time to jump to, or nullopt to continue.
  std::optional<SimTime> end_entry(const IdleSituation& s);
  /// True between begin_entry() and end_entry().
  bool in_entry() const { return in_entry_; }

  // --- Outside host entries ------------------------------------------------------------------------------
  /// The guest read a clock with no host entry. True every `free_reads`-th such read since the
  /// last host entry: the Machine then makes it a host entry that read the clock.
  bool free_read();
  /// HLT with IF=1: the CPU sleeps until the next tick or event (nullopt: a key is waiting, just continue).
  std::optional<SimTime> hlt(const IdleSituation& s);
  /// A translated block started. True once the guest has run `spin_blocks` blocks with no host entry: the
  /// Machine then looks whether the block is an interrupt window, and if so reports it through window().
  bool block() { return ++blocks_since_entry_ >= config_.spin_blocks; }
  /// `n` more blocks that are not interrupt windows (passes of a string instruction done at once).
  void blocks(std::uint64_t n) { blocks_since_entry_ += n; }
  /// The block is an interrupt window, past `spin_blocks`: the time to jump to when the guest is spinning
  /// on the clock, or nullopt.
  std::optional<SimTime> window(const IdleSituation& s);
  /// Blocks since the last host entry (for the Machine's watchdog).
  std::uint64_t blocks_since_entry() const { return blocks_since_entry_; }

  /// The moment the guest could next see something change: the next BIOS tick (the BDA count, INT 1Ah and
  /// the timer interrupt change there), the next event, and the horizon of the reads since the last reset.
  /// `snap`: land one entry cost before the first point of the entry-cost grid at or after that moment, so
  /// the guest's next host entry happens exactly when it would have without the jump.
  SimTime target(const IdleSituation& s, bool snap) const;
  /// Where a sleeping CPU wakes (HLT, a blocking key read): the next BIOS tick or the next event.
  static SimTime wake_time(const IdleSituation& s);

 private:
  enum class Kind { kActive, kNeutral, kPoll, kTimeRead };
  void reset_streak();

  IdleConfig config_;
  SimTime cost_;
  bool in_entry_ = false;
  Kind kind_ = Kind::kActive;
  SimTime entry_changes_at_ = SimTime::max();
  // The streak: entries since the last activity, jump or tick change.
  int quiet_ = 0;       ///< polls and clock reads
  int streak_ = 0;      ///< polls, clock reads and neutral entries
  bool streak_has_poll_ = false;
  SimTime horizon_ = SimTime::max();
  SimTime news_at_ = SimTime::max();  ///< the horizon the last jump aimed at, until an entry reaches it
  std::uint64_t streak_tick_ = 0;
  int free_reads_ = 0;
  std::uint64_t blocks_since_entry_ = 0;
  int windows_ = 0;
};

}  // namespace bootsim
