// The scheduler (sim/core/scheduler.h): events run in (time, insertion) order, ties first-in first-out, and a
// cancelled event never runs. Every determinism claim of bootsim rests on this order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/core/scheduler.h"

namespace bootsim {
namespace {

SimTime ms(std::int64_t v) { return SimTime::from_ns(v * 1000000); }

/// Schedules one event per (time, name) that records its name when it runs.
std::vector<Scheduler::EventId> schedule_all(Scheduler& s, std::vector<std::string>& ran,
                                             const std::vector<std::pair<std::int64_t, std::string>>& events) {
  std::vector<Scheduler::EventId> ids;
  for (const auto& [t, name] : events)
    ids.push_back(s.schedule_at(ms(t), name, [&ran, name = name] { ran.push_back(name); }));
  return ids;
}

TEST(Scheduler, SameTimeEventsRunInInsertionOrder) {
  // Given events at one time, scheduled in an order unrelated to their names
  Scheduler s;
  std::vector<std::string> ran;
  schedule_all(s, ran, {{5, "c"}, {5, "a"}, {5, "d"}, {5, "b"}});
  // When the clock reaches them
  s.advance_to(ms(5));
  EXPECT_EQ(s.run_due(), 4);
  // Then they ran first-in first-out
  EXPECT_EQ(ran, (std::vector<std::string>{"c", "a", "d", "b"}));
}

TEST(Scheduler, EarlierTimesRunFirstWhateverTheInsertionOrder) {
  Scheduler s;
  std::vector<std::string> ran;
  schedule_all(s, ran, {{30, "t30"}, {10, "t10a"}, {20, "t20"}, {10, "t10b"}});
  EXPECT_EQ(s.next_event_time(), ms(10));
  s.advance_to(ms(30));
  EXPECT_EQ(s.run_due(), 4);
  EXPECT_EQ(ran, (std::vector<std::string>{"t10a", "t10b", "t20", "t30"}));
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.next_event_time(), SimTime::max());
}

TEST(Scheduler, RunDueRunsOnlyWhatIsDue) {
  Scheduler s;
  std::vector<std::string> ran;
  schedule_all(s, ran, {{10, "due"}, {11, "later"}});
  s.advance_to(ms(10));
  EXPECT_EQ(s.run_due(), 1);
  EXPECT_EQ(ran, (std::vector<std::string>{"due"}));
  EXPECT_EQ(s.next_event_time(), ms(11));
}

TEST(Scheduler, EventsScheduledWhileRunningForNowRunInTheSameCallAfterTheOthers) {
  // Given an event at 10 ms that schedules another at 10 ms, and one already waiting at 10 ms
  Scheduler s;
  std::vector<std::string> ran;
  s.schedule_at(ms(10), "parent", [&] {
    ran.push_back("parent");
    s.schedule_in(SimTime{}, "child", [&] { ran.push_back("child"); });
  });
  s.schedule_at(ms(10), "sibling", [&] { ran.push_back("sibling"); });
  s.advance_to(ms(10));
  // Then the child runs in this call, after the sibling that was inserted before it
  EXPECT_EQ(s.run_due(), 3);
  EXPECT_EQ(ran, (std::vector<std::string>{"parent", "sibling", "child"}));
}

TEST(Scheduler, ATimeInThePastIsClampedToNow) {
  Scheduler s;
  s.advance_to(ms(50));
  std::vector<std::string> ran;
  schedule_all(s, ran, {{50, "now"}, {10, "past"}});
  EXPECT_EQ(s.next_event_time(), ms(50));
  EXPECT_EQ(s.run_due(), 2);
  EXPECT_EQ(ran, (std::vector<std::string>{"now", "past"}));  // clamped, it still queues behind "now"
}

TEST(Scheduler, ACancelledEventNeverRunsAndTheOthersKeepTheirOrder) {
  Scheduler s;
  std::vector<std::string> ran;
  auto ids = schedule_all(s, ran, {{5, "a"}, {5, "b"}, {5, "c"}, {7, "d"}});
  EXPECT_TRUE(s.cancel(ids[1]));
  EXPECT_TRUE(s.cancel(ids[3]));
  EXPECT_EQ(s.next_event_time(), ms(5));
  s.advance_to(ms(10));
  EXPECT_EQ(s.run_due(), 2);
  EXPECT_EQ(ran, (std::vector<std::string>{"a", "c"}));
}

TEST(Scheduler, CancellingTheOnlyEventEmptiesTheQueue) {
  Scheduler s;
  std::vector<std::string> ran;
  auto ids = schedule_all(s, ran, {{5, "a"}});
  EXPECT_TRUE(s.cancel(ids[0]));
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.next_event_time(), SimTime::max());
}

TEST(Scheduler, CancelOfAnEventThatRanOrWasCancelledOrNeverExistedReturnsFalse) {
  Scheduler s;
  std::vector<std::string> ran;
  auto ids = schedule_all(s, ran, {{1, "ran"}, {2, "cancelled"}});
  s.advance_to(ms(1));
  EXPECT_EQ(s.run_due(), 1);
  EXPECT_FALSE(s.cancel(ids[0]));  // already ran
  EXPECT_TRUE(s.cancel(ids[1]));
  EXPECT_FALSE(s.cancel(ids[1]));  // twice
  EXPECT_FALSE(s.cancel(987654));  // never scheduled
  EXPECT_FALSE(s.cancel(0));
}

TEST(Scheduler, AnEventCanCancelALaterOneAtTheSameTime) {
  Scheduler s;
  std::vector<std::string> ran;
  Scheduler::EventId victim = 0;
  s.schedule_at(ms(3), "killer", [&] {
    ran.push_back("killer");
    EXPECT_TRUE(s.cancel(victim));
  });
  victim = s.schedule_at(ms(3), "victim", [&] { ran.push_back("victim"); });
  s.advance_to(ms(3));
  EXPECT_EQ(s.run_due(), 1);
  EXPECT_EQ(ran, (std::vector<std::string>{"killer"}));
}

}  // namespace
}  // namespace bootsim
