#include "sim/cli/bench_fleet.h"

#include <chrono>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>

#include "sim/cli/scenario_output.h"
#include "sim/core/host_paths.h"
#include "sim/scenario/world_spec.h"
#include "sim/world/boot_run.h"

namespace bootsim::cli {

namespace {

using Clock = std::chrono::steady_clock;

/// A frame of `ev` (frame_tx) that is a BOOTP/DHCP request: IPv4, UDP, destination port 67.
bool is_dhcp_request(const TraceEvent& ev) {
  const std::string& hex = ev["hex"].get_ref<const std::string&>();
  return hex.size() >= 76 && hex.compare(24, 4, "0800") == 0 && hex.compare(46, 2, "11") == 0 &&
         hex.compare(72, 4, "0043") == 0;
}

}  // namespace

FleetStartup bench_fleet_startup(std::size_t machines) {
  scenario::Scenario s = scenario::load_scenario(resolve_scenario("rack_100.xml"), load_options());
  if (s.variants.empty()) throw std::runtime_error("bench: rack_100.xml has no variant");
  scenario::Variant v = s.variants.front();
  std::vector<scenario::Machine> fleet;
  for (const auto& m : v.machines)
    if (m.nic_profile == "intel-like" && fleet.size() < machines) fleet.push_back(m);
  if (fleet.size() < machines) throw std::runtime_error("bench: rack_100.xml has fewer Intel-like machines than asked");
  for (auto& m : fleet) {
    m.cmdline.reset();  // iPXE's autoboot: its DHCP at once
    m.power_on = SimTime{};
  }
  v.machines = fleet;
  v.until = SimTime::from_s(10);

  const std::string staging = make_temp_dir("bootsim-bench");
  BootRunSpec spec = scenario::world_spec(s, v, staging);
  if (spec.network) spec.network->pcap_path.clear();
  std::set<std::string> started, discovered;  // machines past their NBP's start; those that sent iPXE's DISCOVER
  FleetStartup r;
  r.machines = machines;
  auto t0 = Clock::now();
  spec.watch = [&](const TraceEvent& ev) {
    const std::string& kind = ev["kind"].get_ref<const std::string&>();
    if (kind == "phase" && ev["phase"] == "nbp_start") started.insert(ev["machine"].get<std::string>());
    if (kind != "frame_tx" || !is_dhcp_request(ev)) return false;
    std::string who = ev["machine"];
    if (started.count(who) && discovered.insert(who).second && discovered.size() == machines) {
      r.wall = std::chrono::duration<double>(Clock::now() - t0).count();
      r.last_virtual = ev["t_ns"].get<std::int64_t>() / 1e9;
      return true;
    }
    return false;
  };
  run_boot(spec);
  std::filesystem::remove_all(staging);
  if (discovered.size() != machines)
    throw std::runtime_error("bench: " + std::to_string(machines - discovered.size()) + " of " +
                             std::to_string(machines) + " machines sent no DHCPDISCOVER from iPXE within 10 s");
  return r;
}

}  // namespace bootsim::cli
