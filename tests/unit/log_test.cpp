// The human log (sim/core/log.h, trace_log.h): lines carry the virtual time and the object, come from the
// trace as events are emitted, respect the level, and never name a wall-clock time.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>

#include <spdlog/sinks/ostream_sink.h>

#include "sim/core/log.h"
#include "sim/core/trace.h"
#include "sim/core/trace_log.h"

namespace bootsim {
namespace {

/// Captures the log's lines for one test and restores stderr and the default level afterwards.
class LogCapture : public ::testing::Test {
 protected:
  void SetUp() override { log::set_sink(std::make_shared<spdlog::sinks::ostream_sink_mt>(out_)); }
  void TearDown() override {
    log::set_sink(nullptr);
    log::set_level(log::Level::kWarn);
  }
  std::string lines() const { return out_.str(); }
  std::ostringstream out_;
};

TEST_F(LogCapture, ALineHasTheVirtualTimeTheObjectAndTheLevel) {
  log::set_level(log::Level::kInfo);
  log::write(log::Level::kInfo, SimTime::from_ns(13009077708), "r640-01", "link up (autoneg_complete)");
  EXPECT_EQ(lines(), "[    13.009077s] [r640-01] info: link up (autoneg_complete)\n");
}

TEST_F(LogCapture, BracesInTheTextAreNotFormatDirectives) {
  log::set_level(log::Level::kInfo);
  log::write(log::Level::kInfo, SimTime{}, "pc0", "chain ${next-server}/{}");
  EXPECT_EQ(lines(), "[     0.000000s] [pc0] info: chain ${next-server}/{}\n");
}

TEST_F(LogCapture, TheDefaultLevelWarnWritesNothingFromATrace) {
  Trace trace;
  trace.emit(SimTime::from_s(1), "pc0", "link", {{"state", "up"}, {"cause", "autoneg_complete"}});
  trace.emit(SimTime::from_s(2), "pc0", "exit", {{"reason", "handoff"}, {"detail", ""}});
  EXPECT_EQ(trace.events().size(), 2u);
  EXPECT_EQ(lines(), "");
}

TEST_F(LogCapture, InfoLogsEachTraceEventAsItIsEmittedWithItsTimeAndMachine) {
  log::set_level(log::Level::kInfo);
  Trace trace;
  trace.emit(SimTime::from_ms(25), "r640-01", "link", {{"state", "down"}, {"cause", "undi_shutdown"}});
  trace.emit(SimTime::from_ms(30), "r640-01", "pxe_call", {{"op", "UNDI_OPEN"}, {"opcode", 6}, {"status", 0}});
  trace.emit(SimTime::from_ms(40), "dhcpd", "dhcp",
             {{"dir", "tx"}, {"msg", "ACK"}, {"client", "52:54:00:12:34:56"}, {"yiaddr", "10.0.2.15"}, {"file", "undionly.kpxe"}});
  trace.emit(SimTime::from_ms(50), "r640-01", "frame_tx", {{"len", 342}, {"hex", "ffff"}});
  trace.append_text(SimTime::from_ms(60), "r640-01", "console", "iPXE> ");
  trace.emit(SimTime::from_ms(70), "r640-01", "handoff", {{"protocol", "multiboot"}, {"cmdline", "mboot.c32 -c boot.cfg"}});
  EXPECT_EQ(lines(),
            "[     0.025000s] [r640-01] info: link down (undi_shutdown)\n"
            "[     0.040000s] [dhcpd] info: DHCP lease 10.0.2.15 to 52:54:00:12:34:56, boot file undionly.kpxe\n"
            "[     0.070000s] [r640-01] info: handoff (multiboot): mboot.c32 -c boot.cfg\n");
}

TEST_F(LogCapture, DebugAddsPxeCallsAndTraceAddsFrames) {
  Trace trace;
  log::set_level(log::Level::kDebug);
  trace.emit(SimTime::from_ms(1), "pc0", "pxe_call", {{"op", "UNDI_TRANSMIT"}, {"opcode", 8}, {"status", 0}});
  trace.emit(SimTime::from_ms(2), "pc0", "frame_tx", {{"len", 60}, {"hex", "00"}});
  log::set_level(log::Level::kTrace);
  trace.emit(SimTime::from_ms(3), "pc0", "frame_rx", {{"len", 64}, {"hex", "00"}});
  EXPECT_EQ(lines(),
            "[     0.001000s] [pc0] debug: PXE UNDI_TRANSMIT status 0\n"
            "[     0.003000s] [pc0] trace: frame rx 64 bytes\n");
}

TEST(LogEvents, EveryKindHasALevelAndConsoleTextIsNotLogged) {
  auto d = [](const char* kind, TraceEvent fields) {
    TraceEvent ev = {{"t_ns", 0}, {"machine", "m"}, {"kind", kind}};
    for (auto it = fields.begin(); it != fields.end(); ++it) ev[it.key()] = it.value();
    return log::describe_event(ev);
  };
  EXPECT_FALSE(d("console", {{"text", "hello"}}));
  ASSERT_TRUE(d("phase", {{"phase", "rom_dhcp"}, {"xid", 7}}));
  EXPECT_EQ(d("phase", {{"phase", "rom_dhcp"}, {"xid", 7}})->second, "phase rom_dhcp xid=7");
  EXPECT_EQ(d("fault", {{"fault", "watchdog"}, {"message", "no progress"}})->first, log::Level::kInfo);
  EXPECT_EQ(d("dhcp", {{"dir", "rx"}, {"msg", "DISCOVER"}, {"client", "c"}, {"xid", 1}})->first, log::Level::kDebug);
  EXPECT_EQ(d("tftp", {{"file", "f"}, {"client", "c"}, {"status", "ok"}, {"bytes", 3}})->first, log::Level::kDebug);
  EXPECT_EQ(d("http", {{"method", "GET"}, {"path", "/"}, {"status", 200}, {"bytes", 3}})->first, log::Level::kDebug);
  EXPECT_EQ(d("bpdu", {{"hex", "00"}})->first, log::Level::kTrace);
  // A kind this list does not know still shows at debug, with its fields.
  auto unknown = d("brand_new_kind", {{"why", "x"}});
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->first, log::Level::kDebug);
  EXPECT_EQ(unknown->second, "brand_new_kind why=x");
}

TEST(LogLevels, NamesRoundTripAndUnknownNamesAreRejected) {
  ASSERT_EQ(log::level_names().size(), 6u);
  for (const auto& name : log::level_names()) {
    auto l = log::parse_level(name);
    ASSERT_TRUE(l) << name;
    EXPECT_EQ(log::to_string(*l), name);
  }
  EXPECT_FALSE(log::parse_level("INFO"));
  EXPECT_FALSE(log::parse_level("verbose"));
}

}  // namespace
}  // namespace bootsim
