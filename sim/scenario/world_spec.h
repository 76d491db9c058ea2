// The one translation from a scenario variant to a World (sim/world/world.h): the variant's network
// becomes the boot network's configuration, each of its machines a MachineConfig. `bootsim scenario`,
// `sweep`, `run` and `bench` all describe their boots through these functions (`run` and `bench` build a
// scenario Machine and Network from their options first), so a value means the same thing everywhere.
#pragma once

#include <cstdint>
#include <string>

#include "sim/scenario/scenario.h"
#include "sim/world/boot_run.h"

namespace bootsim::scenario {

/// The boot network's addresses and DHCP service for `n` (seeded with `seed`), without served roots.
NetworkConfig network_config(const Network& n, std::uint64_t seed);

/// Machine `m`, the `index`th on network `n`. A machine that starts at its NBP gets the cached DHCPACK a
/// PXE ROM would have had: the pool's `index`th address. Throws InputError when the NBP cannot be read,
/// naming `nbp_what` (who gave its path: "--nbp"; empty: "machine NAME nbp").
MachineConfig machine_config(const Machine& m, size_t index, const Network& n, std::uint64_t seed,
                             const std::string& nbp_what = "");

/// The network a lone machine boots on when no scenario says otherwise (`bootsim run`, `bench`):
/// 10.0.2.0/24 with the servers' defaults, its PXE ROM having fetched undionly.kpxe.
Network default_network();

/// The World variant `v` of `s` describes: the first machine in `machine`, the others in
/// `more_machines`, and the boot network with the served roots laid out under `staging_dir` (created
/// when needed; the roots themselves are never written). The pcap path is left to the caller.
BootRunSpec world_spec(const Scenario& s, const Variant& v, const std::string& staging_dir);

}  // namespace bootsim::scenario
