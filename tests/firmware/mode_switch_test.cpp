// Switches between real and protected mode, with paging off and on, run as the instructions mean with
// the engine's TLB kept on PE-only switches (sim/cpu/unicorn_cr0.h) and with the library's own CR0
// write, which flushes at each: same console, same trace. The guest program (tests/guest/mode_switch.S)
// runs one routine whose bytes decode differently as 16- and 32-bit code in both modes in turn, and
// turns paging on and off, which must still flush.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "guest_fixture.h"
#include "guest_mode_switch.bin.h"
#include "sim/cpu/unicorn_cr0.h"

namespace bootsim::testing {
namespace {

using ::testing::HasSubstr;

struct Cr0Run {
  GuestOutcome outcome;
  bool lean = false;
  std::uint64_t kept = 0;  ///< CR0 writes that kept the TLB during the run
};

Cr0Run run_with_cr0(const char* setting) {
  CountedRun run = run_guest_with_env("BOOTSIM_UNICORN_CR0", setting, guest_image(guest_mode_switch_bin),
                                      {unicorn_cr0_flushes_kept});
  return {std::move(run.outcome), unicorn_cr0_lean(), run.grew.at(0)};
}

TEST(ModeSwitch, RunsAsWrittenWithTheTlbKeptAndWithTheLibrarysFlush) {
  // Given the program run with bootsim's CR0 write, and with the library's own. (One run first: an
  // engine's reset writes CR0 before its layout check, so the first engine of a process counts one
  // switch less; the run before makes the count the same whatever else this process ran.)
  run_with_cr0(nullptr);
  Cr0Run lean = run_with_cr0(nullptr);
  Cr0Run library = run_with_cr0("library");
  ASSERT_EQ(lean.outcome.result.reason, StopReason::kNbpReturned) << lean.outcome.result.detail;
  ASSERT_EQ(library.outcome.result.reason, StopReason::kNbpReturned) << library.outcome.result.detail;

  // Then the lean run kept the TLB on exactly the PE-only switches (the program's, A: into and out of
  // protected mode 20 times, B: once; and the machine's own two, the engine's reset into 32-bit protected
  // mode and the switch to real mode before the program starts), not on B's 20 paging switches, and the
  // library's run flushed at every one
  EXPECT_TRUE(lean.lean) << "libunicorn's CR0 writes did not bind to bootsim's cpu_x86_update_cr0_x86_64";
  EXPECT_FALSE(library.lean);
  EXPECT_EQ(lean.kept, 20u * 2 + 2 + 2);
  EXPECT_EQ(library.kept, 0u);

  // And every mode ran the routine as its own code: 20 x 2 in real mode, 20 x 0x90400001 in 32-bit
  // protected mode; linear 0x20000 read the word at physical 0x20000 in every mode (Unicorn 2.0.1 maps
  // linear to physical 1:1 even with paging on: mode_switch.S)
  const std::string& console = lean.outcome.console_text;
  EXPECT_THAT(console, HasSubstr("A rm=0028 pm=45000014 rm_data=55555554 pm_data=55555554"));
  EXPECT_THAT(console, HasSubstr("B paged=AAAAAAAA flat=AAAAAAAA"));

  // And the library's flushing path printed and traced the same, byte for byte
  EXPECT_EQ(library.outcome.console_text, console);
  EXPECT_EQ(library.outcome.trace.to_jsonl(), lean.outcome.trace.to_jsonl());
}

}  // namespace
}  // namespace bootsim::testing
