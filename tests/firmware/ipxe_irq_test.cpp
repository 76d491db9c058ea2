// Debian's undionly.kpxe in interrupt mode: with a ROM that reports IRQ 11 and SUPPORTED_IRQ, iPXE hooks the
// IRQ, unmasks it on the 8259 and waits for the NIC's interrupt (its undinet_poll calls PXENV_UNDI_ISR only
// after its handler ran). It must see the same network and print the same console as in polling mode.
#include <gtest/gtest.h>

#include "firmware/bios.h"
#include "ipxe_test_util.h"

namespace bootsim::test {
namespace {

BootRunOutcome run_dhcp(std::uint8_t irq) {
  BootRunSpec spec = ipxe_spec("undionly.kpxe", SimTime::from_s(25));
  spec.responder = BootRunSpec::Responder::kDhcp;
  spec.machine.rom.cached_ack.clear();  // the address can only come from the exchange
  spec.machine.nic_profile.irq = irq;
  return run_boot(spec);
}

TEST(UndionlyIrq, InterruptModeGivesTheSameConsoleAndDhcpScheduleAsPolling) {
  BootRunOutcome polling = run_dhcp(0);
  BootRunOutcome irq = run_dhcp(11);

  // Interrupt mode really was used: the NIC's IRQ reached iPXE's handler, START said "ours".
  EXPECT_TRUE(polling.trace.events_of("irq").empty());
  auto taken = irq.trace.events_of("irq");
  ASSERT_FALSE(taken.empty());
  EXPECT_EQ(taken[0]["irq"].get<int>(), 11);
  EXPECT_EQ(taken[0]["vector"].get<std::string>(), "73h");
  EXPECT_EQ(irq.trace.events_of("frame_rx").size(), polling.trace.events_of("frame_rx").size());

  EXPECT_NE(irq.console_text.find("net0: 10.0.2.15/255.255.255.0 gw 10.0.2.2"), std::string::npos) << irq.console_text;
  EXPECT_EQ(irq.console_text, polling.console_text);

  // The same DHCP messages, each sent in the same BIOS tick.
  auto a = sent_dhcp(polling.trace), b = sent_dhcp(irq.trace);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_GE(a.size(), 2u);
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].packet.message_type(), b[i].packet.message_type()) << "message " << i;
    EXPECT_EQ(a[i].packet.xid, b[i].packet.xid) << "message " << i;
    EXPECT_EQ(Bios::ticks_at(a[i].t), Bios::ticks_at(b[i].t)) << "message " << i;
  }
}

}  // namespace
}  // namespace bootsim::test
