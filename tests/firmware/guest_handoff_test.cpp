// OS handoff: the two-`out` report the sentinel payloads make (firmware/payloads/), decoded by
// firmware/handoff.cpp, first from hand-made structures, then from the real payload files entered by
// minimal loaders (tests/guest/mbload.S, linload.S) the way iPXE's multiboot and bzImage loaders enter them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "firmware/memory_map.h"
#include "guest_fixture.h"
#include "guest_handoff_bad.bin.h"
#include "guest_handoff_linux.bin.h"
#include "guest_handoff_mb.bin.h"
#include "guest_linload.bin.h"
#include "guest_mbload.bin.h"

namespace bootsim::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TraceEvent the_handoff(const GuestOutcome& out) { return out.the_only("handoff", StopReason::kHandoff); }

std::string payload_path(const std::string& name) { return std::string(BOOTSIM_BINARY_DIR) + "/payloads/" + name; }

TEST(GuestHandoff, MultibootReportDecodesCmdlineAndModules) {
  auto out = run_guest(guest_image(guest_handoff_mb_bin));
  TraceEvent h = the_handoff(out);
  EXPECT_EQ(h.value("protocol", ""), "multiboot");
  EXPECT_EQ(h.value("cmdline", ""), "mboot.c32 console=ttyS0 quiet");
  ASSERT_TRUE(h.contains("modules"));
  ASSERT_EQ(h["modules"].size(), 2u);
  EXPECT_EQ(h["modules"][0].value("cmdline", ""), "initrd.img");
  EXPECT_EQ(h["modules"][0].value("size", 0), 0x400);
  EXPECT_EQ(h["modules"][1].value("cmdline", ""), "extra.bin arg=1");
  EXPECT_EQ(h["modules"][1].value("size", 0), 0x10);
  // The stop takes effect at the port write: nothing after it runs.
  EXPECT_THAT(out.console_text, Not(HasSubstr("still running")));
  EXPECT_EQ(out.result.detail, "mboot.c32 console=ttyS0 quiet");
}

TEST(GuestHandoff, LinuxReportDecodesTheSetupHeader) {
  auto out = run_guest(guest_image(guest_handoff_linux_bin));
  TraceEvent h = the_handoff(out);
  EXPECT_EQ(h.value("protocol", ""), "linux");
  EXPECT_EQ(h.value("cmdline", ""), "BOOT_IMAGE=vmlinuz root=/dev/nfs ip=dhcp");
  EXPECT_EQ(h.value("initrd_size", 0), 0x12345);
  EXPECT_THAT(out.console_text, Not(HasSubstr("still running")));
}

TEST(GuestHandoff, InfoPointerOutsideRamIsReportedNotFatal) {
  auto out = run_guest(guest_image(guest_handoff_bad_bin));
  TraceEvent h = the_handoff(out);
  EXPECT_EQ(h.value("protocol", ""), "multiboot");
  EXPECT_THAT(h.value("error", ""), HasSubstr("outside RAM"));
  EXPECT_TRUE(out.events("fault").empty());
}

TEST(GuestHandoff, MultibootSentinelPayloadIsLoadableAndReports) {
  // Given mboot.c32 at its load address, 1 MB, and a loader NBP that checks its header and enters it
  auto payload = read_file_bytes(payload_path("mboot.c32"));
  ASSERT_FALSE(payload.empty()) << "build the payloads first: " << payload_path("mboot.c32");
  GuestOptions opt;
  opt.setup = [&payload](Scheduler&, Machine&, Cpu& cpu) {
    cpu.write(layout::kExtendedBase, payload.data(), payload.size());
  };
  auto out = run_guest(guest_image(guest_mbload_bin), opt);

  // Then the loader found a valid a.out-kludge header (flags bit 16; sum 0; header_addr - load_addr equal
  // to the header's file offset) and the sentinel reported its Multiboot info from protected mode.
  EXPECT_THAT(out.console_text, HasSubstr("header at +0004 flags=00010003 sum=00000000 offsets=ok load=00100000"));
  EXPECT_THAT(out.console_text, HasSubstr(" bss=00001000"));
  TraceEvent h = the_handoff(out);
  EXPECT_EQ(h.value("protocol", ""), "multiboot");
  EXPECT_EQ(h.value("cmdline", ""), "mboot.c32 loaded-by=mbload");
  ASSERT_EQ(h["modules"].size(), 1u);
  EXPECT_EQ(h["modules"][0].value("cmdline", ""), "initrd.cpio");
  EXPECT_EQ(h["modules"][0].value("size", 0), 0x800);
}

TEST(GuestHandoff, MultibootSentinelRejectsAWrongBootMagic) {
  // The same load, but the loader's EAX is patched from 0x2BADB002 to 0x2BADB003: the sentinel must not
  // claim a Multiboot handoff.
  auto payload = read_file_bytes(payload_path("mboot.c32"));
  ASSERT_FALSE(payload.empty());
  auto image = guest_image(guest_mbload_bin);
  const std::uint8_t magic[] = {0xB8, 0x02, 0xB0, 0xAD, 0x2B};  // movl $0x2BADB002, %eax
  auto it = std::search(image.begin(), image.end(), std::begin(magic), std::end(magic));
  ASSERT_NE(it, image.end());
  it[1] = 0x03;
  GuestOptions opt;
  opt.setup = [&payload](Scheduler&, Machine&, Cpu& cpu) {
    cpu.write(layout::kExtendedBase, payload.data(), payload.size());
  };
  TraceEvent h = the_handoff(run_guest(image, opt));
  EXPECT_EQ(h.value("protocol", ""), "unknown");
  EXPECT_EQ(h.value("kind", ""), "handoff");
  EXPECT_EQ(h.value("handoff_kind", 0), 0x1BAD);
  EXPECT_EQ(h.value("arg", 0u), 0x2BADB003u);  // the sentinel reports the EAX it was entered with
}

TEST(GuestHandoff, LinuxSentinelPayloadIsLoadableAndReports) {
  // Given vmlinuz-sentinel at 1000:0000 and a loader NBP that enters its real-mode setup like iPXE does
  auto payload = read_file_bytes(payload_path("vmlinuz-sentinel"));
  ASSERT_FALSE(payload.empty()) << "build the payloads first: " << payload_path("vmlinuz-sentinel");
  GuestOptions opt;
  opt.setup = [&payload](Scheduler&, Machine&, Cpu& cpu) { cpu.write(0x10000, payload.data(), payload.size()); };
  auto out = run_guest(guest_image(guest_linload_bin), opt);

  EXPECT_THAT(out.console_text, HasSubstr("boot_flag=AA55 setup_sects=01 HdrS version=0206 loadflags=01 "
                                          "code32_start=00100000 cmdline_size=000007FF"));
  TraceEvent h = the_handoff(out);
  EXPECT_EQ(h.value("protocol", ""), "linux");
  EXPECT_EQ(h.value("cmdline", ""), "BOOT_IMAGE=vmlinuz-sentinel console=ttyS0");
  EXPECT_EQ(h.value("initrd_size", 0), 0x1234);
  // The protected-mode part follows the (setup_sects + 1) sectors of real-mode code, and syssize covers it.
  ASSERT_GE(payload.size(), 1024u);
  std::uint32_t syssize = payload[0x1F4] | payload[0x1F5] << 8 | payload[0x1F6] << 16 | payload[0x1F7] << 24;
  EXPECT_EQ(syssize * 16, payload.size() - 1024);
}

}  // namespace
}  // namespace bootsim::testing
