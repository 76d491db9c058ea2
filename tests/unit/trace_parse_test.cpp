// Trace::parse_jsonl reads a large trace in two halves at once (sim/core/trace.cpp): the result must be what
// reading it line by line gives, and a bad line must fail it as it would alone.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/core/trace.h"

namespace bootsim {
namespace {

// A JSON Lines trace over the size at which the parse splits (8 MB): `n` frame events with a 1 kB payload.
std::string big_trace(size_t n) {
  Trace trace;
  const std::string hex(1024, 'a');
  for (size_t i = 0; i < n; ++i)
    trace.emit(SimTime::from_us(static_cast<std::int64_t>(i)), i % 2 ? "pc1" : "pc0", "frame_rx",
               {{"len", 512}, {"hex", hex}, {"seq", i}});
  std::string text;
  for (const auto& ev : trace.events()) text += ev.dump() + "\n";
  return text;
}

std::vector<TraceEvent> line_by_line(const std::string& text) {
  std::vector<TraceEvent> out;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    out.push_back(TraceEvent::parse(text.substr(pos, end - pos)));
    pos = end + 1;
  }
  return out;
}

TEST(unit_trace_parse, ALargeTraceReadsAsLineByLine) {
  // Given a trace of 10 000 events (about 11 MB, so it is read in two halves)
  std::string text = big_trace(10000);
  ASSERT_GT(text.size(), size_t{8} << 20);
  // When it is parsed
  std::vector<TraceEvent> events = Trace::parse_jsonl(text);
  // Then every event is there, in file order, equal to the line's own parse
  std::vector<TraceEvent> expected = line_by_line(text);
  ASSERT_EQ(events.size(), 10000u);
  ASSERT_EQ(events.size(), expected.size());
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(events[i], expected[i]) << "event " << i;
    ASSERT_EQ(events[i]["seq"].get<size_t>(), i);
  }
}

TEST(unit_trace_parse, ABadLineInEitherHalfFailsTheParseWithTheFirstBadLinesError) {
  std::string text = big_trace(10000);
  const size_t third = text.find('\n', text.size() / 3) + 1, late = text.find('\n', text.size() * 4 / 5) + 1;
  // A bad line in the second half alone fails the parse
  std::string second_bad = text;
  second_bad.insert(late, "{\"t_ns\": 1, broken\n");
  EXPECT_THROW(Trace::parse_jsonl(second_bad), std::exception);
  // With one in each half, the error is the first one's (as if read line by line)
  std::string both_bad = second_bad;
  both_bad.insert(third, "[1,2\n");
  std::string first_only = text;
  first_only.insert(third, "[1,2\n");
  std::string expected, got;
  try {
    Trace::parse_jsonl(first_only);
  } catch (const std::exception& e) {
    expected = e.what();
  }
  try {
    Trace::parse_jsonl(both_bad);
  } catch (const std::exception& e) {
    got = e.what();
  }
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(got, expected);
}

}  // namespace
}  // namespace bootsim
