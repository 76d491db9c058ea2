// Typed unit parsers and sweep ranges, table-driven.
#include <gtest/gtest.h>

#include "nicmodels/nic.h"
#include "sim/core/errors.h"
#include "sim/scenario/units.h"
#include "sim/core/sim_time.h"

namespace bootsim::scenario {
namespace {

TEST(scenario_units, Durations) {
  struct Case { const char* text; std::optional<std::int64_t> ns; } cases[] = {
      {"10s", 10000000000}, {"1.5s", 1500000000}, {"250ms", 250000000}, {"40us", 40000}, {"100ns", 100},
      {"2m", 120000000000}, {"0s", 0},
      {"10 sec", std::nullopt}, {"10", std::nullopt}, {"s", std::nullopt}, {"-1s", std::nullopt},
      {" 1s", std::nullopt}, {"1s ", std::nullopt}, {"1h", std::nullopt}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto d = parse_duration(c.text);
    ASSERT_EQ(d.has_value(), c.ns.has_value());
    if (d) {
      EXPECT_EQ(d->ns, *c.ns);
    }
  }
}

TEST(scenario_units, Percentages) {
  EXPECT_DOUBLE_EQ(*parse_percent("0%"), 0.0);
  EXPECT_DOUBLE_EQ(*parse_percent("50%"), 0.5);
  EXPECT_DOUBLE_EQ(*parse_percent("2.5%"), 0.025);
  EXPECT_DOUBLE_EQ(*parse_percent("100%"), 1.0);
  for (const char* bad : {"50", "0.5", "101%", "-1%", "%", "5 %", "5%%"}) EXPECT_FALSE(parse_percent(bad)) << bad;
}

TEST(scenario_units, BitRatesAndSizes) {
  EXPECT_EQ(*parse_bitrate("1Gbps"), 1000000000u);
  EXPECT_EQ(*parse_bitrate("100Mbps"), 100000000u);
  EXPECT_EQ(*parse_bitrate("1.5Mbps"), 1500000u);
  EXPECT_EQ(*parse_bitrate("9600bps"), 9600u);
  for (const char* bad : {"1G", "1gbps", "1 Gbps", "1.5bps"}) EXPECT_FALSE(parse_bitrate(bad)) << bad;
  EXPECT_EQ(*parse_bytes("64MiB"), 64u << 20);
  EXPECT_EQ(*parse_bytes("640KiB"), 640u << 10);
  EXPECT_EQ(*parse_bytes("1GiB"), 1u << 30);
  EXPECT_EQ(*parse_bytes("0.5MiB"), 512u << 10);
  for (const char* bad : {"64MB", "64", "64 MiB", "0.3B"}) EXPECT_FALSE(parse_bytes(bad)) << bad;
}

TEST(scenario_units, BoolsAndIntegers) {
  EXPECT_EQ(parse_bool("true"), true);
  EXPECT_EQ(parse_bool("on"), true);
  EXPECT_EQ(parse_bool("off"), false);
  EXPECT_FALSE(parse_bool("yes"));
  EXPECT_FALSE(parse_bool("True"));
  EXPECT_EQ(parse_uint("64"), 64u);
  EXPECT_FALSE(parse_uint("+1"));
  EXPECT_FALSE(parse_uint("1e3"));
  EXPECT_FALSE(parse_uint(""));
}

TEST(scenario_units, Addresses) {
  EXPECT_EQ(*parse_ipv4_strict("10.0.2.100"), 0x0A000264u);
  for (const char* bad : {"10.0.2", "10.0.2.256", " 10.0.2.1", "10.0.2.1 ", "10.0.2.+1", "10..2.1", "a.b.c.d"})
    EXPECT_FALSE(parse_ipv4_strict(bad)) << bad;
  auto c = parse_cidr("10.0.2.0/24");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->first, 0x0A000200u);
  EXPECT_EQ(c->second, 24);
  for (const char* bad : {"10.0.2.1/24", "10.0.2.0", "10.0.2.0/31", "10.0.2.0/0", "10.0.2.0/x"})
    EXPECT_FALSE(parse_cidr(bad)) << bad;
}

TEST(scenario_units, Macs) {
  auto m = parse_mac("52:54:00:12:34:56");
  ASSERT_TRUE(m);
  EXPECT_EQ(format_mac(*m), "52:54:00:12:34:56");
  EXPECT_TRUE(parse_mac("52-54-00-12-34-56"));
  for (const char* bad : {"52:54:00:12:34", "52:54:00:12:34:567", "zz:54:00:12:34:56", "525400123456"})
    EXPECT_FALSE(parse_mac(bad)) << bad;
}

TEST(scenario_ranges, StepsWithUnits) {
  EXPECT_EQ(parse_range("1s..5s/1s"), (std::vector<std::string>{"1s", "2s", "3s", "4s", "5s"}));
  EXPECT_EQ(parse_range("8.5s..10s/0.5s"), (std::vector<std::string>{"8.5s", "9s", "9.5s", "10s"}));
  EXPECT_EQ(parse_range("0%..20%/10%"), (std::vector<std::string>{"0%", "10%", "20%"}));
  EXPECT_EQ(parse_range("5..15/5"), (std::vector<std::string>{"5", "10", "15"}));
}

TEST(scenario_ranges, ListsAndSingleValues) {
  EXPECT_EQ(parse_range("off,on"), (std::vector<std::string>{"off", "on"}));
  EXPECT_EQ(parse_range("13s"), (std::vector<std::string>{"13s"}));
  EXPECT_EQ(parse_range("1000ms..2000ms/500ms"), (std::vector<std::string>{"1000ms", "1500ms", "2000ms"}));
}

TEST(scenario_ranges, Errors) {
  struct Case { const char* text; const char* gist; } cases[] = {
      {"1s..20s", "missing /STEP"},
      {"1s..2000ms/1s", "same unit"},
      {"5s..1s/1s", "FROM is greater than TO"},
      {"1s..2s/0s", "STEP must be greater than zero"},
      {"0..100000/1", "more than 10000 values"},
      {"1000ms..2000ms/400ms", "STEP does not land on TO (the last value would be 1800ms)"},
      {"1s..20s/2s", "STEP does not land on TO"},
      {"a..b/c", "non-negative numbers"},
      {"1s,,2s", "empty list element"},
      {"", "empty"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    try {
      parse_range(c.text);
      ADD_FAILURE() << "accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(c.gist), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(std::string("range '") + c.text + "'"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace bootsim::scenario
