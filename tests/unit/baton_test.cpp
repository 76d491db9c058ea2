// The baton (sim/core/baton.h) with fake machines: fibers that only ask for virtual time. They must run one
// at a time, in (wanted time, index) order, with the scheduler at exactly the time each asked for, and the
// same way on every run.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "sim/core/baton.h"
#include "sim/core/scheduler.h"

namespace bootsim {
namespace {

/// One slice of a machine's run, or a scheduler event: who ran and at what virtual time.
struct Slice {
  std::int64_t t_ns;
  std::string who;
  bool operator==(const Slice& o) const { return t_ns == o.t_ns && who == o.who; }
};
std::ostream& operator<<(std::ostream& os, const Slice& s) { return os << s.who << "@" << s.t_ns; }

/// Runs machines i = 0..steps.size()-1 on fibers of their own; machine i wakes every steps[i] ns until
/// `limit`, logging each slice. Checks that no two slices overlap and that now() is the asked-for time.
std::vector<Slice> run_fake_machines(const std::vector<std::int64_t>& steps, std::int64_t limit) {
  Scheduler sched;
  Baton baton(sched, steps.size());
  std::vector<Slice> log;
  int running = 0;
  baton.run([&](size_t i) {
    for (std::int64_t t = 0; t <= limit; t += steps[i]) {
      EXPECT_EQ(sched.now().ns, t) << "machine " << i << " continues at the time it asked for";
      EXPECT_EQ(++running, 1) << "two machines ran at once";
      log.push_back({t, "m" + std::to_string(i)});
      --running;
      if (t + steps[i] <= limit) baton.advance(i, SimTime::from_ns(t + steps[i]));
    }
  });
  EXPECT_FALSE(baton.error());
  return log;
}

TEST(baton, MachinesRunInTimeThenIndexOrder) {
  // Given three machines waking every 3, 5 and 7 ns (ties at 15, 21, 35, … and all at 0 and 105)
  const std::vector<std::int64_t> steps = {3, 5, 7};
  const std::int64_t limit = 120;
  // When they run
  std::vector<Slice> log = run_fake_machines(steps, limit);
  // Then the slices come exactly in (time, index) order
  std::vector<std::tuple<std::int64_t, size_t>> expected;
  for (size_t i = 0; i < steps.size(); ++i)
    for (std::int64_t t = 0; t <= limit; t += steps[i]) expected.emplace_back(t, i);
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(log.size(), expected.size());
  for (size_t k = 0; k < log.size(); ++k) {
    EXPECT_EQ(log[k].t_ns, std::get<0>(expected[k])) << "slice " << k;
    EXPECT_EQ(log[k].who, "m" + std::to_string(std::get<1>(expected[k]))) << "slice " << k;
  }
}

TEST(baton, TheInterleavingIsTheSameOnEveryRun) {
  const std::vector<std::int64_t> steps = {4, 6, 4, 9};
  std::vector<Slice> first = run_fake_machines(steps, 200);
  for (int run = 0; run < 20; ++run) EXPECT_EQ(run_fake_machines(steps, 200), first) << "run " << run;
}

TEST(baton, SchedulerEventsRunAtTheirTimeBeforeTheMachineThatWantsIt) {
  // Given events at 10 and 20 and one machine stepping 0 -> 20 -> 25
  Scheduler sched;
  std::vector<Slice> log;
  sched.schedule_at(SimTime::from_ns(10), "e10", [&] { log.push_back({sched.now().ns, "e10"}); });
  sched.schedule_at(SimTime::from_ns(20), "e20", [&] { log.push_back({sched.now().ns, "e20"}); });
  Baton baton(sched, 1);
  baton.run([&](size_t) {
    log.push_back({sched.now().ns, "m0"});
    baton.advance(0, SimTime::from_ns(20));
    log.push_back({sched.now().ns, "m0"});
  });
  // Then the events ran when the clock passed them (the clock jumps as for a lone machine: both at 20),
  // and before the machine continued at 20
  EXPECT_EQ(log, (std::vector<Slice>{{0, "m0"}, {20, "e10"}, {20, "e20"}, {20, "m0"}}));
}

TEST(baton, AnIdleMachineWakesAtAnEventAnotherMachineSchedules) {
  // Given machine 1 idle until 100 (kOnEvent), and machine 0 that at 10 schedules an event at 30
  Scheduler sched;
  Baton baton(sched, 2);
  std::vector<Slice> log;
  baton.run([&](size_t i) {
    if (i == 0) {
      baton.advance(0, SimTime::from_ns(10));
      log.push_back({sched.now().ns, "m0"});
      sched.schedule_at(SimTime::from_ns(30), "frame", [&] { log.push_back({sched.now().ns, "frame"}); });
      baton.advance(0, SimTime::from_ns(50));
      log.push_back({sched.now().ns, "m0"});
    } else {
      baton.advance(1, SimTime::from_ns(100), Baton::Wake::kOnEvent);
      log.push_back({sched.now().ns, "m1"});
      baton.advance(1, SimTime::from_ns(100), Baton::Wake::kAtTime);
      log.push_back({sched.now().ns, "m1"});
    }
  });
  // Then machine 1 continues at 30, right after the event, not at 100
  EXPECT_EQ(log, (std::vector<Slice>{{10, "m0"}, {30, "frame"}, {30, "m1"}, {50, "m0"}, {100, "m1"}}));
}

TEST(baton, AMachineThatThrowsDoesNotBlockTheOthersAndItsErrorIsKept) {
  Scheduler sched;
  Baton baton(sched, 3);
  std::vector<std::string> log;
  baton.run([&](size_t i) {
    baton.advance(i, SimTime::from_ns(static_cast<std::int64_t>(10 * (i + 1))));
    if (i == 1) throw std::runtime_error("machine 1 failed");
    log.push_back("m" + std::to_string(i) + "@" + std::to_string(sched.now().ns));
  });
  EXPECT_EQ(log, (std::vector<std::string>{"m0@10", "m2@30"}));
  ASSERT_TRUE(baton.error());
  try {
    std::rethrow_exception(baton.error());
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "machine 1 failed");
  }
  EXPECT_GT(baton.handovers(), 0u);
}

TEST(baton, AnEventThatThrowsReachesTheMachineThatMovedTheClock) {
  // Given an event at 15 that throws, and machine 0 stepping to 20 while machine 1 waits for 40
  Scheduler sched;
  sched.schedule_at(SimTime::from_ns(15), "bad", [] { throw std::runtime_error("event failed"); });
  Baton baton(sched, 2);
  std::vector<std::string> log;
  baton.run([&](size_t i) {
    try {
      baton.advance(i, SimTime::from_ns(i == 0 ? 20 : 40));
      log.push_back("m" + std::to_string(i) + "@" + std::to_string(sched.now().ns));
    } catch (const std::runtime_error& e) {
      log.push_back("m" + std::to_string(i) + ": " + e.what());
    }
  });
  // Then machine 1, whose advance ran the event, sees its exception and still holds the baton; machine 0
  // continues once machine 1 finishes
  EXPECT_EQ(log, (std::vector<std::string>{"m1: event failed", "m0@20"}));
}

TEST(baton, AdvancingWithoutTheBatonIsABug) {
  Scheduler sched;
  Baton baton(sched, 2);  // machine 0 holds it, but nothing runs yet
  EXPECT_THROW(baton.advance(0, SimTime::from_ns(5)), std::logic_error);
  std::vector<std::string> errors;
  baton.run([&](size_t i) {
    try {
      baton.advance(1 - i, SimTime::from_ns(5));  // the other machine's index
    } catch (const std::logic_error&) {
      errors.push_back("m" + std::to_string(i));
    }
  });
  EXPECT_EQ(errors, (std::vector<std::string>{"m0", "m1"}));
  EXPECT_THROW(baton.run([](size_t) {}), std::logic_error);
}

TEST(baton, AHundredMachinesWithDeepStacksEachKeepTheirOwn) {
  // Each fiber recurses, hands the baton on at the bottom, and checks its frames on the way back up:
  // stacks of their own, not one shared stack.
  Scheduler sched;
  const size_t n = 100;
  Baton baton(sched, n);
  std::vector<std::uint64_t> sums(n);
  std::function<std::uint64_t(size_t, int)> dive = [&](size_t i, int depth) -> std::uint64_t {
    volatile std::uint64_t mine[64];
    for (int k = 0; k < 64; ++k) mine[k] = i * 1000 + static_cast<std::uint64_t>(depth);
    if (depth == 0) baton.advance(i, SimTime::from_ns(static_cast<std::int64_t>(n - i)));
    else dive(i, depth - 1);
    std::uint64_t s = 0;
    for (int k = 0; k < 64; ++k) s += mine[k];
    return s;
  };
  baton.run([&](size_t i) { sums[i] = dive(i, 200); });
  ASSERT_FALSE(baton.error());
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(sums[i], 64 * (i * 1000 + 200)) << "machine " << i;
}

}  // namespace
}  // namespace bootsim
