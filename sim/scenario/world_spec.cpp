#include "sim/scenario/world_spec.h"

#include <filesystem>
#include <set>

#include "firmware/cached_ack.h"
#include "sim/core/errors.h"
#include "sim/core/host_paths.h"

namespace bootsim::scenario {

namespace fs = std::filesystem;

namespace {

/// The folder slirp's TFTP server serves. It knows one directory only, so a root the scenario adds no
/// files to is served in place (never copied: roots can be hundreds of MB), and otherwise `dir` becomes
/// a folder of symlinks: the scenario's files, and around them the root's own entries. Nothing is ever
/// written into the root. The loader checked every name is a plain relative path; `contained_path`
/// checks again after symlinks, so a planted link in `dir` cannot send a link elsewhere.
std::string tftp_folder(const std::string& root, const std::vector<ServedFile>& files, const fs::path& dir) {
  if (files.empty()) return root;
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::set<fs::path> levels{fs::path()};  // folders of `dir` the files need (relative)
  for (const auto& f : files) {
    fs::path rel(f.name);
    for (fs::path p = rel.parent_path(); !p.empty(); p = p.parent_path()) levels.insert(p);
    fs::path to = contained_path(dir, rel, "TFTP file");
    fs::create_directories(to.parent_path());
    fs::create_symlink(f.source, to);
  }
  if (!root.empty()) {
    for (const auto& level : levels) {
      std::error_code ec;
      fs::path from = fs::path(root) / level;
      if (!fs::is_directory(from, ec)) continue;
      for (const auto& e : fs::directory_iterator(from)) {
        fs::path to = dir / level / e.path().filename();
        if (!fs::exists(fs::symlink_status(to, ec))) fs::create_symlink(fs::absolute(e.path()), to);
      }
    }
  }
  return dir.string();
}

}  // namespace

NetworkConfig network_config(const Network& n, std::uint64_t seed) {
  std::uint32_t mask = n.prefix_len == 0 ? 0 : 0xFFFFFFFFu << (32 - n.prefix_len);
  NetworkConfig net = NetworkConfig::for_subnet(n.subnet, mask);
  net.ipv6_ra = n.ipv6_ra;
  if (n.http.enabled) {
    net.http_addr = n.http.address;
    net.http_port = n.http.port;
  }
  if (n.external) {
    NetnsServersConfig ext;
    ext.commands = n.servers;
    ext.listens = n.server_listens;
    ext.cwd = n.servers_cwd;
    ext.address = net.gateway;  // the subnet's .2, where the built-in servers would be
    ext.prefix_len = n.prefix_len;
    net.external = ext;
  }
  DhcpServerConfig& d = net.dhcp;
  if (n.dhcp.server) d.server_ip = n.dhcp.server;
  if (n.dhcp.next_server) d.next_server = n.dhcp.next_server;
  if (n.dhcp.pool_start) d.pool_start = n.dhcp.pool_start;
  if (n.dhcp.pool_size) d.pool_size = n.dhcp.pool_size;
  if (n.dhcp.lease.ns) d.lease_seconds = static_cast<std::uint32_t>(n.dhcp.lease.ns / 1000000000);
  d.reply_delay = n.dhcp.reply_delay;
  d.drop_rate = n.dhcp.drop_rate;
  d.seed = seed;
  for (const auto& h : n.dhcp.hosts) d.hosts.push_back({h.mac, h.uuid, h.rom_filename, h.ipxe_filename});
  if (n.dhcp.mode == DhcpMode::kProxy) {
    // The address server knows nothing of PXE; a ProxyDHCP service hands out the boot file.
    DhcpServerConfig proxy = d;
    proxy.mode = DhcpServerConfig::Mode::kProxy;
    proxy.name = "proxydhcp";
    proxy.rom_filename = n.dhcp.rom_filename;
    proxy.ipxe_filename = n.dhcp.ipxe_filename;
    net.proxy_dhcp = proxy;
    d.rom_filename.clear();
    d.ipxe_filename.clear();
    d.hosts.clear();  // boot files are the ProxyDHCP service's to give
  } else {
    d.rom_filename = n.dhcp.rom_filename;
    d.ipxe_filename = n.dhcp.ipxe_filename;
    if (n.dhcp.mode == DhcpMode::kNone) d.drop_rate = 1.0;
  }
  return net;
}

MachineConfig machine_config(const Machine& m, size_t index, const Network& n, std::uint64_t seed,
                             const std::string& nbp_what) {
  MachineConfig mc;
  mc.name = m.name;
  mc.mac = m.mac;
  mc.nic_profile = m.nic;
  using PortMode = SwitchPortConfig::Mode;
  switch (n.switch_port.mode) {
    case SwitchPortMode::kEdge: mc.switch_port.mode = PortMode::kEdge; break;
    case SwitchPortMode::kPortfast: mc.switch_port.mode = PortMode::kPortfast; break;
    case SwitchPortMode::kStp: mc.switch_port.mode = PortMode::kStp; break;
    case SwitchPortMode::kRstp: mc.switch_port.mode = PortMode::kRstp; break;
  }
  if (n.switch_port.forward_delay.ns) mc.switch_port.forward_delay = n.switch_port.forward_delay;
  if (n.switch_port.hello.ns) mc.switch_port.hello = n.switch_port.hello;
  mc.seed = seed;
  mc.smbios = m.smbios;
  if (m.ram_bytes) mc.ram_bytes = m.ram_bytes;
  mc.power_on = m.power_on;
  mc.keys = m.keys;
  mc.rom.cmdline = m.cmdline;
  if (m.start == FirmwareStart::kPxeRom) {
    mc.rom_phase = true;
  } else {
    mc.nbp_path = m.nbp;
    mc.nbp = read_nbp_file(m.nbp, nbp_what.empty() ? "machine " + m.name + " nbp" : nbp_what);
    // As if a PXE ROM had leased an address: each machine its own, in machine order from the pool.
    const NetworkConfig net = network_config(n, seed);
    CachedAckParams ack;
    ack.client_ip = net.dhcp.pool_start + static_cast<std::uint32_t>(index);
    ack.server_ip = net.dhcp.server_ip;
    ack.netmask = net.netmask;
    ack.filename = n.dhcp.rom_filename;
    mc.rom.cached_ack = build_cached_ack(m.mac, ack);
  }
  return mc;
}

Network default_network() {
  Network n;
  n.subnet = 0x0A000200;  // 10.0.2.0/24: NetworkConfig's and DhcpServerConfig's defaults
  n.prefix_len = 24;
  n.dhcp.rom_filename = "undionly.kpxe";
  return n;
}

BootRunSpec world_spec(const Scenario& s, const Variant& v, const std::string& staging_dir) {
  if (v.machines.empty()) throw InputError(s.file + ": variant '" + v.name + "' has no machine");
  const Network& n = v.network;
  BootRunSpec spec;
  spec.until = v.until;
  NetworkConfig net = network_config(n, s.seed);
  fs::path stage_dir(staging_dir);
  if (!n.tftp.root.empty() || !n.tftp.files.empty()) {
    net.tftp_root = tftp_folder(n.tftp.root, n.tftp.files, stage_dir / "tftp");
    if (!n.tftp.root.empty()) net.tftp_link_targets.push_back(n.tftp.root);
    for (const auto& f : n.tftp.files) net.tftp_link_targets.push_back(f.source);
  }
  if (n.http.enabled) {
    // Our HTTP server lays the files over the root itself; with no root it serves an empty folder.
    if (n.http.root.empty()) fs::create_directories(stage_dir / "http");
    net.http_root = n.http.root.empty() ? (stage_dir / "http").string() : n.http.root;
    for (const auto& f : n.http.files) net.http_files[f.name] = f.source;
  }
  for (size_t index = 0; index < v.machines.size(); ++index) {
    MachineConfig mc = machine_config(v.machines[index], index, n, s.seed);
    if (index == 0) spec.machine = std::move(mc);
    else spec.more_machines.push_back(std::move(mc));
  }
  spec.network = net;
  return spec;
}

}  // namespace bootsim::scenario
