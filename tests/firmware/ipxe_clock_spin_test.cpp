// The real iPXE waiting on the clock with no NIC open: at the shell, `imgfetch tftp://…` before `dhcp`
// opens a UDP socket (no route yet, so every RRQ fails to send) and monojob_wait loops on currticks()
// alone, with no PXE call or BIOS service in between. On a PC the timer interrupt advances the tick
// counter in currticks()'s `sti; nop; nop; cli` window; on QEMU (SeaBIOS + iPXE e1000 ROM PXE-booting
// the same undionly.kpxe) the download ends in "Connection timed out" back at the prompt. bootsim used
// to stop this run at 0.06 s with a watchdog fault.
#include <gtest/gtest.h>

#include <filesystem>

#include "ipxe_test_util.h"
#include "real_scenario_util.h"

namespace bootsim {
namespace {

namespace fs = std::filesystem;

TEST(UndionlyClockSpin, ImgfetchOverTftpBeforeDhcpTimesOutBackToThePrompt) {
  // Given undionly.kpxe at the shell on the boot network, which serves undionly.kpxe over TFTP
  fs::path root = test::fresh_dir("clock_spin", "tftp");
  fs::copy_file(test::ipxe_path("undionly.kpxe"), root / "undionly.kpxe");
  BootRunSpec spec = test::ipxe_spec("undionly.kpxe", SimTime::from_s(30));
  spec.network = NetworkConfig{};
  spec.network->tftp_root = root.string();
  std::string err;
  for (const char* k : {"Press Ctrl-B:<ctrl-b>", "iPXE>:imgfetch tftp://10.0.2.2/undionly.kpxe\\n", "iPXE>:echo back\\n"}) {
    auto t = parse_key_trigger(k, &err);
    ASSERT_TRUE(t) << err;
    spec.machine.keys.push_back(*t);
  }
  // When the download is typed before any `dhcp` (net0 is not open)
  BootRunOutcome out = run_boot(spec);
  // Then, as on real firmware, it times out, the prompt comes back and takes the next command
  EXPECT_TRUE(out.trace.events_of("fault").empty()) << out.result.detail;
  EXPECT_EQ(out.result.reason, StopReason::kTimeLimit) << out.result.detail;
  EXPECT_NE(out.console_text.find("tftp://10.0.2.2/undionly.kpxe..."), std::string::npos) << out.console_text;
  std::int64_t typed = -1;
  for (const auto& k : out.trace.events_of("key"))
    if (k["keys"].get<std::string>().rfind("imgfetch", 0) == 0) typed = k["t_ns"];
  ASSERT_GE(typed, 0);
  std::int64_t timed_out = test::console_time(out.trace, "Connection timed out (http://ipxe.org/4c126035)");
  ASSERT_GE(timed_out, 0) << out.console_text;
  // iPXE's retry timer backs off from 1/4 s to its 10 s ceiling before giving up: about 16 s of clock.
  EXPECT_GT(timed_out - typed, 14LL * 1000000000);
  EXPECT_LT(timed_out - typed, 20LL * 1000000000);
  EXPECT_NE(out.console_text.find("\nback"), std::string::npos) << out.console_text;
  // Counted in the exit event: every tick of that wait came from the spinning rule.
  auto exits = out.trace.events_of("exit");
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_GT(exits[0]["timer_waits"].get<int>(), 100);
}

TEST(UndionlyClockSpin, AnOrdinaryBootNeverNeedsTheSpinningRule) {
  // Given the usual boot to "Configuring" and its DHCP timeout: every wait polls UNDI_ISR or halts
  BootRunOutcome out = run_boot(test::ipxe_spec("undionly.kpxe", SimTime::from_s(25)));
  auto exits = out.trace.events_of("exit");
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_NE(out.console_text.find("No configuration methods succeeded"), std::string::npos);
  // Then the clock only moved at host entries, as before the rule existed
  EXPECT_EQ(exits[0]["timer_waits"].get<int>(), 0);
}

}  // namespace
}  // namespace bootsim
