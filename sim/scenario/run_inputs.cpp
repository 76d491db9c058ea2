#include "sim/scenario/run_inputs.h"

#include <nlohmann/json.hpp>

#include "sim/scenario/world_spec.h"

namespace bootsim::scenario {

namespace {

using nlohmann::json;

json files_json(const std::vector<ServedFile>& files) {
  json out = json::array();
  for (const auto& f : files) out.push_back({f.name, f.source});
  return out;
}

template <typename T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json();
}

/// The DHCP values a live server can take in (DhcpServer::set_reply_params); ProxyDHCP copies them to a
/// second server, so there they stay in the key.
bool dhcp_swappable(const Network& n) { return n.dhcp.mode != DhcpMode::kProxy; }

json dhcp_reply_json(const DhcpServerConfig& d) {
  return {d.reply_delay.ns, d.drop_rate, d.rom_filename, d.ipxe_filename, d.lease_seconds};
}

json network_key(const Network& n, std::uint64_t seed) {
  const DhcpService& d = n.dhcp;
  json hosts = json::array();
  for (const auto& h : d.hosts) {
    json mac = h.mac ? json(std::vector<int>(h.mac->begin(), h.mac->end())) : json();
    json uuid = h.uuid ? json(std::vector<int>(h.uuid->begin(), h.uuid->end())) : json();
    hosts.push_back({mac, uuid, opt(h.rom_filename), opt(h.ipxe_filename)});
  }
  json dhcp = {static_cast<int>(d.mode), d.server, d.next_server, d.pool_start, d.pool_size, hosts};
  if (!dhcp_swappable(n)) dhcp.push_back(dhcp_reply_json(network_config(n, seed).dhcp));
  return {{"subnet", n.subnet},
          {"prefix_len", n.prefix_len},
          {"ipv6_ra", n.ipv6_ra},
          {"dhcp", dhcp},
          {"tftp", {n.tftp.root, files_json(n.tftp.files)}},
          {"http", {n.http.enabled, n.http.address, n.http.port, n.http.root, files_json(n.http.files)}},
          {"switch", {static_cast<int>(n.switch_port.mode), n.switch_port.forward_delay.ns, n.switch_port.hello.ns}}};
}

json machine_key(const Machine& m) {
  const LinkProfile& p = m.nic;
  const SmbiosInfo& b = m.smbios;
  // Everything but the sections: the NIC's identity stays (the ROM reports it before anything runs);
  // its name, description and source only label reports, but are cheap to compare. Which attributes
  // were overridden is the report's business (read from the variant, never from the run).
  return {{"name", m.name},
          {"mac", std::vector<int>(m.mac.begin(), m.mac.end())},
          {"nic_profile", m.nic_profile},
          {"nic",
           {p.name, p.description, p.pci_vendor, p.pci_device, p.pci_subvendor, p.pci_subdevice, p.pci_revision,
            p.link_speed_bps, p.source, p.irq}},
          {"start", static_cast<int>(m.start)},
          {"nbp", m.nbp},
          {"smbios", {b.manufacturer, b.product, b.serial, std::vector<int>(b.uuid.begin(), b.uuid.end()), b.asset_tag}},
          {"ram_bytes", m.ram_bytes}};
}

}  // namespace

RunInputs run_inputs(const Scenario& s, const Variant& v) {
  RunInputs in;
  if (v.machines.size() != 1) return in;  // only one-machine worlds fork (World::can_fork)
  const Machine& m = v.machines.front();
  // A timed first key would add a scheduler event to the shared run, which changes when the machine
  // wakes up: such a run shares nothing.
  if (!m.keys.empty() && m.keys.front().on_console.empty()) return in;
  in.group_key = json{{"seed", s.seed},
                      {"until", v.until.ns},
                      {"skip", v.skip_reason},
                      {"network", network_key(v.network, s.seed)},
                      {"machine", machine_key(m)},
                      // A machine started at its NBP has the ROM's DHCPACK built in, boot file included.
                      {"cached_ack_file", m.start == FirmwareStart::kNbp ? v.network.dhcp.rom_filename : ""}}
                     .dump();
  const LinkProfile& p = m.nic;
  in.sections["machine/nic/drop_on_initialize"] = p.drop_on_initialize ? "1" : "0";
  in.sections["machine/nic/drop_on_reset"] = p.drop_on_reset ? "1" : "0";
  in.sections["machine/nic/drop_on_shutdown"] = p.drop_on_shutdown ? "1" : "0";
  in.sections["machine/nic/drop_on_open"] = p.drop_on_open ? "1" : "0";
  in.sections["machine/nic/link"] = json{p.autoneg.ns, p.jitter.ns}.dump();
  in.sections["machine/cmdline"] = json(opt(m.cmdline)).dump();
  in.sections["network/dhcp"] =
      dhcp_swappable(v.network) ? dhcp_reply_json(network_config(v.network, s.seed).dhcp).dump() : "";
  return in;
}

void apply_section(World& world, std::string_view section, const Scenario& s, const Variant& v) {
  const Machine& m = v.machines.front();
  if (section.substr(0, 12) == "machine/nic/") world.set_link_params(m.nic);
  else if (section == "machine/cmdline") world.set_cmdline(m.cmdline);
  else if (section == "network/dhcp" && dhcp_swappable(v.network))
    world.set_dhcp_reply_params(network_config(v.network, s.seed).dhcp);
}

}  // namespace bootsim::scenario
