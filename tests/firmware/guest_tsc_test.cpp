// The virtual time stamp counter (sim/cpu/rdtsc_trap.h, Machine::kTscHz): RDTSC reads virtual time at
// 1 GHz, deterministically, never repeats, lets a spinning guest see time pass, and agrees with PIT
// channel 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "guest_fixture.h"
#include "guest_rdtsc.bin.h"

namespace bootsim::testing {
namespace {

using ::testing::HasSubstr;

TEST(GuestTsc, RdtscCountsVirtualNanosecondsAndAgreesWithThePit) {
  // Given a program that reads the TSC twice in a row, 1000 times in a loop, and across a PIT channel-2
  // countdown of 0xFFFF counts (GRUB 2.06's calibration)
  auto out = run_guest(guest_image(guest_rdtsc_bin));
  ASSERT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;

  // Then a read costs no virtual time but never repeats: two in a row differ by one count, even on the
  // block's first execution (the trap was in place before it ran)
  EXPECT_THAT(out.console_text, HasSubstr("pair=00000001:00000000"));
  // And 1000 reads with no other host entry are a wait on the clock (sim/machine/idle_rule.h): every
  // IdleConfig::free_reads-th read is charged as a host entry that read the clock (50 us), so time passes at
  // least by those 62 entries, and a streak of such entries jumps to the next BIOS tick as any clock wait does.
  auto lpos = out.console_text.find(" loop=");
  ASSERT_NE(lpos, std::string::npos) << out.console_text;
  std::uint32_t loop = static_cast<std::uint32_t>(std::stoul(out.console_text.substr(lpos + 6, 8), nullptr, 16));
  EXPECT_GE(loop, 62u * 50000u);
  EXPECT_LE(loop, 1000u / 16u * 54925494u);  // at most one tick per charged entry
  // And the PIT countdown (65535 / 1193182 Hz = 54.925 ms) measures 54.925 ms of TSC counts, to within
  // the host entries around it: the rate GRUB calibrates is 1 GHz.
  auto pos = out.console_text.find(" pit=");
  ASSERT_NE(pos, std::string::npos) << out.console_text;
  std::uint32_t pit = static_cast<std::uint32_t>(std::stoul(out.console_text.substr(pos + 5, 8), nullptr, 16));
  // io_ports' channel 2 counts from the count write, not from the gate's rising edge: the two host
  // entries between them (100 us) fall outside the TSC interval.
  EXPECT_GE(pit, 54925000u - 150000u);
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
