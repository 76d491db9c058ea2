#include "sim/scenario/shared_boot.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "sim/scenario/interrupt.h"
#include "sim/scenario/worker_pool.h"
#include "sim/scenario/world_spec.h"
#include "sim/world/world.h"

namespace bootsim::scenario {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------------
// Which jobs share a boot

namespace {

nlohmann::json files_json(const std::vector<ServedFile>& files) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : files) out.push_back({f.name, f.source});
  return out;
}

nlohmann::json network_json(const Network& n) {
  const DhcpService& d = n.dhcp;
  return {{"subnet", n.subnet},
          {"prefix_len", n.prefix_len},
          {"ipv6_ra", n.ipv6_ra},
          {"dhcp",
           {static_cast<int>(d.mode), d.server, d.next_server, d.pool_start, d.pool_size, d.lease.ns, d.rom_filename,
            d.ipxe_filename, d.reply_delay.ns, d.drop_rate}},
          {"tftp", {n.tftp.root, files_json(n.tftp.files)}},
          {"http", {n.http.enabled, n.http.address, n.http.port, n.http.root, files_json(n.http.files)}},
          {"switch", {static_cast<int>(n.switch_port.mode), n.switch_port.forward_delay.ns, n.switch_port.hello.ns}}};
}

nlohmann::json machine_json(const Machine& m) {
  const LinkProfile& p = m.nic;
  // Everything but the keys. The profile's name, description and source only label reports, but they
  // are cheap to compare and keep the key obviously complete.
  return {{"name", m.name},
          {"mac", std::vector<int>(m.mac.begin(), m.mac.end())},
          {"nic_profile", m.nic_profile},
          {"nic",
           {p.name, p.description, p.pci_vendor, p.pci_device, p.pci_subvendor, p.pci_subdevice, p.pci_revision,
            p.link_speed_bps, p.drop_on_initialize, p.drop_on_reset, p.drop_on_shutdown, p.drop_on_open,
            p.autoneg.ns, p.jitter.ns, p.source, p.irq}},
          {"nic_overridden", m.nic_overridden},
          {"start", static_cast<int>(m.start)},
          {"nbp", m.nbp},
          {"cmdline", m.cmdline ? nlohmann::json(*m.cmdline) : nlohmann::json()},
          {"ram_bytes", m.ram_bytes}};
}

bool keyless(const Variant& v) { return v.machines.front().keys.empty(); }

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

}  // namespace

std::string boot_key(const Variant& v) {
  nlohmann::json machines = nlohmann::json::array();
  for (const auto& m : v.machines) machines.push_back(machine_json(m));
  nlohmann::json key = {
      {"until", v.until.ns}, {"skip", v.skip_reason}, {"network", network_json(v.network)}, {"machines", machines}};
  return key.dump();
}

bool can_share(const Variant& v) {
  return v.skip_reason.empty() && v.machines.size() == 1 &&
         (v.machines.front().keys.empty() || !v.machines.front().keys.front().on_console.empty());
}

std::vector<std::vector<size_t>> group_jobs(const std::vector<VariantJob>& jobs) {
  std::vector<std::vector<size_t>> groups;
  std::vector<std::string> keys;  // each group's boot_key
  for (size_t i = 0; i < jobs.size(); ++i) {
    const VariantJob& j = jobs[i];
    if (!j.variant->skip_reason.empty()) continue;
    const std::string key = can_share(*j.variant) ? boot_key(*j.variant) : std::string();
    auto fits = [&](size_t g) {
      const VariantJob& lead = jobs[groups[g].front()];
      if (key.empty() || keys[g].empty() || lead.scenario != j.scenario || keys[g] != key ||
          lead.options.out_dir != j.options.out_dir)
        return false;
      if (!keyless(*j.variant)) return true;
      for (size_t m : groups[g])
        if (keyless(*jobs[m].variant)) return false;
      return true;
    };
    size_t g = 0;
    while (g < groups.size() && !fits(g)) ++g;
    if (g == groups.size()) {
      groups.push_back({i});
      keys.push_back(key);
    } else {
      groups[g].push_back(i);
    }
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------------
// One boot, forked at each member's first key

SharedBoot::SharedBoot(const std::vector<VariantJob>& jobs, std::vector<size_t> members)
    : jobs_(jobs), members_(std::move(members)) {}

std::optional<VariantResult> SharedBoot::run() {
  const VariantJob& lead = jobs_[members_.front()];
  auto keys_of = [&](size_t i) -> const std::vector<KeyTrigger>& { return jobs_[i].variant->machines.front().keys; };
  std::vector<size_t> alt_jobs;  // members that fork off at their first key
  for (size_t i : members_) {
    if (keys_of(i).empty() && me_ < 0) me_ = static_cast<long>(i);
    else alt_jobs.push_back(i);
  }
  const bool shared_is_a_variant = me_ >= 0;
  const auto t0 = std::chrono::steady_clock::now();  // only to report wall time
  std::string shared_from;
  SimTime fork_time{};
  size_t resolved = 0;  // members whose first trigger fired (forked or not)
  bool stop_shared = false;

  fs::create_directories(lead.options.out_dir);
  const fs::path lead_staging = fs::path(lead.options.staging_dir) / lead.variant->name;
  BootRunSpec spec = world_spec(*lead.scenario, *lead.variant, lead_staging.string());
  spec.machine.keys.clear();
  spec.network->pcap_path = shared_is_a_variant ? artifact_base(*jobs_[me_].variant, jobs_[me_].options) + ".pcap"
                                                : (lead_staging / "shared.pcap").string();
  // A boot that is no member ends once every member's trigger has fired.
  spec.watch = [&](const TraceEvent&) { return me_ < 0 && stop_shared; };
  World world(spec);
  bootsim::Machine& machine = world.machine(0);

  std::vector<size_t> pending;  // indexes into alt_jobs whose trigger has not fired
  for (size_t a = 0; a < alt_jobs.size(); ++a) pending.push_back(a);
  bool branched = false;  // this process has become a fork child: it watches no more
  // Where a run given member m's keys would fire its first trigger: the same check at the same character
  // (Machine checks its own triggers first), so the child that continues is that run exactly.
  machine.watch_console([&](const std::string& raw) {
    if (branched) return;
    for (size_t k = 0; k < pending.size();) {
      const size_t a = pending[k];
      if (!ends_with(raw, keys_of(alt_jobs[a]).front().on_console)) {
        ++k;
        continue;
      }
      pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(k));
      if (!shared_is_a_variant && ++resolved == alt_jobs.size()) stop_shared = true;
      if (!world.can_fork()) continue;  // that member boots on its own later
      world.prepare_fork();
      const pid_t parent = ::getpid();
      const pid_t pid = ::fork();
      if (pid > 0) children_.push_back(pid);
      if (pid != 0) continue;  // the parent (or a failed fork: that member boots on its own later)
      if (!interrupt::become_worker(parent, false)) exit_worker(1);  // stays in the group's process group
      shared_from = shared_is_a_variant ? jobs_[me_].variant->name : "(no keys)";
      fork_time = world.now();
      me_ = static_cast<long>(alt_jobs[a]);
      children_.clear();
      branched = true;
      world.continue_in_child(artifact_base(*jobs_[me_].variant, jobs_[me_].options) + ".pcap");
      machine.give_keys(keys_of(me_));
      return;
    }
  });
  BootRunOutcome boot = world.run();
  if (me_ < 0) return std::nullopt;
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  VariantResult r = record_variant(*jobs_[me_].variant, jobs_[me_].options, boot, wall);
  r.shared_from = shared_from;
  r.shared_until = shared_from.empty() ? SimTime{} : fork_time;
  return r;
}

}  // namespace bootsim::scenario
