// Minimal-machine fixture for the tiny guest programs in tests/guest/ (STYLE.md §14b).
//
// run_guest() builds one Machine (CPU, BIOS, PXE ROM, NIC with no wire) with a guest program as its NBP,
// lets the test schedule things on the clock or poke guest RAM before it starts, runs it to a stop and
// hands back the result, the trace and the console. No iPXE, no network: each run takes milliseconds.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "firmware/host.h"
#include "sim/cpu/cpu.h"
#include "sim/machine/machine.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

namespace bootsim::testing {

struct GuestOutcome {
  RunResult result;
  Trace trace;
  std::string console_raw;   ///< every byte written through INT 10h AH=0Eh
  std::string console_text;  ///< rendered (backspace and CR applied)
  Machine::Stats stats;      ///< the machine's counters at the end

  /// All trace events of `kind`, in order.
  std::vector<TraceEvent> events(const std::string& kind) const { return trace.events_of(kind); }

  /// The single event of `kind` in a run that must have ended for `reason` (an empty object otherwise).
  TraceEvent the_only(const std::string& kind, StopReason reason) const {
    EXPECT_EQ(result.reason, reason) << result.detail;
    auto found = events(kind);
    EXPECT_EQ(found.size(), 1u);
    return found.empty() ? TraceEvent::object() : found[0];
  }
};

struct GuestOptions {
  MachineConfig machine;
  SimTime until = SimTime::from_s(5);
  /// Runs after the machine is built and before the guest starts: schedule frame deliveries, load
  /// payloads into RAM. `cpu` is the machine's guest memory.
  std::function<void(Scheduler&, Machine&, Cpu& cpu)> setup;
};

template <size_t N>
std::vector<std::uint8_t> guest_image(const unsigned char (&bin)[N]) {
  return std::vector<std::uint8_t>(bin, bin + N);
}

inline GuestOutcome run_guest(std::vector<std::uint8_t> image, GuestOptions opt = {}) {
  GuestOutcome out;
  Scheduler sched;
  opt.machine.nbp = std::move(image);
  if (opt.machine.nbp_path.empty()) opt.machine.nbp_path = "guest";
  Machine machine(sched, out.trace, opt.machine);
  // The Machine is a FirmwareHost; its guest memory is reachable through that interface.
  Cpu& cpu = static_cast<FirmwareHost&>(machine).cpu();
  if (opt.setup) opt.setup(sched, machine, cpu);
  out.result = machine.run(opt.until);
  out.console_raw = machine.console().raw();
  out.console_text = machine.console().screen_text();
  out.stats = machine.stats();
  return out;
}

/// A guest run under an engine setting, and how much each of some process-wide counters grew meanwhile.
struct CountedRun {
  GuestOutcome outcome;
  std::vector<std::uint64_t> grew;  ///< per counter, in the order given
};

/// run_guest(image) with environment variable `name` set to `value` (nullptr: unset) while the engine
/// is made (the BOOTSIM_UNICORN_* settings are read then), unset again afterwards; `counters` are read
/// before and after.
inline CountedRun run_guest_with_env(const char* name, const char* value, std::vector<std::uint8_t> image,
                                     std::initializer_list<std::uint64_t (*)()> counters) {
  if (value) ::setenv(name, value, 1);
  else ::unsetenv(name);
  std::vector<std::uint64_t> before;
  for (auto counter : counters) before.push_back(counter());
  CountedRun r;
  r.outcome = run_guest(std::move(image));
  size_t i = 0;
  for (auto counter : counters) r.grew.push_back(counter() - before[i++]);
  ::unsetenv(name);
  return r;
}

/// Reads a whole file; empty when it cannot be read.
inline std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return {};
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(f), {});
}

/// Runs `bootsim <args>` (stdout/stderr discarded) and returns its exit code, or -1 if it did not exit.
inline int run_bootsim_exe(const std::string& args) {
  std::string cmd = std::string(BOOTSIM_EXE) + " " + args + " >/dev/null 2>&1";
  int rc = std::system(cmd.c_str());
  if (rc == -1 || !WIFEXITED(rc)) return -1;
  return WEXITSTATUS(rc);
}

/// Where the build put the raw bytes of guest program `name` (tests/guest/<name>.S).
inline std::string guest_bin_path(const std::string& name) {
  return std::string(BOOTSIM_BINARY_DIR) + "/generated/guest_" + name + ".bin";
}

}  // namespace bootsim::testing
