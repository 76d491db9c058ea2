#include "reports/fleet_rows.h"

#include <map>

namespace bootsim::reports {

std::vector<std::string> booted_machines(const Timeline& tl) {
  std::vector<std::string> out;
  for (const auto& mf : tl.facts.sources)
    if (mf.exit) out.push_back(mf.name);
  return out;
}

std::vector<MachineRow> fleet_rows(const VariantRun& run, const Timeline& tl) {
  // The ROM's lease address is in its rom_dhcp_done phase event (the facts keep only the time).
  std::map<std::string, std::string> lease;
  for (const auto& e : run.trace())
    if (e.value("kind", std::string()) == "phase" && e.value("phase", std::string()) == "rom_dhcp_done")
      lease.emplace(e.value("machine", std::string()), e.value("ip", std::string()));
  std::vector<MachineRow> rows;
  for (const auto& name : booted_machines(tl)) {
    const facts::MachineFacts& mf = *tl.facts.find(name);
    MachineRow r;
    r.name = name;
    if (auto it = run.nic_profiles.find(name); it != run.nic_profiles.end()) r.nic = it->second;
    if (auto it = lease.find(name); it != lease.end()) r.lease = it->second;
    r.rom_dhcp_ns = mf.phase_at("rom_dhcp_done");
    r.ipxe_dhcp_ns = mf.ipxe_dhcp.lease_ns;
    if (mf.handoff) r.handoff_ns = mf.handoff->t_ns;
    r.exit = mf.exit->reason;
    r.exit_ns = mf.exit->t_ns;
    r.drops = mf.link_down_drops;
    r.faults = static_cast<int>(mf.faults.size());
    const std::string prefix = name + ": ";
    for (const auto& v : run.verdicts) {
      if (v.expectation.compare(0, prefix.size(), prefix) != 0) continue;
      if (v.status == VerdictStatus::kPass) ++r.own_pass;
      else if (v.status != VerdictStatus::kSkip) ++r.own_fail;
    }
    r.last_line = mf.last_console_line();
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace bootsim::reports
