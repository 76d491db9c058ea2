// REP MOVS/STOS done at once by the host (sim/cpu/rep_string.h) leave the guest exactly where the engine's
// own passes leave it: the same registers, the same bytes, the same trace. The guest program
// (tests/guest/rep_strings.S) runs forwards and backwards, overlapping and apart, 16- and 32-bit
// addresses and operands, and the cases left to the engine (a 16-bit offset that wraps, a segment
// override, a tiny count, a zero count); it prints registers and checksums.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "guest_fixture.h"
#include "guest_rep_strings.bin.h"

namespace bootsim::testing {
namespace {

using ::testing::HasSubstr;

GuestOutcome run_with_fast_strings(bool on) {
  if (on) ::unsetenv("BOOTSIM_FAST_STRINGS");
  else ::setenv("BOOTSIM_FAST_STRINGS", "off", 1);
  GuestOutcome out = run_guest(guest_image(guest_rep_strings_bin));
  ::unsetenv("BOOTSIM_FAST_STRINGS");
  return out;
}

/// The program's checksum (s2:s1, 16-bit Fletcher-style sums) of `bytes`.
std::string checksum(const std::vector<std::uint8_t>& bytes) {
  std::uint16_t s1 = 0, s2 = 0;
  for (std::uint8_t b : bytes) {
    s1 = static_cast<std::uint16_t>(s1 + b);
    s2 = static_cast<std::uint16_t>(s2 + s1);
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04X%04X", s2, s1);
  return buf;
}

TEST(RepStrings, DoneAtOnceTheyLeaveWhatTheEnginesPassesLeave) {
  // Given the program run with every pass by the engine, and with the host doing what it can at once
  GuestOutcome engine = run_with_fast_strings(false);
  GuestOutcome fast = run_with_fast_strings(true);
  ASSERT_EQ(engine.result.reason, StopReason::kNbpReturned) << engine.result.detail << engine.console_text;
  ASSERT_EQ(fast.result.reason, StopReason::kNbpReturned) << fast.result.detail << fast.console_text;

  // Then the host did take passes over, and only when allowed to
  EXPECT_EQ(engine.stats.string_passes, 0u);
  EXPECT_GT(fast.stats.string_passes, 0x300u) << "case A alone is 0x300 passes";

  // And every register and checksum printed is the same, and so is the trace, byte for byte
  ASSERT_THAT(engine.console_text, HasSubstr("all="));
  EXPECT_EQ(fast.console_text, engine.console_text);
  EXPECT_EQ(fast.trace.to_jsonl(), engine.trace.to_jsonl());

  // And the values are what the instructions mean: B copies each byte onto the next, so the first
  // byte (pattern at 0x2000: 0x00*7 + 3 + 0x20) fills 0x101 bytes; E moves 0x50 doublewords with ECX,
  // ESI and EDI whole.
  EXPECT_THAT(fast.console_text,
              HasSubstr("B c=0000 s=2100 d=2101 sum=" + checksum(std::vector<std::uint8_t>(0x101, 0x23))));
  EXPECT_THAT(fast.console_text, HasSubstr("E ecx=00000000 esi=00000240 edi=00002940"));
  // F wraps its 16-bit offset: 0x10 bytes at FFF0..FFFF, then 0x10 at 0000..000F.
  EXPECT_THAT(fast.console_text, HasSubstr("F c=0000 s=0240 d=0010"));
  // K, a zero count, moves nothing.
  EXPECT_THAT(fast.console_text, HasSubstr("K c=0000 s=0000 d=0100"));
}

}  // namespace
}  // namespace bootsim::testing
