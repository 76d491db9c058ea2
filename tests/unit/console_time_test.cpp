// Console text at its own time: the trace keeps each byte's time in compact events (Trace::append_text
// splits a burst where the spacing changes), and sim/facts judges console text at the time of the byte
// that completed it (MachineFacts::find_console), on the screen or in the raw stream.
#include <gtest/gtest.h>

#include <string>

#include "sim/core/trace.h"
#include "sim/facts/trace_facts.h"

namespace bootsim {
namespace {

constexpr std::int64_t kUs = 1000;

/// Writes `text` one byte per `step_us`, starting at `start_us`; returns the time after the last byte.
std::int64_t type(Trace& t, const std::string& text, std::int64_t start_us, std::int64_t step_us = 50) {
  std::int64_t now = start_us;
  for (char c : text) {
    t.append_text(SimTime::from_ns(now * kUs), "pc", "console", std::string(1, c));
    now += step_us;
  }
  return now;
}

TEST(ConsoleTime, BytesAtOneSpacingShareOneEventWithItsStep) {
  Trace t;
  type(t, "abc", 100);
  t.close_text("pc", "console");
  auto ev = t.events_of("console");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0]["text"], "abc");
  EXPECT_EQ(ev[0]["t_ns"], 100 * kUs);
  EXPECT_EQ(ev[0]["step_ns"], 50 * kUs);
}

TEST(ConsoleTime, AWaitStartsANewEventSoTheLaterBytesKeepTheirTime) {
  Trace t;
  type(t, "Configuring...", 0);
  type(t, " failed", 18000000);  // 18 s later
  t.close_text("pc", "console");
  auto ev = t.events_of("console");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1]["text"], " failed");
  EXPECT_EQ(ev[1]["t_ns"], 18000000 * kUs);
}

TEST(ConsoleTime, BytesWrittenAtOneTimeHaveNoStep) {
  Trace t;
  t.append_text(SimTime::from_ns(5), "pc", "console", "x");
  t.append_text(SimTime::from_ns(5), "pc", "console", "y");
  t.append_text(SimTime::from_ns(9), "pc", "console", "z");  // a later byte after two at one time
  t.close_text("pc", "console");
  auto ev = t.events_of("console");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0]["text"], "xy");
  EXPECT_FALSE(ev[0].contains("step_ns"));
  EXPECT_EQ(ev[1]["t_ns"], 9);
}

facts::MachineFacts facts_of(const Trace& t) { return facts::merged_facts(t.events(), "pc"); }

TEST(ConsoleTime, ScreenTextIsJudgedWhenItsLastCharacterAppeared) {
  Trace t;
  std::int64_t end = type(t, "Configuring (net0)...", 2000000);  // 2 s
  type(t, " No configuration methods succeeded\n", 18000000);    // 18 s
  (void)end;
  t.close_text("pc", "console");
  facts::MachineFacts f = facts_of(t);
  auto m = f.find_console("No configuration methods succeeded", false, std::nullopt, std::nullopt);
  ASSERT_TRUE(m);
  // " No configuration methods succeeded": its last character is byte 34 of the burst at 18 s.
  EXPECT_EQ(m->t_ns, (18000000 + 34 * 50) * kUs);
  EXPECT_EQ(m->line, "Configuring (net0)... No configuration methods succeeded");
  EXPECT_FALSE(f.find_console("No configuration methods succeeded", false, std::nullopt, 10000000 * kUs))
      << "before=10s: it was not on the screen yet";
  EXPECT_TRUE(f.find_console("No configuration methods succeeded", false, std::nullopt, 20000000 * kUs));
  EXPECT_TRUE(f.find_console("Configuring", false, std::nullopt, 10000000 * kUs));
  ASSERT_EQ(f.line_done_ns.size(), 1u);
  EXPECT_EQ(f.line_done_ns[0], (18000000 + 34 * 50) * kUs) << "the line reads so from its last character on";
}

TEST(ConsoleTime, ErasedTextIsGoneFromTheScreenButNotFromTheRawStream) {
  Trace t;
  type(t, "Press Ctrl-B", 0);
  type(t, std::string(12, '\b') + std::string(12, ' ') + std::string(12, '\b'), 2500000);  // erased 2.5 s later
  type(t, "Press Ctrl-B\n", 9000000);  // and shown again at 9 s
  t.close_text("pc", "console");
  facts::MachineFacts f = facts_of(t);
  auto first = f.find_console("Press Ctrl-B", true, std::nullopt, std::nullopt);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->t_ns, 11 * 50 * kUs);
  auto again = f.find_console("Press Ctrl-B", false, 1000000 * kUs, std::nullopt);
  ASSERT_TRUE(again) << "written again after the erase: it appears again";
  EXPECT_EQ(again->t_ns, (9000000 + 11 * 50) * kUs);
  EXPECT_FALSE(f.find_console("Press Ctrl-B", false, 1000000 * kUs, 8000000 * kUs));
}

TEST(ConsoleTime, Latin1BytesCountAsOneCharacterEach) {
  Trace t;
  type(t, "\xB0\xB1x", 0);
  t.close_text("pc", "console");
  facts::MachineFacts f = facts_of(t);
  auto m = f.find_console("x", true, std::nullopt, std::nullopt);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->t_ns, 100 * kUs);
}

}  // namespace
}  // namespace bootsim
