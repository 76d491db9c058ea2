// Idle skipping changes nothing a guest can see (README "Virtual time", sim/machine/idle_rule.h): the same
// guest with skipping on and off prints the same and, for the waits that only read clocks, ends at the same
// virtual nanosecond; Debian's iPXE shows the same console and sends the same DHCP messages in the same
// BIOS ticks. The tests print virtual seconds per wall second for each wait as a measurement (not asserted:
// wall time depends on the host).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "firmware/bios.h"
#include "guest_clock_waits.bin.h"
#include "guest_fixture.h"
#include "guest_pit.bin.h"
#include "ipxe_test_util.h"
#include "real_scenario_util.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/world_spec.h"

namespace bootsim::testing {
namespace {

using ::testing::HasSubstr;
using WallClock = std::chrono::steady_clock;

struct Mark {
  SimTime virt;
  double wall;
};

struct ClockWaitsRun {
  GuestOutcome out;
  std::map<std::string, Mark> marks;  ///< when each wait's result began to print
  double wall = 0;
  std::uint64_t host_entries = 0;
};

ClockWaitsRun run_clock_waits(bool skip) {
  ClockWaitsRun r;
  GuestOptions opt;
  opt.machine.idle.skip = skip;
  opt.until = SimTime::from_s(30);
  auto t0 = WallClock::now();
  opt.setup = [&](Scheduler& sched, Machine& m, Cpu&) {
    m.watch_console([&r, &sched, t0](const std::string& raw) {
      for (const char* label : {"int1a=", " pit2=", " bda="}) {
        std::string l(label);
        if (!r.marks.count(l) && raw.size() >= l.size() && raw.compare(raw.size() - l.size(), l.size(), l) == 0)
          r.marks[l] = {sched.now(), std::chrono::duration<double>(WallClock::now() - t0).count()};
      }
    });
  };
  r.out = run_guest(guest_image(guest_clock_waits_bin), opt);
  r.wall = std::chrono::duration<double>(WallClock::now() - t0).count();
  auto exits = r.out.events("exit");
  if (!exits.empty()) r.host_entries = exits[0]["host_entries"].get<std::uint64_t>();
  return r;
}

void print_rates(const char* what, const ClockWaitsRun& r) {
  Mark start{SimTime{}, 0};
  for (const char* label : {"int1a=", " pit2=", " bda="}) {
    auto it = r.marks.find(label);
    if (it == r.marks.end()) continue;
    double v = (it->second.virt - start.virt).seconds(), w = it->second.wall - start.wall;
    std::printf("[ measure  ] %s %-6s wait: %.3f virtual s in %.4f wall s = %.0f virtual s per wall s\n", what, label, v,
                w, w > 0 ? v / w : 0.0);
    start = it->second;
  }
}

TEST(IdleSkip, GuestWaitsOnInt1aPitAndBdaSeeTheSameTimesWithSkippingOnAndOff) {
  // Given a guest that waits 5 s three ways: INT 1Ah reads, PIT channel 2 OUT2 polling, BDA reads in
  // interrupt windows (no host entry: the spinning rule, the same with skipping off)
  ClockWaitsRun on = run_clock_waits(true);
  ClockWaitsRun off = run_clock_waits(false);
  print_rates("skip on ", on);
  print_rates("skip off", off);
  // Then both runs finish, print the same, and end at the same virtual nanosecond
  ASSERT_EQ(on.out.result.reason, StopReason::kNbpReturned) << on.out.result.detail;
  ASSERT_EQ(off.out.result.reason, StopReason::kNbpReturned) << off.out.result.detail;
  EXPECT_THAT(on.out.console_text, HasSubstr("int1a=0000005B pit2="));
  EXPECT_THAT(on.out.console_text, HasSubstr(" bda=0000005B"));
  EXPECT_EQ(on.out.console_raw, off.out.console_raw);
  EXPECT_EQ(on.out.result.end_time, off.out.result.end_time);
  for (const char* label : {"int1a=", " pit2=", " bda="}) {
    ASSERT_TRUE(on.marks.count(label) && off.marks.count(label)) << label;
    EXPECT_EQ(on.marks[label].virt, off.marks[label].virt) << label;
  }
  // And skipping is what made it cheap: a small fraction of the host entries
  EXPECT_LT(on.host_entries * 20, off.host_entries) << on.host_entries << " vs " << off.host_entries;
}

TEST(IdleSkip, PitOut2IsSeenHighOnTheSameEntryWithSkippingOnAndOff) {
  // pit.S counts its polls, which skipping changes; what it reads does not, nor when the wait ends.
  GuestOptions on_opt, off_opt;
  off_opt.machine.idle.skip = false;
  auto on = run_guest(guest_image(guest_pit_bin), on_opt);
  auto off = run_guest(guest_image(guest_pit_bin), off_opt);
  EXPECT_THAT(on.console_text, HasSubstr("first=01 last=21"));
  EXPECT_THAT(off.console_text, HasSubstr("first=01 last=21"));
  EXPECT_EQ(on.result.end_time, off.result.end_time);
}

/// The DHCP messages a run's first machine sent: (BIOS tick, frame) in order.
std::vector<std::pair<std::uint64_t, std::string>> dhcp_schedule(const Trace& trace) {
  std::vector<std::pair<std::uint64_t, std::string>> out;
  for (const auto& ev : trace.events_of("frame_tx")) {
    std::string hex = ev["hex"];
    auto udp = parse_udp_frame(from_hex(hex));
    if (!udp || (udp->dst_port != 67 && udp->dst_port != 4011)) continue;
    out.emplace_back(Bios::ticks_at(SimTime::from_ns(ev["t_ns"].get<std::int64_t>())), hex);
  }
  return out;
}

TEST(IdleSkip, DebianIpxeShowsTheSameConsoleAndDhcpScheduleWithSkippingOnAndOff) {
  // Given the shipped ProxyDHCP scenario (the schedule that K = 1 once broke), its first 8 virtual seconds
  auto s = scenario::load_scenario(std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/proxydhcp.xml", test::real_load_options());
  const scenario::Variant* v = nullptr;
  for (const auto& x : s.variants)
    if (x.name == "intel-like") v = &x;
  ASSERT_NE(v, nullptr);
  auto run = [&](bool skip) {
    auto dir = test::fresh_dir("idle_skip", skip ? "on" : "off");
    BootRunSpec spec = scenario::world_spec(s, *v, dir.string());
    spec.until = SimTime::from_s(8);
    spec.machine.idle.skip = skip;
    auto t0 = WallClock::now();
    BootRunOutcome out = run_boot(spec);
    double wall = std::chrono::duration<double>(WallClock::now() - t0).count();
    std::printf("[ measure  ] iPXE proxydhcp 8 s, skip %s: %.3f wall s, %llu host entries\n", skip ? "on " : "off", wall,
                static_cast<unsigned long long>(out.stats.host_entries));
    return out;
  };
  BootRunOutcome on = run(true);
  BootRunOutcome off = run(false);
  // Then the console is the same and every DHCP message goes out in the same BIOS tick, byte for byte
  EXPECT_THAT(on.console_text, HasSubstr("ok"));
  EXPECT_EQ(on.console_text, off.console_text);
  auto a = dhcp_schedule(on.trace), b = dhcp_schedule(off.trace);
  EXPECT_GE(a.size(), 3u);
  EXPECT_EQ(a, b);
  EXPECT_LT(on.stats.host_entries * 5, off.stats.host_entries);
}

}  // namespace
}  // namespace bootsim::testing
