// The virtual time stamp counter (sim/cpu/rdtsc_trap.h, Machine::kTscHz): RDTSC reads virtual time at
// 1 GHz, deterministically, and agrees with PIT channel 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "guest_fixture.h"
#include "guest_rdtsc.bin.h"

namespace bootsim::testing {
namespace {

using ::testing::HasSubstr;

TEST(GuestTsc, RdtscCountsVirtualNanosecondsAndEachReadIsAHostEntry) {
  // Given a program that reads the TSC twice in a row, 1000 times in a loop, and across a PIT channel-2
  // countdown of 0xFFFF counts
  auto out = run_guest(guest_image(guest_rdtsc_bin));
  ASSERT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;

  // Then two reads differ by one host entry (50 us = 50,000 counts = 0xC350), even on the block's first
  // execution; 999 reads in a loop by 999 of them (0x2FA3BC8 = 49,950,000)
  EXPECT_THAT(out.console_text, HasSubstr("pair=0000C350:00000000"));
  EXPECT_THAT(out.console_text, HasSubstr(" loop=02FA3BC8"));
  // And the PIT countdown (65535 / 1193182 Hz = 54.925 ms) measures 54.925 ms of TSC counts, to within
  // the 50 us of the poll that saw it end and the RDTSC's own cost: the rate GRUB calibrates is 1 GHz.
  auto pos = out.console_text.find(" pit=");
  ASSERT_NE(pos, std::string::npos) << out.console_text;
  std::uint32_t pit = static_cast<std::uint32_t>(std::stoul(out.console_text.substr(pos + 5, 8), nullptr, 16));
  EXPECT_GE(pit, 54925000u);
  EXPECT_LE(pit, 54925000u + 100000u);
}

TEST(GuestTsc, ThreeRunsGiveTheSameTraceByteForByte) {
  std::string first;
  for (int i = 0; i < 3; ++i) {
    auto out = run_guest(guest_image(guest_rdtsc_bin));
    std::string jsonl;
    for (const auto& e : out.trace.events()) jsonl += e.dump() + "\n";
    if (i == 0) first = jsonl;
    else EXPECT_EQ(jsonl, first) << "run " << i + 1;
  }
  EXPECT_FALSE(first.empty());
}

}  // namespace
}  // namespace bootsim::testing
