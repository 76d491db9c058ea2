// Port I/O as guest programs see it: the PIT channel 2 one-shot iPXE's udelay uses, and the CMOS clock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "guest_cmos.bin.h"
#include "guest_fixture.h"
#include "guest_pit.bin.h"

namespace bootsim::testing {
namespace {

using ::testing::HasSubstr;

TEST(GuestIo, PitChannel2OutGoesHighOnlyAfterTheCountInVirtualTime) {
  for (int cost_us : {50, 20}) {
    SCOPED_TRACE("host entry cost " + std::to_string(cost_us) + " us");
    GuestOptions opt;
    opt.machine.host_entry_cost = SimTime::from_us(cost_us);
    opt.machine.idle.skip = false;  // every poll costs its entry (with skipping: tests/firmware/idle_skip_test.cpp)
    auto out = run_guest(guest_image(guest_pit_bin), opt);
    EXPECT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;
    // 11932 counts at 1.193182 MHz = 10000.15 us. Each IN of port 61h is a host entry that advances the
    // clock by `cost` before it is answered, so OUT2 is first seen high on poll ceil(10000.15 / cost).
    const std::int64_t count_ns = 11932LL * 1000000000LL / 1193182LL;
    const std::int64_t cost_ns = cost_us * 1000LL;
    const std::int64_t polls = (count_ns + cost_ns - 1) / cost_ns;
    char want[64];
    std::snprintf(want, sizeof want, "first=01 last=21 polls=%04llX", static_cast<unsigned long long>(polls));
    EXPECT_THAT(out.console_text, HasSubstr(want));
  }
}

TEST(GuestIo, CmosTimeReadsAreStableBcdWithUipClear) {
  // At several points in the day (the seed picks the BIOS time of day), two back-to-back readings agree.
  for (std::uint64_t seed : {0u, 1u, 7u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    GuestOptions opt;
    opt.machine.seed = seed;
    auto out = run_guest(guest_image(guest_cmos_bin), opt);
    EXPECT_THAT(out.console_text, HasSubstr("A=26 B=02"));
    EXPECT_THAT(out.console_text, HasSubstr(" stable bcd=ok"));
  }
}

}  // namespace
}  // namespace bootsim::testing
