// The guest programs reach the kinds the shipped scenarios never emit (fault; handoff to Linux, or with an
// unreadable info pointer; unsupported BIOS functions and I/O ports): each of their events must be of a
// declared kind with the declared fields and JSON types (sim/core/trace_kinds.h), like the scenarios' traces
// (tests/scenario/trace_vocabulary_test.cpp).
#include <gtest/gtest.h>

#include <map>

#include "guest_fault_ud2.bin.h"
#include "guest_fixture.h"
#include "guest_handoff_bad.bin.h"
#include "guest_handoff_linux.bin.h"
#include "guest_handoff_mb.bin.h"
#include "guest_pci.bin.h"
#include "guest_pxeapi.bin.h"
#include "guest_sysinfo.bin.h"
#include "guest_unsupported.bin.h"
#include "sim/core/trace_kinds.h"

namespace bootsim::testing {
namespace {

TEST(GuestTraceVocabulary, GuestRunsEmitOnlyDeclaredKindsWithDeclaredFields) {
  std::map<std::string, int> seen;
  for (const auto& image : {guest_image(guest_fault_ud2_bin), guest_image(guest_handoff_mb_bin),
                            guest_image(guest_handoff_linux_bin), guest_image(guest_handoff_bad_bin),
                            guest_image(guest_pci_bin), guest_image(guest_pxeapi_bin), guest_image(guest_sysinfo_bin),
                            guest_image(guest_unsupported_bin)}) {
    auto out = run_guest(image);
    ASSERT_FALSE(out.trace.events().empty());
    for (const auto& ev : out.trace.events()) {
      auto problems = trace_event_problems(ev);
      EXPECT_TRUE(problems.empty()) << problems.front() << "\n" << ev.dump();
      ++seen[ev.value("kind", std::string())];
    }
  }
  for (const char* k : {"fault", "handoff", "bios_call", "io", "pxe_call", "phase", "exit"})
    EXPECT_GT(seen[k], 0) << k << ": these guests no longer emit it; pick ones that do";
}

}  // namespace
}  // namespace bootsim::testing
