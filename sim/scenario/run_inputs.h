// What a job's boot is made of, split the way boot sharing needs it (sim/scenario/shared_boot.h): a
// group key holding every input a running World cannot take in later (jobs with equal keys can share
// one boot), and one digest per section it can take in when a component first reads it (the section
// names the World's observe hook is called with, BootRunSpec::observe). The console keys are the one
// further section; SharedBoot decides them at each console character itself.
//
//   section                          read first when                       swapped by
//   machine/nic/drop_on_<call>       a UNDI initialize/reset/shutdown/open  World::set_link_params
//   machine/nic/link (autoneg, jitter)  a UNDI call drops the link        World::set_link_params
//   machine/cmdline                  the NBP calls PXENV_FILE_CMDLINE       World::set_cmdline
//   network/dhcp (delay, drop rate,  the DHCP server builds its first reply  World::set_dhcp_reply_params
//     boot files, lease)             (full or no DHCP; ProxyDHCP: in the key)
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "sim/scenario/scenario.h"
#include "sim/world/world.h"

namespace bootsim::scenario {

struct RunInputs {
  /// Empty when the variant cannot share a boot (several machines, a timed first key): a group of its own.
  std::string group_key;
  std::map<std::string, std::string, std::less<>> sections;  ///< section name → digest (compared only)
};

/// The split of variant `v` of `s` (the seed is the scenario's).
RunInputs run_inputs(const Scenario& s, const Variant& v);

/// Puts `v`'s values of `section` into the running `world` (one of the names above; others are ignored).
void apply_section(World& world, std::string_view section, const Scenario& s, const Variant& v);

}  // namespace bootsim::scenario
