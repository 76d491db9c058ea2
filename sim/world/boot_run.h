// What a World is built from (BootRunSpec) and what its run hands back (BootRunOutcome), and run_boot(),
// which builds one World (sim/world/world.h) from a spec and runs it. `bootsim run`, `bootsim bench`,
// the scenario runner and the firmware tests describe their boots with these.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/machine/machine.h"
#include "sim/net/boot_network.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

namespace bootsim {

struct BootRunSpec {
  MachineConfig machine;
  /// Further machines on the same wire (distinct names and MACs). Needs `network`. Empty: the classic
  /// single-machine run, on the calling thread.
  std::vector<MachineConfig> more_machines;
  SimTime until = SimTime::from_s(60);
  enum class Responder { kNone, kDhcp };
  /// kDhcp: a minimal LAN on the wire (our DHCP server plus ARP for its address: sim/net/mini_lan.h).
  Responder responder = Responder::kNone;
  /// The real boot network (our DHCP, libslirp TCP/IP + TFTP, our HTTP, pcap tap). Set, it replaces
  /// `responder`. The machine's NIC is attached to it.
  std::optional<NetworkConfig> network;
  /// Print rendered console lines to stdout as they complete (with several machines, each line starts
  /// with "[machine] ").
  bool echo_console = false;
  bool echo_timestamps = false;  ///< prefix them with the virtual time
  /// Called for every trace event as it happens (benchmarks, live logs). Returning true stops the run
  /// (every machine). With several machines it is called on whichever machine's fiber holds the baton.
  std::function<bool(const TraceEvent&)> watch;
  /// The detail of every machine's exit (reason time_limit) when `watch` stopped the run.
  std::string watch_stop_detail = "stopped by watcher";
  /// A shared boot's observation hook (sim/scenario/shared_boot.h): with one machine, its NIC, its PXE
  /// ROM (command line) and the boot network's DHCP server call it with a section name just before they
  /// first read that part of their input, e.g. "machine/nic/link", "machine/cmdline", "network/dhcp".
  /// It may fork the process and swap values in (World::set_link_params, …) before it returns. Empty:
  /// nothing is shared, nothing is called.
  std::function<void(std::string_view section)> observe;
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
  /// External servers (NetworkConfig::external): how virtual time kept to the wall clock (TapHost::Stats).
  std::optional<TapHost::Stats> pacing;
  /// Every machine, spec.machine first, then more_machines in order (one entry for a single machine,
  /// equal to the fields above).
  std::vector<MachineOutcome> machines;
};

/// Reads an NBP image file. Throws InputError naming `path` and `what` (e.g. "--nbp") when it cannot.
std::vector<std::uint8_t> read_nbp_file(const std::string& path, const std::string& what);

/// World(spec).run(): builds the World and runs it. Throws InputError for bad input (also: several
/// machines without a network); guest faults end up in the results, never thrown. With several machines
/// every thread is joined before it returns or throws.
BootRunOutcome run_boot(const BootRunSpec& spec);

/// The process exit code for a run without expectations (DESIGN.md "Exit codes").
int exit_code_for(StopReason reason);

}  // namespace bootsim
