// `bootsim bench`'s fleet line: what a further machine of a fleet costs from reset to iPXE's first
// DHCPDISCOVER, with the start-up shared (sim/machine/startup_snapshot.h). Wall-clock time is read here
// only to measure the simulator; nothing measured feeds back into the simulation.
#pragma once

#include <cstddef>

namespace bootsim::cli {

/// One fleet start-up, measured.
struct FleetStartup {
  std::size_t machines = 0;
  double wall = 0;          ///< wall s from building the World to the last machine's first iPXE DISCOVER
  double last_virtual = 0;  ///< virtual s of that DISCOVER
};

/// Boots `machines` Intel-like machines of scenarios/rack_100.xml's network, all switched on at 0 s and
/// left to iPXE's autoboot, until every one has sent its first DHCPDISCOVER from iPXE (not the ROM's).
/// Throws std::runtime_error when a machine ends before it does.
FleetStartup bench_fleet_startup(std::size_t machines);

}  // namespace bootsim::cli
