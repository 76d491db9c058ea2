// `bootsim bench --variant`: how fast one scenario variant runs, whatever NBP it boots. Wall-clock time is
// read here only to measure the simulator; nothing measured feeds back into the simulation.
#pragma once

#include <cstdint>
#include <string>

#include "sim/scenario/scenario.h"

namespace bootsim::cli {

/// One run of a variant, measured.
struct VariantBench {
  std::string ended;             ///< stop reason of the first machine (`handoff`, `time_limit`, …)
  double end_virtual = 0;        ///< virtual s at which it ended
  double end_wall = 0;           ///< wall s from the start of the boot to its end
  bool handoff = false;          ///< ended in a handoff: end_* are the time to handoff
  /// The longest wait: the longest stretch of virtual time with no trace event other than console output
  /// (a DHCP timeout, a menu timeout, `sleep`), from one event to the next.
  double wait_from = 0, wait_virtual = 0, wait_wall = 0;
  std::uint64_t host_entries = 0;
  long peak_rss_kib = 0;         ///< the run's process, divided by the variant's machines
  std::size_t machines = 0;
};

/// Runs variant `v` of `s` once in a child process (so its peak RSS is its own), idle skipping on or off
/// for every machine. Throws std::runtime_error when the child cannot run or fails.
VariantBench bench_variant(const scenario::Scenario& s, const scenario::Variant& v, bool idle_skip);

}  // namespace bootsim::cli
