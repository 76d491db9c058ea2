// Boots Debian's unmodified iPXE binaries on the emulated PC and checks what the firmware itself did:
// its console text, its PXE/UNDI calls, the DHCP frames it built and when its own timers sent them.
#include <algorithm>

#include "firmware/bios.h"
#include "sim/facts/trace_facts.h"
#include "tests/firmware/ipxe_test_util.h"

namespace bootsim::test {
namespace {

constexpr std::int64_t kTickNs = 54925439;  // one BIOS tick: 65536 / 1193182 s

class UndionlyBoot : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    BootRunSpec spec = ipxe_spec("undionly.kpxe", SimTime::from_s(10));
    outcome_ = new BootRunOutcome(run_boot(spec));
  }
  static void TearDownTestSuite() {
    delete outcome_;
    outcome_ = nullptr;
  }
  static BootRunOutcome* outcome_;
};
BootRunOutcome* UndionlyBoot::outcome_ = nullptr;

TEST_F(UndionlyBoot, ConsoleShowsPrefixBannerAndConfiguring) {
  const std::string& text = outcome_->console_text;
  EXPECT_NE(text.find("PXE->EB: !PXE at 9100:0040, entry point at 9000:0020"), std::string::npos) << text;
  EXPECT_NE(text.find("UNDI device is PCI 00:03.0, type DIX+802.3"), std::string::npos) << text;
  EXPECT_NE(text.find("iPXE initialising devices...ok"), std::string::npos) << text;
  EXPECT_NE(text.find("iPXE 1.0.0+git-20190125.36a4c85-5.1 -- Open Source Network Boot Firmware"), std::string::npos);
  EXPECT_NE(text.find("net0: 52:54:00:12:34:56 using undionly on 0000:00:03.0 (open)"), std::string::npos) << text;
  EXPECT_NE(text.find("Configuring (net0 52:54:00:12:34:56)"), std::string::npos) << text;
  EXPECT_EQ(outcome_->result.reason, StopReason::kTimeLimit);
}

TEST_F(UndionlyBoot, CtrlBPromptIsInTheRawStreamButErasedFromTheScreen) {
  EXPECT_NE(outcome_->console_raw.find("Press Ctrl-B for the iPXE command line..."), std::string::npos);
  EXPECT_EQ(outcome_->console_text.find("Press Ctrl-B"), std::string::npos) << outcome_->console_text;
  // The trace's console events carry the raw stream, prompt included.
  EXPECT_GE(console_time(outcome_->trace, "Press Ctrl-B"), 0);
}

TEST_F(UndionlyBoot, UndiCallsFollowTheContractOrder) {
  std::vector<std::string> ops;
  for (const auto& ev : outcome_->trace.events_of("pxe_call")) {
    std::string op = ev["op"];
    if (op != "UNDI_TRANSMIT" && op != "UNDI_ISR") ops.push_back(op);
    EXPECT_TRUE(ev["status"] == 0 || op == "FILE_CMDLINE") << ev.dump();
  }
  const std::vector<std::string> expected = {
      "UNDI_GET_NIC_TYPE", "UNDI_GET_IFACE_INFO", "GET_CACHED_INFO", "FILE_CMDLINE", "UNDI_SHUTDOWN",
      "UNLOAD_STACK",      "UNDI_STARTUP",        "UNDI_INITIALIZE", "UNDI_GET_INFORMATION",
      "UNDI_GET_IFACE_INFO", "UNDI_SET_STATION_ADDRESS", "UNDI_OPEN"};
  EXPECT_EQ(ops, expected);
  // FILE_CMDLINE answered "unsupported" as a plain PXE ROM does.
  for (const auto& ev : outcome_->trace.events_of("pxe_call"))
    if (ev["op"] == "FILE_CMDLINE") {
      EXPECT_EQ(ev["status"], 3);
    }
}

TEST_F(UndionlyBoot, DhcpDiscoverIsTheOneIpxeBuilt) {
  auto sent = sent_dhcp(outcome_->trace);
  ASSERT_FALSE(sent.empty());
  const DhcpPacket& d = sent.front().packet;
  EXPECT_EQ(d.op, 1);
  EXPECT_EQ(d.htype, 1);
  EXPECT_EQ(d.hlen, 6);
  const std::vector<std::uint8_t> mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  EXPECT_TRUE(std::equal(mac.begin(), mac.end(), d.chaddr.begin()));
  EXPECT_EQ(d.message_type(), DHCPDISCOVER);
  EXPECT_EQ(d.option_string(60), "PXEClient:Arch:00000:UNDI:002001");
  EXPECT_EQ(d.option_string(77), "iPXE");
  // The cached ACK gave net0 an address, so iPXE asks for broadcast replies (contract §7.1).
  EXPECT_EQ(d.flags, 0x8000);
  ASSERT_NE(d.find(61), nullptr);
  EXPECT_EQ(d.find(61)->data.size(), 7u);
}

TEST(UndionlyDhcp, DiscoversFollowIpxeRetryTimerAndConfigurationFails) {
  BootRunSpec spec = ipxe_spec("undionly.kpxe", SimTime::from_s(25));
  BootRunOutcome out = run_boot(spec);
  auto sent = sent_dhcp(out.trace);
  ASSERT_GE(sent.size(), 4u);
  std::int64_t t0 = sent[0].t.ns;
  // iPXE's retry timer (net/retry.c, config/dhcp.h): 1024 iPXE ticks, doubling, restarted at each expiry.
  // currticks() is the BIOS tick count x 56, so expiries land on whole BIOS ticks: +19 (1064 >= 1024),
  // then +37 (2072 >= 2048), then +74 (4144 >= 4096) -> 19, 56 and 130 ticks after the first DISCOVER,
  // i.e. about 1, 3 and 7 s (an iPXE second is 1.0045 s).
  const std::uint64_t expected_ticks[] = {19, 56, 130};
  const double expected_s[] = {1.0, 3.0, 7.0};
  std::uint64_t tick0 = Bios::ticks_at(sent[0].t);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(sent[i + 1].packet.message_type(), DHCPDISCOVER);
    EXPECT_EQ(sent[i + 1].packet.xid, sent[0].packet.xid);
    EXPECT_EQ(Bios::ticks_at(sent[i + 1].t) - tick0, expected_ticks[i]) << "DISCOVER " << i + 2;
    double delta_ns = static_cast<double>(sent[i + 1].t.ns - t0);
    // Within one BIOS tick of the firmware's computed expiry, and about n seconds.
    EXPECT_NEAR(delta_ns, static_cast<double>(expected_ticks[i]) * kTickNs, 1.0 * kTickNs) << "DISCOVER " << i + 2;
    EXPECT_NEAR(delta_ns, expected_s[i] * 1e9, 0.15e9) << "DISCOVER " << i + 2;
  }
  EXPECT_NE(out.console_text.find("No configuration methods succeeded (http://ipxe.org/040ee119)"), std::string::npos)
      << out.console_text;
}

TEST(UndionlyDhcp, WithAResponderDhcpCompletesAndTheAddressIsShown) {
  BootRunSpec spec = ipxe_spec("undionly.kpxe", SimTime::from_s(25));
  spec.responder = BootRunSpec::Responder::kDhcp;
  spec.machine.rom.cached_ack.clear();  // no cached lease: the address can only come from the exchange
  BootRunOutcome out = run_boot(spec);
  std::vector<int> types;
  for (const auto& s : sent_dhcp(out.trace)) types.push_back(s.packet.message_type());
  ASSERT_GE(types.size(), 2u);
  EXPECT_EQ(types.front(), DHCPDISCOVER);
  EXPECT_NE(std::find(types.begin(), types.end(), DHCPREQUEST), types.end());
  EXPECT_NE(out.console_text.find("net0: 10.0.2.15/255.255.255.0 gw 10.0.2.2"), std::string::npos) << out.console_text;
  EXPECT_FALSE(out.trace.events_of("frame_rx").empty());
}

TEST(UndionlyShell, CtrlBThenSleep30ThenEchoDone) {
  BootRunSpec spec = ipxe_spec("undionly.kpxe", SimTime::from_s(60));
  std::string err;
  for (const char* k : {"Press Ctrl-B:<ctrl-b>", "iPXE>:sleep 30\\n", "iPXE>:echo done\\n"}) {
    auto t = parse_key_trigger(k, &err);
    ASSERT_TRUE(t) << err;
    spec.machine.keys.push_back(*t);
  }
  BootRunOutcome out = run_boot(spec);
  auto keys = out.trace.events_of("key");
  ASSERT_EQ(keys.size(), 3u);
  std::int64_t sleep_typed = keys[1]["t_ns"];
  // "done" printed by the firmware's echo, on a line of its own, at the time its last character appeared.
  facts::MachineFacts f = facts::merged_facts(out.trace.events());
  std::int64_t done_at = -1;
  for (size_t i = 0; i < f.console.lines().size(); ++i)
    if (f.console.lines()[i].text == "done") done_at = f.line_done_ns.at(i);
  ASSERT_GE(done_at, 0) << out.console_raw;
  EXPECT_GE(done_at - sleep_typed, 30LL * 1000000000);
  EXPECT_LT(done_at - sleep_typed, 32LL * 1000000000);
  EXPECT_NE(out.console_text.find("\ndone"), std::string::npos);
}

TEST(UndionlyCmdline, FileCmdlineScriptRunsBeforeAnyBanner) {
  BootRunSpec spec = ipxe_spec("undionly.kpxe", SimTime::from_s(5));
  spec.machine.rom.cmdline = "echo hello-from-cmdline";
  BootRunOutcome out = run_boot(spec);
  auto hello = out.console_raw.find("hello-from-cmdline");
  ASSERT_NE(hello, std::string::npos) << out.console_raw;
  auto prompt = out.console_raw.find("Press Ctrl-B");
  EXPECT_TRUE(prompt == std::string::npos || prompt > hello);
  // The script ends, iPXE exits and returns to the ROM.
  EXPECT_EQ(out.result.reason, StopReason::kNbpReturned);
  for (const auto& ev : out.trace.events_of("pxe_call"))
    if (ev["op"] == "FILE_CMDLINE") {
      EXPECT_EQ(ev["status"], 0);
    }
}

class OtherDebianImages : public ::testing::TestWithParam<const char*> {};

TEST_P(OtherDebianImages, ReachTheBanner) {
  BootRunOutcome out = run_boot(ipxe_spec(GetParam(), SimTime::from_s(4)));
  EXPECT_NE(out.console_text.find("iPXE 1.0.0+git-20190125.36a4c85-5.1"), std::string::npos) << out.console_text;
  EXPECT_NE(out.result.reason, StopReason::kGuestFault);
}
INSTANTIATE_TEST_SUITE_P(Debian, OtherDebianImages, ::testing::Values("undionly.kkpxe", "ipxe.pxe"));

TEST(Determinism, TwoRunsGiveByteIdenticalTraces) {
  BootRunSpec spec = ipxe_spec("undionly.kpxe", SimTime::from_s(6));
  spec.responder = BootRunSpec::Responder::kDhcp;
  std::string a = run_boot(spec).trace.to_jsonl();
  std::string b = run_boot(spec).trace.to_jsonl();
  EXPECT_GT(a.size(), 1000u);
  EXPECT_EQ(a, b);
  // And the seed matters: a different seed changes the time of day, hence iPXE's DHCP xid.
  spec.machine.seed = 42;
  std::string c = run_boot(spec).trace.to_jsonl();
  EXPECT_NE(a, c);
}

}  // namespace
}  // namespace bootsim::test
