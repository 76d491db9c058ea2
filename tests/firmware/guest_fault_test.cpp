// Guest faults: each kind stops only its machine, leaves a `fault` trace event naming the kind, the CPU
// mode and CS:EIP, and makes `bootsim run` exit with code 3. The host never crashes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "guest_fault_badptr.bin.h"
#include "guest_fault_beyond_ram.bin.h"
#include "guest_fault_hlt.bin.h"
#include "guest_fault_loop.bin.h"
#include "guest_fault_pm_gp.bin.h"
#include "guest_fault_ud2.bin.h"
#include "guest_fault_paging.bin.h"
#include "guest_fault_unmapped.bin.h"
#include "guest_fixture.h"
#include "sim/core/errors.h"

namespace bootsim::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

/// The single fault event of a run that must have faulted.
TraceEvent the_fault(const GuestOutcome& out) { return out.the_only("fault", StopReason::kGuestFault); }

struct FaultCase {
  const char* program;
  std::vector<std::uint8_t> image;
  const char* kind;
  const char* mode;
  const char* pc_prefix;  ///< "mode CS:EIP" of the faulting instruction
};

class GuestFaultTest : public ::testing::TestWithParam<int> {};

std::vector<FaultCase> fault_cases() {
  return {
      // The program puts the culprit at 0000:7E00 (linear 0x7E00) with `.org 0x200`.
      {"fault_ud2", guest_image(guest_fault_ud2_bin), "invalid_opcode", "real", "real 0000:00007e00"},
      {"fault_pm_gp", guest_image(guest_fault_pm_gp_bin), "cpu_exception", "protected", "protected 0008:00007e00"},
      // HLT at 7E01; the CPU saves EIP past it.
      {"fault_hlt", guest_image(guest_fault_hlt_bin), "halted", "real", "real 0000:00007e02"},
      // The PXE call faults inside the ROM entry stub, 9000:0020 (the !PXE entry).
      {"fault_badptr", guest_image(guest_fault_badptr_bin), "bad_pointer", "real", "real 9000:00000020"},
  };
}

TEST_P(GuestFaultTest, StopsTheMachineWithATracedFault) {
  const FaultCase c = fault_cases()[GetParam()];
  SCOPED_TRACE(c.program);
  auto out = run_guest(c.image);
  TraceEvent f = the_fault(out);
  EXPECT_EQ(f.value("fault", ""), c.kind);
  EXPECT_EQ(f.value("mode", ""), c.mode);
  EXPECT_THAT(f.value("pc", ""), StartsWith(c.pc_prefix));
  EXPECT_THAT(out.result.detail, StartsWith(std::string(c.kind) + ":"));
  // The exit event is still written after the fault.
  ASSERT_FALSE(out.events("exit").empty());
  EXPECT_EQ(out.events("exit").back().value("reason", ""), "guest_fault");
  // And the CLI turns it into exit code 3.
  EXPECT_EQ(run_bootsim_exe("run -q --until 2s --nbp " + guest_bin_path(c.program)), kExitGuestFault);
}

INSTANTIATE_TEST_SUITE_P(Kinds, GuestFaultTest, ::testing::Range(0, 4), [](const auto& info) {
  return std::string(fault_cases()[info.param].kind);
});

TEST(GuestFault, UnmappedReadInFlatProtectedModeNamesTheAddress) {
  auto out = run_guest(guest_image(guest_fault_unmapped_bin));
  TraceEvent f = the_fault(out);
  EXPECT_EQ(f.value("fault", ""), "unmapped_access");
  EXPECT_EQ(f.value("mode", ""), "protected");
  EXPECT_THAT(f.value("message", ""), HasSubstr("at 0xfffffff0"));
  // Unicorn 2.0.1 leaves EIP at the start of the translation block after a memory fault, so the pc is at
  // or before the culprit (0008:00007E00), inside the program, never past it.
  std::string pc = f.value("pc", "");
  ASSERT_THAT(pc, StartsWith("protected 0008:0000"));
  unsigned eip = std::stoul(pc.substr(std::string("protected 0008:").size(), 8), nullptr, 16);
  EXPECT_GE(eip, 0x7C00u);
  EXPECT_LE(eip, 0x7E00u);
  EXPECT_EQ(run_bootsim_exe("run -q --until 2s --nbp " + guest_bin_path("fault_unmapped")), kExitGuestFault);
}

TEST(GuestFault, AReadThroughPageTablesSaysThatUnicornDoesNotTranslate) {
  // Given a program that maps linear 0xC0000000 to RAM at 1 MiB, turns paging on and reads there
  auto out = run_guest(guest_image(guest_fault_paging_bin));

  // Then the engine read linear 0xC0000000 as a physical address (Unicorn 2.0.1), found no RAM there,
  // and the fault says that paging was on and what that means
  TraceEvent f = the_fault(out);
  EXPECT_EQ(f.value("fault", ""), "unmapped_access");
  EXPECT_THAT(f.value("message", ""), HasSubstr("at 0xc0000000"));
  EXPECT_THAT(f.value("message", ""), HasSubstr("paging was on"));
  EXPECT_THAT(out.result.detail, HasSubstr("paging was on"));

  // And a fault with paging off says nothing of it
  EXPECT_THAT(the_fault(run_guest(guest_image(guest_fault_unmapped_bin))).value("message", ""),
              Not(HasSubstr("paging")));
}

TEST(GuestFault, ReadPastTheEndOfRamIsUnmappedOnlyWhenRamEndsThere) {
  GuestOptions small;
  small.machine.ram_bytes = 64u << 20;
  TraceEvent f = the_fault(run_guest(guest_image(guest_fault_beyond_ram_bin), small));
  EXPECT_EQ(f.value("fault", ""), "unmapped_access");
  EXPECT_THAT(f.value("message", ""), HasSubstr("at 0x4000000"));

  GuestOptions big;
  big.machine.ram_bytes = 128u << 20;
  EXPECT_EQ(the_fault(run_guest(guest_image(guest_fault_beyond_ram_bin), big)).value("fault", ""), "halted");
}

TEST(GuestFault, TightLoopIsCaughtByTheWatchdog) {
  GuestOptions opt;
  opt.machine.watchdog_blocks = 20000;
  opt.until = SimTime::from_s(60);
  auto out = run_guest(guest_image(guest_fault_loop_bin), opt);
  TraceEvent f = the_fault(out);
  EXPECT_EQ(f.value("fault", ""), "watchdog");
  EXPECT_EQ(f.value("mode", ""), "real");
  EXPECT_THAT(f.value("pc", ""), StartsWith("real 0000:00007e00"));
  EXPECT_THAT(out.console_text, HasSubstr("spin"));
  // No host entry means no virtual time passed while it spun.
  EXPECT_LT(out.result.end_time, SimTime::from_ms(10));
}

}  // namespace
}  // namespace bootsim::testing
