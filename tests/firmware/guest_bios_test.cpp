// BIOS services as a guest program sees them: each test boots one tiny program from tests/guest/ as the
// NBP and asserts on what it printed through INT 10h (and on the run's stop reason).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim/scenario/nic_profiles.h"
#include "guest_cpuid.bin.h"
#include "guest_fixture.h"
#include "guest_int18.bin.h"
#include "guest_keyboard.bin.h"
#include "guest_pci.bin.h"
#include "guest_pxeinst.bin.h"
#include "guest_sysinfo.bin.h"
#include "guest_timer.bin.h"
#include "guest_video.bin.h"
#include "guest_video_placed.bin.h"
#include "nicmodels/link_profile.h"
#include "sim/machine/keyboard.h"

namespace bootsim::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(GuestBios, Int10TeletypeHandlesBackspaceCrLfAndReportsCursorAttributeMode) {
  // Given a program that writes "AB\bC\r\nX" and then asks for cursor, attribute and mode
  auto out = run_guest(guest_image(guest_video_bin));

  // Then the console holds the raw bytes, the rendered text applies BS and CR, and the BIOS's cursor
  // followed the same bytes: row 1, column 1 after "X".
  EXPECT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;
  EXPECT_THAT(out.console_raw, HasSubstr("AB\bC\r\nX"));
  EXPECT_THAT(out.console_text, HasSubstr("AC\nX\n"));
  EXPECT_THAT(out.console_text, HasSubstr("cursor=0101 attr=0720 mode=5003 page=00"));
  EXPECT_THAT(out.console_text, HasSubstr("\n92345"));  // CR returns to column 0 and overwrites
}

TEST(GuestBios, Int10PlacedWritesScrollAndVideoMemoryFormOneScreenThatReachesTheConsole) {
  // Given a program that clears the screen, writes with 09h/0Ah/13h at moved cursors, reads back with 08h
  // and from B8000h, stores into B8000h directly, then prints its findings by teletype and scrolls
  auto out = run_guest(guest_image(guest_video_placed_bin));
  ASSERT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;

  // Then 08h and video memory both see the placed '+' and '*' with their attribute 1Eh, 13h moved the
  // cursor after "menu", a window scrolled down moved the row in video memory, and the console shows each
  // placed row (and the stored "DIR") as a line of its own, in screen order, before the teletype text.
  EXPECT_EQ(out.console_text,
            "          +**\nmenu\nDIR\nrd08=1E2B cur13=0404 b800=1E2A\nscrolled=1E2B\n");
}

TEST(GuestBios, Int11And12ReportEquipmentAndBaseMemory) {
  auto out = run_guest(guest_image(guest_sysinfo_bin));
  // FBMS is 560 KB (0x230): the PXE base code starts at 8C00:0000.
  EXPECT_THAT(out.console_text, HasSubstr("equip=0020 basemem=0230"));
}

TEST(GuestBios, E820MapIsCompleteAndAgreesWithE801And88h) {
  for (std::uint32_t mb : {16u, 64u, 128u}) {
    SCOPED_TRACE("RAM " + std::to_string(mb) + " MB");
    GuestOptions opt;
    opt.machine.ram_bytes = mb << 20;
    auto out = run_guest(guest_image(guest_sysinfo_bin), opt);
    EXPECT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;
    char ext[96];
    std::snprintf(ext, sizeof ext, "E820 0000000000100000 %016X type=00000001 attrs=00000001 ecx=00000018",
                  (mb << 20) - 0x100000);
    EXPECT_THAT(out.console_text,
                HasSubstr("E820 0000000000000000 000000000009FC00 type=00000001 attrs=00000001 ecx=00000018"));
    EXPECT_THAT(out.console_text,
                HasSubstr("E820 000000000009FC00 0000000000000400 type=00000002 attrs=00000001"));
    EXPECT_THAT(out.console_text, HasSubstr(ext));
    EXPECT_THAT(out.console_text, HasSubstr("entries=0004"));
    // A 20-byte request is answered with 20 bytes: the attrs dword is not written.
    EXPECT_THAT(out.console_text, HasSubstr("short ecx=00000014 after=AAAAAAAA"));
    // The guest itself cross-checks E801 (KB below 16 MB + 64 KB blocks) and 88h (capped) with E820.
    EXPECT_THAT(out.console_text, HasSubstr("E801 consistent"));
    EXPECT_THAT(out.console_text, HasSubstr("88h consistent"));
  }
}

TEST(GuestBios, A20ServicesSucceedAndMemoryDoesNotWrap) {
  auto out = run_guest(guest_image(guest_sysinfo_bin));
  EXPECT_THAT(out.console_text, HasSubstr("2401 ah=00 cf=00 2402 al=01 a20=on"));
}

TEST(GuestBios, Int16SeesAnInjectedKeyWithoutConsumingItAndReadsIt) {
  // Given a key 'x' injected when the guest prints "READY>", and 'q' due at 1 s of virtual time
  GuestOptions opt;
  std::string err;
  auto t1 = parse_key_trigger("READY>:x", &err);
  auto t2 = parse_key_trigger("1s:q", &err);
  ASSERT_TRUE(t1 && t2) << err;
  opt.machine.keys = {*t1, *t2};
  auto out = run_guest(guest_image(guest_keyboard_bin), opt);

  EXPECT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;
  // Before any key: AH=11h answers ZF=1.
  EXPECT_THAT(out.console_text, HasSubstr("empty:zf=1"));
  // 11h peeks (ZF=0, AX = scancode 2Dh | 'x'), 10h reads the same key, then the queue is empty again.
  EXPECT_THAT(out.console_text, HasSubstr("READY>peek=2D78 read=2D78 then:zf=1"));
  // A blocking 10h read waits for 'q' (scancode 10h) in virtual time: ~1 s = 18 BIOS ticks.
  EXPECT_THAT(out.console_text, HasSubstr("blocking read=1071 ticks waited=0012"));
}

TEST(GuestBios, Int16ReadWithNoKeyEverBlocksUntilTheTimeLimit) {
  GuestOptions opt;
  opt.until = SimTime::from_ms(500);
  auto out = run_guest(guest_image(guest_keyboard_bin), opt);
  EXPECT_EQ(out.result.reason, StopReason::kTimeLimit);
  EXPECT_THAT(out.console_text, HasSubstr("READY>peek:zf=1"));
  EXPECT_THAT(out.console_text, Not(HasSubstr("read=")));
}

TEST(GuestBios, Int1ATickCountIsTheBdaCounterAndAdvancesWithVirtualTime) {
  GuestOptions opt;
  opt.machine.host_entry_cost = SimTime::from_us(50);
  opt.machine.idle.skip = false;
  auto out = run_guest(guest_image(guest_timer_bin), opt);
  EXPECT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;
  // Ten HLTs with IF=1 each jump to the next tick boundary: exactly ten ticks.
  // Busy INT 1Ah calls cost 50 us each: a 54.925 ms tick starting on its boundary changes on call
  // ceil(54925.4 / 50) - 1 = 1098 (0x44A) of the loop (the first 50 us went to the call that read it).
  EXPECT_THAT(out.console_text, HasSubstr("bda=match hlt10 delta=0000000A busy calls=044A"));
  // With idle skipping the busy loop is a wait on the clock: the read after the HLTs sees a new tick, after
  // two more reads in that tick the clock jumps to just before the entry that sees the next tick (the third
  // call of the loop), which comes at the same virtual time as above.
  GuestOptions skip = opt;
  skip.machine.idle.skip = true;
  auto fast = run_guest(guest_image(guest_timer_bin), skip);
  EXPECT_THAT(fast.console_text, HasSubstr("bda=match hlt10 delta=0000000A busy calls=0003"));
  EXPECT_EQ(fast.result.end_time, out.result.end_time);
}

TEST(GuestBios, Int1AB1PciBiosReadsTheNicConfigSpaceOfEachProfile) {
  for (const char* name : {"generic", "broadcom-like"}) {
    SCOPED_TRACE(name);
    const ProfileEntry* profile = scenario::builtin_profiles().find(name);
    ASSERT_TRUE(profile);
    GuestOptions opt;
    opt.machine.nic_profile = profile->profile;
    auto out = run_guest(guest_image(guest_pci_bin), opt);
    EXPECT_THAT(out.console_text, HasSubstr("B101 ah=00 al=01 edx=20494350 bx=0210 cf=00"));
    char ids[96];
    std::snprintf(ids, sizeof ids, "vendor=%04X device=%04X subvendor=%04X subdevice=%04X", profile->profile.pci_vendor,
                  profile->profile.pci_device, profile->profile.pci_subvendor, profile->profile.pci_subdevice);
    EXPECT_THAT(out.console_text, HasSubstr(ids));
    EXPECT_THAT(out.console_text, HasSubstr("empty slot=FFFF"));
    EXPECT_THAT(out.console_text, HasSubstr("B102 ah=00 bx=0018 cf=00"));
  }
}

TEST(GuestBios, Int1A5650FindsAValidPxenvAnd564EIsRefused) {
  auto out = run_guest(guest_image(guest_pxeinst_bin));
  EXPECT_THAT(out.console_text, HasSubstr("ax=564E cf=00 es=9100 bx=0000 same-as-entry"));
  EXPECT_THAT(out.console_text, HasSubstr("sig=PXENV+ len=2C version=0201 sum=00"));
  EXPECT_THAT(out.console_text, HasSubstr("564E cf=01"));
}

TEST(GuestBios, Int18EndsTheRunAsBootFailed) {
  auto out = run_guest(guest_image(guest_int18_bin));
  EXPECT_EQ(out.result.reason, StopReason::kBootFailed);
  EXPECT_THAT(out.console_text, HasSubstr("before"));
  EXPECT_THAT(out.console_text, Not(HasSubstr("after")));
  EXPECT_EQ(run_bootsim_exe("run -q --until 1s --nbp " + guest_bin_path("int18")), 0);
}

TEST(GuestCpu, CpuidReportsVendorAndNoInvariantTsc) {
  auto out = run_guest(guest_image(guest_cpuid_bin));
  EXPECT_THAT(out.console_text, HasSubstr("vendor=GenuineIntel"));
  EXPECT_THAT(out.console_text, HasSubstr("maxext=80000007 80000007.edx=00000000 invariant-tsc=no"));
}

}  // namespace
}  // namespace bootsim::testing
