// One boot, end to end: build the World (clock, trace, machines, peer on the wire), run it to a stop,
// and hand back the trace. `bootsim run`, the scenario runner and the firmware tests use this.
//
// One machine runs on the calling thread and moves the clock itself. Several machines (`more_machines`)
// share the boot network, the scheduler and the trace; each runs on a thread of its own and they take
// turns through a baton (sim/core/baton.h), in (virtual time, machine index) order, so the run is as
// deterministic as a lone machine's.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/machine/machine.h"
#include "sim/net/boot_network.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

namespace bootsim {

struct BootRunSpec {
  MachineConfig machine;
  /// Further machines on the same wire (distinct names and MACs). Needs `network`; not with
  /// `key_branches`. Empty: the classic single-machine run, on the calling thread.
  std::vector<MachineConfig> more_machines;
  SimTime until = SimTime::from_s(60);
  enum class Responder { kNone, kDhcp };
  /// kDhcp: a minimal LAN on the wire (our DHCP server plus ARP for its address).
  Responder responder = Responder::kNone;
  /// The real boot network (our DHCP, libslirp TCP/IP + TFTP, our HTTP, pcap tap). Set, it replaces
  /// `responder`. The machine's NIC is attached to it.
  std::optional<NetworkConfig> network;
  /// Print rendered console lines to stdout as they complete (with several machines, each line starts
  /// with "[machine] ").
  bool echo_console = false;
  bool echo_timestamps = false;  ///< prefix them with the virtual time
  /// Called for every trace event as it happens (benchmarks, live logs). Returning true stops the run
  /// (every machine). With several machines it is called on whichever machine's thread holds the baton.
  std::function<bool(const TraceEvent&)> watch;

  /// One boot shared by variants that differ only in their keys (sim/scenario/worker_pool.h). This run
  /// types none of them (machine.keys must be empty). When alternative i's first trigger (a console
  /// text) fires, `fork(i, can_fork, now)` is called at that point. `can_fork` is false when the world holds
  /// host resources a fork would share (an open HTTP connection, a file slirp is sending by TFTP); the
  /// callee must then not fork. It returns the pcap path of the process that is to continue as
  /// alternative i (a fork child), nullopt in every other process.
  struct KeyBranches {
    std::vector<std::vector<KeyTrigger>> alternatives;
    std::function<std::optional<std::string>(size_t i, bool can_fork, SimTime now)> fork;
  };
  KeyBranches key_branches;
};

/// How one machine of a run ended.
struct MachineOutcome {
  std::string name;
  RunResult result;
  std::string console_raw;
  std::string console_text;
  Machine::Stats stats;
};

struct BootRunOutcome {
  // The first machine (spec.machine).
  RunResult result;
  Trace trace;  ///< every machine's events and the network's, in the order they happened
  std::string console_raw;
  std::string console_text;
  Machine::Stats stats;
  BootNetwork::Stats net_stats;  ///< zero unless spec.network was set
  /// Every machine, spec.machine first, then more_machines in order (one entry for a single machine,
  /// equal to the fields above).
  std::vector<MachineOutcome> machines;
};

/// Reads an NBP image file. Throws InputError naming `path` and `what` (e.g. "--nbp") when it cannot.
std::vector<std::uint8_t> read_nbp_file(const std::string& path, const std::string& what);

/// Runs the spec. Throws InputError for bad input (also: several machines without a network),
/// std::logic_error for several machines with key_branches; guest faults end up in the results, never
/// thrown. With several machines every thread is joined before it returns or throws.
BootRunOutcome run_boot(const BootRunSpec& spec);

/// The process exit code for a run without expectations (DESIGN.md "Exit codes").
int exit_code_for(StopReason reason);

}  // namespace bootsim
