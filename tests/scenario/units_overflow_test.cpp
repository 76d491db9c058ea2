// Values near the 64-bit limits: found by tests/fuzz/scenario_loader (UBSan: signed overflow). Before the
// fixes these wrapped around and were accepted as other, wrong values.
#include <gtest/gtest.h>

#include "sim/core/errors.h"
#include "sim/scenario/units.h"
#include "sim/core/sim_time.h"

namespace bootsim::scenario {
namespace {

TEST(scenario_units_overflow, DurationFractionOfMinutes) {
  // 999999999 × 60e9 overflowed before being divided by the fraction's scale.
  auto d = parse_duration("1.999999999m");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->ns, 119999999940);
  EXPECT_EQ(parse_duration("153722867m")->ns, 153722867LL * 60000000000LL);
}

TEST(scenario_units_overflow, DurationAtTheLimit) {
  EXPECT_EQ(parse_duration("9223372036.854775807s")->ns, INT64_MAX);
  // Whole part in range, whole plus fraction not: refused, not wrapped to a negative time.
  EXPECT_FALSE(parse_duration("9223372036.854775808s").has_value());
  EXPECT_FALSE(parse_duration("153722867.5m").has_value());
}

TEST(scenario_ranges_overflow, ScalingToCommonDigitsOverflows) {
  // TO × 10^8 (to match STEP's eight fractional digits) is 2^64 + 256: it wrapped to 256 and the range
  // "0..28999941890838049/0.00000001" came back as 257 tiny values.
  EXPECT_THROW(parse_range("0..28999941890838049/0.00000001"), InputError);
  EXPECT_THROW(parse_range("0..92233720368547758/0.00000001"), InputError);
  EXPECT_EQ(parse_range("0..0.00000002/0.00000001"),
            (std::vector<std::string>{"0", "0.00000001", "0.00000002"}));
}

}  // namespace
}  // namespace bootsim::scenario
