// Hardware interrupts on the emulated PC (firmware/pic.h, sim/machine/interrupts.h): the BIOS timer's IRQ0
// through the IVT to INT 08h and the INT 1Ch chain, and the NIC's IRQ waking a guest that only waits for
// it, with PXENV_UNDI_ISR START/PROCESS/GET_NEXT as PXE 2.1 describes them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "guest_fixture.h"
#include "guest_irq_timer.bin.h"
#include "guest_irq_wait.bin.h"
#include "sim/core/frame_port.h"

namespace bootsim::testing {
namespace {

using ::testing::HasSubstr;

TEST(GuestIrq, TimerTicksReachAnInt1cHookThroughInt08AndAreEoied) {
  auto out = run_guest(guest_image(guest_irq_timer_bin));
  EXPECT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;
  // Every HLT sleeps until the next tick, whose IRQ0 wakes it: 20 ticks, 20 calls of the 1Ch hook.
  EXPECT_THAT(out.console_text, HasSubstr("ticks=00000014 int1c=0014 isr=00"));
}

std::vector<std::uint8_t> arp_broadcast() {
  std::vector<std::uint8_t> frame = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x06};
  frame.resize(60, 0xA5);
  return frame;
}

GuestOptions with_frame_at(SimTime t, const std::vector<std::uint8_t>& frame) {
  GuestOptions opt;
  opt.setup = [t, frame](Scheduler& sched, Machine& m, Cpu&) {
    sched.schedule_at(t, "test.rx", [&m, frame] { m.nic().deliver(Frame{SimTime{}, frame}); });
  };
  return opt;
}

TEST(GuestIrq, NicInterruptWakesAGuestThatOnlyWaitsForIt) {
  auto frame = arp_broadcast();
  GuestOptions opt = with_frame_at(SimTime::from_ms(300), frame);
  opt.machine.nic_profile.irq = 11;
  auto out = run_guest(guest_image(guest_irq_wait_bin), opt);
  EXPECT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;
  // The ROM reports IRQ 11 and SUPPORTED_IRQ (1000h) on top of its other service flags.
  EXPECT_THAT(out.console_text, HasSubstr("irq=000B flags=0000181B"));
  // One interrupt, START said "ours" once: the NIC kept its line quiet until PROCESS/GET_NEXT finished.
  EXPECT_THAT(out.console_text, HasSubstr("triggered=01"));
  EXPECT_THAT(out.console_text, HasSubstr("rx func=0003 framelen=003C data=FFFFFFFFFFFF0200000000020806"));
  EXPECT_THAT(out.console_text, HasSubstr("next func=0000"));
  ASSERT_EQ(out.events("frame_rx").size(), 1u);
  EXPECT_GE(out.events("frame_rx")[0].value("t_ns", std::int64_t{0}), SimTime::from_ms(300).ns);
}

TEST(GuestIrq, WithoutAnIrqTheRomReportsNoneAndNoInterruptSupport) {
  auto out = run_guest(guest_image(guest_irq_wait_bin), with_frame_at(SimTime::from_ms(300), arp_broadcast()));
  EXPECT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;
  EXPECT_THAT(out.console_text, HasSubstr("irq=0000 flags=0000081B"));
  EXPECT_THAT(out.console_text, HasSubstr("no irq"));
}

}  // namespace
}  // namespace bootsim::testing
