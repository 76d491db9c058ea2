// The idle rule (sim/machine/idle_rule.h) on its own: when the clock may jump, and where to.
#include "sim/machine/idle_rule.h"

#include <gtest/gtest.h>

#include "firmware/bios.h"

namespace bootsim {
namespace {

const SimTime kCost = SimTime::from_us(50);
const SimTime kTick1 = Bios::time_of_tick(1);  // 54.925 ms

IdleSituation at(SimTime now, SimTime next_event = SimTime::max(), bool input = false) {
  return IdleSituation{now, next_event, input};
}

enum class Entry { kActive, kPoll, kNeutral, kClock };

/// One host entry of `kind` ending at `now`; `changes_at` for a clock read.
std::optional<SimTime> entry(IdleRule& r, Entry kind, SimTime now, SimTime changes_at = SimTime::max(),
                             SimTime next_event = SimTime::max(), bool input = false) {
  r.begin_entry();
  if (kind == Entry::kPoll) r.mark_poll();
  if (kind == Entry::kNeutral) r.mark_neutral();
  if (kind == Entry::kClock) r.mark_time_read(changes_at);
  return r.end_entry(at(now, next_event, input));
}

TEST(IdleRule, TwoEmptyPollsInOneTickJumpExactlyToTheNextTick) {
  IdleRule r({}, kCost);
  SimTime t = SimTime::from_ms(10);
  EXPECT_FALSE(entry(r, Entry::kPoll, t));
  auto j = entry(r, Entry::kPoll, t + kCost);
  ASSERT_TRUE(j);
  EXPECT_EQ(*j, kTick1);  // the moment itself, as iPXE's traces always had it
}

TEST(IdleRule, AnEventBeforeTheTickEndsTheJumpThere) {
  IdleRule r({}, kCost);
  SimTime frame = SimTime::from_ms(20);
  entry(r, Entry::kPoll, SimTime::from_ms(10), SimTime::max(), frame);
  auto j = entry(r, Entry::kPoll, SimTime::from_ms(10) + kCost, SimTime::max(), frame);
  ASSERT_TRUE(j);
  EXPECT_EQ(*j, frame);
}

TEST(IdleRule, ActivityOrPendingInputOrANewTickStartsTheCountAgain) {
  IdleRule r({}, kCost);
  SimTime t = SimTime::from_ms(10);
  entry(r, Entry::kPoll, t);
  EXPECT_FALSE(entry(r, Entry::kActive, t + kCost));
  EXPECT_FALSE(entry(r, Entry::kPoll, t + SimTime::from_us(100)));
  // A key or a frame waiting: no jump, however quiet the guest looks.
  EXPECT_FALSE(entry(r, Entry::kPoll, t + SimTime::from_us(150), SimTime::max(), SimTime::max(), true));
  // One poll just before a tick boundary and one just after are two different passes.
  IdleRule r2({}, kCost);
  EXPECT_FALSE(entry(r2, Entry::kPoll, kTick1 - kCost));
  EXPECT_FALSE(entry(r2, Entry::kPoll, kTick1));
  EXPECT_TRUE(entry(r2, Entry::kPoll, kTick1 + kCost));
}

TEST(IdleRule, NoKeyChecksAreNeutralUntilTheyMakeALongStreak) {
  IdleRule r({}, kCost);
  SimTime t = SimTime::from_ms(1);
  // iPXE's loop: poll, key check, poll: the key check neither counts nor breaks the count.
  EXPECT_FALSE(entry(r, Entry::kPoll, t));
  EXPECT_FALSE(entry(r, Entry::kNeutral, t + kCost));
  EXPECT_TRUE(entry(r, Entry::kPoll, t + SimTime::from_us(100)));
  // A guest that only checks for keys (and reads a clock in memory) waits too: after N checks.
  IdleRule k({}, kCost);
  for (int i = 1; i < k.config().streak_entries; ++i)
    EXPECT_FALSE(entry(k, Entry::kNeutral, t + SimTime::from_us(50 * i))) << i;
  EXPECT_TRUE(entry(k, Entry::kNeutral, t + SimTime::from_us(50 * k.config().streak_entries)));
}

TEST(IdleRule, ClockReadsLandOnTheEntryGridSoTheGuestReadsWhatItWouldHaveRead) {
  IdleRule r({}, kCost);
  SimTime t = SimTime::from_us(1010);  // not on the tick's grid
  EXPECT_FALSE(entry(r, Entry::kClock, t));
  auto j = entry(r, Entry::kClock, t + kCost);
  ASSERT_TRUE(j);
  // Unskipped, the entries land on t + 50 µs·n; the first at or after the tick is the one that sees it.
  SimTime from = t + kCost;
  std::int64_t n = (kTick1.ns - from.ns + kCost.ns - 1) / kCost.ns;
  EXPECT_EQ(*j, from + SimTime::from_ns((n - 1) * kCost.ns));
  EXPECT_LT(*j, kTick1);
  EXPECT_GE(*j + kCost, kTick1);
}

TEST(IdleRule, PitOut2PollingJumpsToJustBeforeTheEntryThatSeesOut2High) {
  IdleRule r({}, kCost);
  SimTime start = SimTime::from_ms(3);
  SimTime out2 = start + SimTime::from_ns(10000150);  // a 10 ms one-shot
  EXPECT_FALSE(entry(r, Entry::kClock, start + kCost, out2));
  auto j = entry(r, Entry::kClock, start + SimTime::from_us(100), out2);
  ASSERT_TRUE(j);
  EXPECT_LT(*j, out2);
  EXPECT_GE(*j + kCost, out2);
  EXPECT_EQ((*j - start).ns % kCost.ns, 0);
}

TEST(IdleRule, AReadThatSeesItsClockChangeStartsTheCountWithoutCountingItself) {
  // A udelay loop: OUT2 is seen high on the entry after the jump; the guest then reads port 61h once more
  // to start the next one-shot. Those two reads are the end of one wait, not a new wait.
  IdleRule r({}, kCost);
  SimTime out2 = SimTime::from_ms(10);
  entry(r, Entry::kClock, SimTime::from_ms(1), out2);
  auto j = entry(r, Entry::kClock, SimTime::from_ms(1) + kCost, out2);
  ASSERT_TRUE(j);
  EXPECT_FALSE(entry(r, Entry::kClock, *j + kCost));                        // sees OUT2 high
  EXPECT_FALSE(entry(r, Entry::kClock, *j + SimTime::from_us(100)));        // read-modify-write of 61h
  EXPECT_TRUE(entry(r, Entry::kClock, *j + SimTime::from_us(150)));         // a real wait again
  // Likewise the first INT 1Ah read in a new tick.
  IdleRule t({}, kCost);
  EXPECT_FALSE(entry(t, Entry::kClock, kTick1 + kCost));
  EXPECT_FALSE(entry(t, Entry::kClock, kTick1 + SimTime::from_us(100)));
  EXPECT_TRUE(entry(t, Entry::kClock, kTick1 + SimTime::from_us(150)));
}

TEST(IdleRule, NothingToSkipWhenTheNextEntryGetsThereAnyway) {
  IdleRule r({}, kCost);
  SimTime t = kTick1 - SimTime::from_us(90);
  EXPECT_FALSE(entry(r, Entry::kClock, t));
  EXPECT_FALSE(entry(r, Entry::kClock, t + kCost));  // the tick is 40 µs away: one entry reaches it
}

TEST(IdleRule, SkippingOffNeverJumpsForPollsButHaltStillSleeps) {
  IdleConfig c;
  c.skip = false;
  IdleRule r(c, kCost);
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(entry(r, i % 2 ? Entry::kPoll : Entry::kClock, SimTime::from_us(50 * i)));
  auto h = r.hlt(at(SimTime::from_ms(1)));
  ASSERT_TRUE(h);
  EXPECT_EQ(*h, kTick1);
  EXPECT_FALSE(r.hlt(at(SimTime::from_ms(1), SimTime::max(), true)));  // a key is waiting: no sleep
}

TEST(IdleRule, FreeReadsCountAsOneEntryEveryFreeReadsAndRestartAtAnEntry) {
  IdleRule r({}, kCost);
  const int n = r.config().free_reads;
  for (int i = 1; i < n; ++i) EXPECT_FALSE(r.free_read());
  EXPECT_TRUE(r.free_read());
  for (int i = 1; i < n; ++i) EXPECT_FALSE(r.free_read());
  entry(r, Entry::kActive, SimTime::from_ms(1));  // a host entry in between starts the count again
  EXPECT_FALSE(r.free_read());
}

TEST(IdleRule, SpinningNeedsManyBlocksAndManyWindows) {
  IdleConfig c;
  c.spin_blocks = 100;
  c.spin_windows = 3;
  IdleRule r(c, kCost);
  for (int i = 1; i < 100; ++i) EXPECT_FALSE(r.block());
  EXPECT_TRUE(r.block());
  EXPECT_FALSE(r.window(at(SimTime::from_ms(1))));
  EXPECT_FALSE(r.window(at(SimTime::from_ms(1))));
  auto j = r.window(at(SimTime::from_ms(1)));
  ASSERT_TRUE(j);
  EXPECT_EQ(*j, kTick1);
  EXPECT_EQ(r.blocks_since_entry(), 0u);
}

}  // namespace
}  // namespace bootsim
