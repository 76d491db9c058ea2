// The PXE/UNDI API as a guest program drives it, through the !PXE (stack) and PXENV+ (BX, ES:DI) entries.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "firmware/cached_ack.h"
#include "guest_fixture.h"
#include "guest_pxeapi.bin.h"
#include "guest_undi_rx.bin.h"
#include "guest_undi_tx.bin.h"
#include "sim/core/frame_port.h"

namespace bootsim::testing {
namespace {

using ::testing::HasSubstr;

GuestOptions with_cached_ack() {
  GuestOptions opt;
  opt.machine.mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  opt.machine.rom.cached_ack = build_cached_ack(opt.machine.mac, CachedAckParams{});
  return opt;
}

TEST(GuestPxe, GetNicTypeThroughBothEntriesReportsThePciNic) {
  auto out = run_guest(guest_image(guest_pxeapi_bin), with_cached_ack());
  EXPECT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;
  EXPECT_THAT(out.console_text,
              HasSubstr("nictype/s ax=0000 st=0000 type=02 ven=8086 dev=100E class=02 bdf=0018"));
  EXPECT_THAT(out.console_text, HasSubstr("nictype/v ax=0000 cf=00 st=0000 ven=8086 dev=100E"));
}

TEST(GuestPxe, GetInformationReportsTheConfiguredMacAndPollingMode) {
  GuestOptions opt = with_cached_ack();
  opt.machine.mac = {0x02, 0xAB, 0xCD, 0xEF, 0x01, 0x23};
  auto out = run_guest(guest_image(guest_pxeapi_bin), opt);
  EXPECT_THAT(out.console_text,
              HasSubstr("info ax=0000 st=0000 int=0000 mtu=05DC hwlen=0006 cur=02ABCDEF0123 perm=02ABCDEF0123"));
}

TEST(GuestPxe, GetCachedInfoCopiesIntoTheCallersBuffer) {
  auto opt = with_cached_ack();
  const auto ack_size = opt.machine.rom.cached_ack.size();
  auto out = run_guest(guest_image(guest_pxeapi_bin), opt);
  char line[128];
  // Whole packet into 0000:1000: a BOOTREPLY whose chaddr is the MAC, with the DHCP magic cookie.
  std::snprintf(line, sizeof line,
                "cached ax=0000 st=0000 size=%04zX buf=1000 op=02 chaddr=525400123456 cookie=63825363", ack_size);
  EXPECT_THAT(out.console_text, HasSubstr(line));
  // A 16-byte buffer gets 16 bytes and nothing more.
  EXPECT_THAT(out.console_text, HasSubstr("cached16 ax=0000 size=0010 op=02 byte16=EE"));
  // BufferSize 0: a pointer to the ROM's own copy in the UNDI data segment.
  std::snprintf(line, sizeof line, "cached0 ax=0000 size=%04zX ptr=9100:0800 op=02", ack_size);
  EXPECT_THAT(out.console_text, HasSubstr(line));
  // No DHCPDISCOVER was configured: the ROM hands out the one it would have sent for that ACK (PXELINUX
  // reads all three packet types and gives up when one fails), in a buffer of its own.
  EXPECT_THAT(out.console_text, HasSubstr("cached1 ax=0000 st=0000"));
}

TEST(GuestPxe, GetCachedInfoFailsWhenTheRomHasNoAck) {
  auto out = run_guest(guest_image(guest_pxeapi_bin));
  EXPECT_THAT(out.console_text, HasSubstr("cached ax=0001 st=0001"));
}

TEST(GuestPxe, FileCmdlineIsUnsupportedUnlessConfigured) {
  auto plain = run_guest(guest_image(guest_pxeapi_bin), with_cached_ack());
  EXPECT_THAT(plain.console_text, HasSubstr("cmdline ax=0001 st=0003 size=0100 text=[]"));

  auto opt = with_cached_ack();
  opt.machine.rom.cmdline = "chain http://10.0.2.2/boot.ipxe";
  auto configured = run_guest(guest_image(guest_pxeapi_bin), opt);
  // BufferSize comes back as the string length including its NUL (31 + 1 = 0x20).
  EXPECT_THAT(configured.console_text,
              HasSubstr("cmdline ax=0000 st=0000 size=0020 text=[chain http://10.0.2.2/boot.ipxe]"));
}

TEST(GuestPxe, UnknownOpcodeFailsWithStatusUnsupportedInBothConventions) {
  auto out = run_guest(guest_image(guest_pxeapi_bin), with_cached_ack());
  EXPECT_THAT(out.console_text, HasSubstr("unknown/s ax=0001 st=0003 unknown/v ax=0001 cf=01 st=0003"));
  bool traced = false;
  for (const auto& e : out.events("pxe_call"))
    if (e.value("op", "") == "unknown" && e.value("opcode", 0) == 0x99) traced = true;
  EXPECT_TRUE(traced) << "unknown opcodes are recorded in the trace";
}

TEST(GuestPxe, CallsPreserveEverythingButAxAndFlags) {
  auto out = run_guest(guest_image(guest_pxeapi_bin), with_cached_ack());
  EXPECT_THAT(out.console_text, HasSubstr("regs=preserved"));
}

TEST(GuestPxe, UndiTransmitBuildsTheEthernetHeaderForIpAndArp) {
  GuestOptions opt;
  opt.machine.mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  auto out = run_guest(guest_image(guest_undi_tx_bin), opt);
  EXPECT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;
  EXPECT_THAT(out.console_text, HasSubstr("ip ax=0000 st=0000 arp ax=0000 st=0000 raw ax=0000 st=0000 "
                                          "gather ax=0000 st=0000 bad ax=0001 st=0069"));
  auto tx = out.events("frame_tx");
  ASSERT_EQ(tx.size(), 4u) << "protocol 7 must not reach the wire";
  const std::string ip_payload = "45000014abcd000040110000" "0a00020f0a000202";
  // 1: P_IP to DestAddr: dst, our MAC, 0800, payload, padded to the 60-byte minimum.
  EXPECT_EQ(tx[0].value("hex", ""), "020000000001" "525400123456" "0800" + ip_payload + std::string(2 * 26, '0'));
  EXPECT_EQ(tx[0].value("len", 0), 60);
  // 2: P_ARP broadcast.
  EXPECT_EQ(tx[1].value("hex", "").substr(0, 28), "ffffffffffff" "525400123456" "0806");
  EXPECT_EQ(tx[1].value("hex", "").substr(28, 16), "0001080006040001");
  // 3: P_UNKNOWN goes out exactly as given (its own header).
  EXPECT_EQ(tx[2].value("hex", "").substr(0, 28), "333300000002" "525400123456" "86dd");
  EXPECT_EQ(tx[2].value("len", 0), 14 + 58);
  // 4: immediate data then the seg:off data block ("GATHERED").
  EXPECT_EQ(tx[3].value("hex", "").substr(28, 24), "45000014" "4741544845524544");
}

TEST(GuestPxe, UndiIsrHandsOutADeliveredFrame) {
  // Given a broadcast ARP frame arriving on the wire 20 ms into the run, after the guest opened the NIC
  std::vector<std::uint8_t> frame = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
                                     0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02};
  frame.resize(60, 0xA5);
  GuestOptions opt;
  opt.setup = [&frame](Scheduler& sched, Machine& m, Cpu&) {
    sched.schedule_at(SimTime::from_ms(20), "test.rx", [&m, &frame] { m.nic().deliver(Frame{SimTime{}, frame}); });
  };
  auto out = run_guest(guest_image(guest_undi_rx_bin), opt);

  // Then IN_PROCESS polls until OUT_RECEIVE with the whole frame (header included) and the ARP/broadcast
  // classification, and IN_GET_NEXT ends the round with OUT_DONE.
  EXPECT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;
  EXPECT_THAT(out.console_text, HasSubstr("open ax=0000"));
  EXPECT_THAT(out.console_text,
              HasSubstr("rx func=0003 buflen=003C framelen=003C hdrlen=000E prot=02 pkt=01"));
  EXPECT_THAT(out.console_text, HasSubstr("data=FFFFFFFFFFFF0200000000020806000108000604"));
  EXPECT_THAT(out.console_text, HasSubstr("next ax=0000 func=0000"));
  ASSERT_EQ(out.events("frame_rx").size(), 1u);
  EXPECT_GE(out.events("frame_rx")[0].value("t_ns", std::int64_t{0}), SimTime::from_ms(20).ns);
}

}  // namespace
}  // namespace bootsim::testing
