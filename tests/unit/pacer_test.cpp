// The scheduler's Pacer hook (sim/core/scheduler.h), which TapHost (sim/net/tap_host.h) uses to pace
// virtual time to the wall clock of external servers. A fake pacer stands in for the wall clock and the
// TAP, so no wall time passes here: the scheduler must never move the clock past what the pacer allowed,
// and a frame that "arrives" during a wait must stop the clock at its arrival time, where it is handed on.
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "sim/core/scheduler.h"

namespace bootsim {
namespace {

SimTime ms(std::int64_t v) { return SimTime::from_ms(v); }

/// A wall clock the test sets by hand, and frames due to arrive at given wall times. reach() behaves as
/// TapHost's: it lets the clock go as far as the wall clock (never further), and when a frame arrives
/// before `to` it schedules its delivery at the arrival time and stops the clock there.
class FakePacer final : public Pacer {
 public:
  explicit FakePacer(Scheduler& s) : sched_(s) {}
  SimTime wall{};                   ///< how far the fake wall clock has come
  std::deque<SimTime> arrivals;     ///< wall times at which frames arrive, ascending
  std::vector<SimTime> delivered;   ///< the virtual time each frame was handed to the guests
  std::vector<std::pair<SimTime, SimTime>> asked;  ///< every reach(from, to)

  SimTime reach(SimTime from, SimTime to) override {
    asked.emplace_back(from, to);
    if (!arrivals.empty() && arrivals.front() <= std::min(to, wall)) {
      SimTime at = std::max(from, arrivals.front());
      arrivals.pop_front();
      sched_.schedule_at(at, "tap.rx", [this] { delivered.push_back(sched_.now()); });
      return at;
    }
    return std::min(to, wall);  // the wall clock has not reached `to` yet: only this far
  }

 private:
  Scheduler& sched_;
};

/// What the machines' loop does: move to the next event (or the target), run what is due.
void run_until(Scheduler& s, SimTime until) {
  for (int guard = 0; guard < 1000 && s.now() < until; ++guard) {
    SimTime before = s.now();
    s.advance_to(std::min(s.next_event_time(), until));
    s.run_due();
    if (s.now() == before && s.next_event_time() > s.now()) return;  // the pacer holds the clock
  }
}

TEST(Pacer, ClockNeverPassesWhatThePacerAllowed) {
  // Given a paced scheduler whose (fake) wall clock stands at 30 ms, and an event at 50 ms
  Scheduler s;
  FakePacer p(s);
  s.set_pacer(&p);
  p.wall = ms(30);
  bool ran = false;
  s.schedule_at(ms(50), "timer", [&] { ran = true; });
  // When the guest wants to move to 50 ms
  s.advance_to(ms(50));
  // Then the clock stops at the wall clock, the pacer was asked from now, and the event has not run
  EXPECT_EQ(s.now(), ms(30));
  ASSERT_EQ(p.asked.size(), 1u);
  EXPECT_EQ(p.asked[0].first, ms(0));
  EXPECT_EQ(p.asked[0].second, ms(50));
  EXPECT_EQ(s.run_due(), 0);
  EXPECT_FALSE(ran);
  // When the wall clock passes 50 ms, the clock reaches the event and it runs, at 50 ms
  p.wall = ms(70);
  s.advance_to(ms(50));
  EXPECT_EQ(s.now(), ms(50));
  EXPECT_EQ(s.run_due(), 1);
  EXPECT_TRUE(ran);
}

TEST(Pacer, FrameArrivingDuringAWaitStopsTheClockAtItsArrival) {
  // Given a wall clock far ahead, and frames arriving at 12 ms and 40 ms
  Scheduler s;
  FakePacer p(s);
  s.set_pacer(&p);
  p.wall = ms(1000);
  p.arrivals = {ms(12), ms(40)};
  std::vector<SimTime> timer_at;
  s.schedule_at(ms(25), "timer", [&] { timer_at.push_back(s.now()); });
  // When the guest runs to 100 ms
  run_until(s, ms(100));
  // Then each frame was delivered at its arrival time, in order with the timer, and the run went on to 100 ms
  EXPECT_EQ(p.delivered, (std::vector<SimTime>{ms(12), ms(40)}));
  EXPECT_EQ(timer_at, std::vector<SimTime>{ms(25)});
  EXPECT_EQ(s.now(), ms(100));
  // And every wait started where the clock stood, never later than the previous stop
  for (size_t i = 1; i < p.asked.size(); ++i) EXPECT_GE(p.asked[i].first, p.asked[i - 1].first);
}

TEST(Pacer, NeitherBackwardsNorPastTheTarget) {
  // Given a pacer that answers outside [from, to] (a bug there must not move time backwards or too far)
  struct Wild final : Pacer {
    SimTime answer{};
    SimTime reach(SimTime, SimTime) override { return answer; }
  } wild;
  Scheduler s;
  s.set_pacer(&wild);
  wild.answer = ms(10);
  s.advance_to(ms(10));
  ASSERT_EQ(s.now(), ms(10));
  // When it answers before now, the clock stays; when it answers past the target, the clock stops at the target
  wild.answer = ms(3);
  s.advance_to(ms(20));
  EXPECT_EQ(s.now(), ms(10));
  wild.answer = ms(500);
  s.advance_to(ms(20));
  EXPECT_EQ(s.now(), ms(20));
}

TEST(Pacer, WithoutAPacerTimeJumps) {
  Scheduler s;
  EXPECT_FALSE(s.paced());
  s.advance_to(ms(1000));
  EXPECT_EQ(s.now(), ms(1000));
}

}  // namespace
}  // namespace bootsim
