// The trace is in time order: text that arrives a byte at a time (the console) is held open in its place
// in time and is appended before anything that happened after its first byte (sim/core/trace.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/core/trace.h"

namespace bootsim {
namespace {

std::vector<std::string> kinds_and_times(const Trace& trace) {
  std::vector<std::string> out;
  for (const auto& ev : trace.events())
    out.push_back(ev["machine"].get<std::string>() + " " + ev["kind"].get<std::string>() + "@" +
                  std::to_string(ev["t_ns"].get<std::int64_t>()));
  return out;
}

TEST(unit_trace_order, HeldTextGoesBeforeALaterEventOfAnotherSource) {
  // Given a console line begun at 4 s and not finished
  Trace trace;
  trace.append_text(SimTime::from_s(4), "pc0", "console", "Configuring...");
  // When the NIC transmits at 28 s, then the line ends
  trace.emit(SimTime::from_s(28), "pc0", "frame_tx", {{"len", 60}});
  trace.append_text(SimTime::from_s(29), "pc0", "console", " ok\n");
  trace.close_text("pc0", "console");
  // Then the text begun at 4 s comes first, and what followed the frame is an event of its own
  EXPECT_EQ(kinds_and_times(trace),
            (std::vector<std::string>{"pc0 console@4000000000", "pc0 frame_tx@28000000000", "pc0 console@29000000000"}));
  EXPECT_EQ(trace.events()[0]["text"], "Configuring...");
  EXPECT_EQ(trace.events()[2]["text"], " ok\n");
}

TEST(unit_trace_order, BytesWithNothingInBetweenAreOneEventAtTheFirstBytesTime) {
  // One byte per millisecond (a BIOS call each): one event, each byte's time t_ns + i × step_ns
  Trace trace;
  for (int i = 0; i < 6; ++i) trace.append_text(SimTime::from_ms(10 + i), "pc0", "console", i % 2 ? "b" : "a");
  EXPECT_TRUE(trace.events().empty()) << "still open";
  trace.close_text("pc0", "console");
  ASSERT_EQ(trace.events().size(), 1u);
  EXPECT_EQ(trace.events()[0]["t_ns"], SimTime::from_ms(10).ns);
  EXPECT_EQ(trace.events()[0]["step_ns"], SimTime::from_ms(1).ns);
  EXPECT_EQ(trace.events()[0]["text"], "ababab");
}

TEST(unit_trace_order, TextWrittenLaterThanItsEventCanSayIsAnEventOfItsOwn) {
  // Several bytes at once, then more at later times: no single step describes them, so each time opens
  // an event and no byte is stamped earlier than it was written (issue 11: text at its own time)
  Trace trace;
  for (int i = 0; i < 3; ++i) trace.append_text(SimTime::from_ms(10 + i), "pc0", "console", "ab");
  trace.close_text("pc0", "console");
  EXPECT_EQ(kinds_and_times(trace),
            (std::vector<std::string>{"pc0 console@10000000", "pc0 console@11000000", "pc0 console@12000000"}));
}

TEST(unit_trace_order, ClosingOneMachinesTextFirstAppendsTheTextOthersBeganEarlier) {
  // Given two machines on one trace, pc1 began printing at 3 ms and pc0 at 5 ms
  Trace trace;
  trace.append_text(SimTime::from_ms(3), "pc1", "console", "\r");
  trace.append_text(SimTime::from_ms(5), "pc0", "console", "line\n");
  // When pc0's line ends first
  trace.close_text("pc0", "console");
  // Then pc1's earlier text is appended before it, and pc1's later text is a new event
  trace.append_text(SimTime::from_ms(6), "pc1", "console", "x");
  trace.close_text("pc1", "console");
  EXPECT_EQ(kinds_and_times(trace),
            (std::vector<std::string>{"pc1 console@3000000", "pc0 console@5000000", "pc1 console@6000000"}));
}

TEST(unit_trace_order, HeldBytesAreStoredAsLatin1) {
  Trace trace;
  trace.append_text(SimTime::from_ms(1), "pc0", "console", std::string("\xC4", 1));
  trace.emit(SimTime::from_ms(2), "pc0", "exit");
  ASSERT_EQ(trace.events().size(), 2u);
  EXPECT_EQ(trace.events()[0]["text"], "\xC3\x84");
}

}  // namespace
}  // namespace bootsim
