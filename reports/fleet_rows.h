// A fleet at a glance: one row of facts per booted machine of a variant (what the report's sortable
// machine table and histograms show), each from that machine's own facts (sim/facts).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reports/report_model.h"
#include "reports/timeline.h"

namespace bootsim::reports {

struct MachineRow {
  std::string name;
  std::string nic;                 ///< NIC profile ("broadcom-like"); "" when the report model does not say
  std::string lease;               ///< the address the ROM's DHCP leased ("" when none)
  std::int64_t rom_dhcp_ns = -1;   ///< ROM's DHCP done (lease); -1: never
  std::int64_t ipxe_dhcp_ns = -1;  ///< iPXE's own DHCP lease; -1: never
  std::int64_t handoff_ns = -1;    ///< -1: no handoff
  std::string exit;                ///< exit reason ("handoff", "nbp_returned", …)
  std::int64_t exit_ns = -1;
  std::uint64_t drops = 0;         ///< frames dropped while its link was down
  int faults = 0;
  /// Its own expectations (those whose text starts with "NAME: "): passed and failed.
  int own_pass = 0, own_fail = 0;
  std::string last_line;           ///< last console line with text
};

/// The machines of `run` that booted (a source with an exit event), in order of first appearance.
std::vector<std::string> booted_machines(const Timeline& tl);

/// One row per booted machine, in booted_machines() order.
std::vector<MachineRow> fleet_rows(const VariantRun& run, const Timeline& tl);

}  // namespace bootsim::reports
