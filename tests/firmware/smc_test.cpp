// Self-modifying code runs as the instructions mean, with Unicorn's store path as bootsim sets it up
// (sim/cpu/unicorn_store_path.h) and as the library has it on its own: same console, same trace. The
// guest program (tests/guest/smc.S) patches code from another block, the next instruction of its own
// block, code on a page whose data it wrote 2000 times, a routine written as data where no code had been,
// and the last byte of a block.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "guest_fixture.h"
#include "guest_smc.bin.h"
#include "sim/cpu/unicorn_store_path.h"

namespace bootsim::testing {
namespace {

using ::testing::HasSubstr;

struct StoresRun {
  GuestOutcome outcome;
  bool lean = false;
  std::uint64_t fast_entries = 0;  ///< TLB entries given the fast store path during the run
  std::uint64_t skipped_checks = 0;  ///< slow-path stores the library was not asked about
};

StoresRun run_with_stores(const char* setting) {
  CountedRun run = run_guest_with_env("BOOTSIM_UNICORN_STORES", setting, guest_image(guest_smc_bin),
                                      {unicorn_stores_fast_entries, unicorn_stores_skipped_checks});
  return {std::move(run.outcome), unicorn_stores_lean(), run.grew.at(0), run.grew.at(1)};
}

TEST(SelfModifyingCode, RunsAsWrittenWithTheLeanStorePathAndTheLibrarysOwn) {
  // Given the program run with bootsim's store path, and with the library's own
  StoresRun lean = run_with_stores(nullptr);
  StoresRun library = run_with_stores("library");
  ASSERT_EQ(lean.outcome.result.reason, StopReason::kNbpReturned) << lean.outcome.result.detail;
  ASSERT_EQ(library.outcome.result.reason, StopReason::kNbpReturned) << library.outcome.result.detail;

  // Then the two runs did take different paths through the engine: only the lean one gave pages without
  // code the fast store path, and answered stores next to code (C's 2000 data writes) itself
  EXPECT_TRUE(lean.lean) << "libunicorn's calls did not bind to bootsim's store-path functions";
  EXPECT_FALSE(library.lean);
  EXPECT_GT(lean.fast_entries, 0u);
  EXPECT_EQ(library.fast_entries, 0u);
  // (The bytes that ever held code are noted for the whole process, so how many of C's stores find their
  // byte unmarked depends on what other guest programs this process ran at those addresses before: alone,
  // all 2000 do.)
  EXPECT_GT(lean.skipped_checks, 0u);
  EXPECT_EQ(library.skipped_checks, 0u);

  // And every patch took effect at once: A ran 10..14, B the patched 66, C the patched 77, D the
  // patched 42, E the patched jump
  const std::string& console = lean.outcome.console_text;
  EXPECT_THAT(console, HasSubstr("A sum=005A"));
  EXPECT_THAT(console, HasSubstr("B al=66"));
  EXPECT_THAT(console, HasSubstr("C n=07D0 before=01 after=77"));
  EXPECT_THAT(console, HasSubstr("D before=21 after=42"));
  EXPECT_THAT(console, HasSubstr("E before=01 after=02"));

  // And the library's own path printed and traced the same, byte for byte
  EXPECT_EQ(library.outcome.console_text, console);
  EXPECT_EQ(library.outcome.trace.to_jsonl(), lean.outcome.trace.to_jsonl());
}

}  // namespace
}  // namespace bootsim::testing
