// Pass 3's element readers: the network (TFTP, HTTP, DHCP, switch), machines with their NIC, firmware
// and keys, and expectations, each from its element's attributes through Reader.
#include "sim/scenario/loader_detail.h"

#include <algorithm>
#include <cassert>
#include <set>

#include "firmware/memory_map.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/scenario/units.h"

namespace bootsim::scenario::detail {

namespace {

std::uint32_t host_in(std::uint32_t subnet, std::uint32_t host) { return subnet | host; }

bool in_subnet(const Network& net, std::uint32_t addr) {
  std::uint32_t mask = 0xFFFFFFFFu << (32 - net.prefix_len);
  std::uint32_t host = addr & ~mask;
  return (addr & mask) == net.subnet && host != 0 && host != ~mask;
}

}  // namespace

void Loader::read_network(pugi::xml_node n, Network& net) {
  Reader r(*this, n);
  auto [subnet, len] = *r.cidr("subnet");
  net.subnet = subnet;
  net.prefix_len = len;
  net.ipv6_ra = *r.boolean("ipv6-ra");
  net.external = *r.choice("mode") == "external";
  for (auto srv : n.children("server")) {
    Reader sr(*this, srv);
    if (!net.external)
      sr.fail(ScenarioErrc::kConflict, nullptr, "<server> needs <network mode=\"external\">");
    std::string cmd = trim(*sr.text_value("command"));
    if (cmd.empty()) sr.fail(ScenarioErrc::kBadValue, "command", "empty command");
    if (!opts_.allow_servers)
      sr.fail(ScenarioErrc::kNotAllowed, "command",
              "this scenario starts a program on this host (as root, with the host's files): '" + cmd +
                  "'; bootsim starts scenario servers only when told to: --allow-servers or BOOTSIM_ALLOW_SERVERS=1");
    net.servers.push_back(cmd);
    std::string listens = sr.has("listens") ? *sr.text_value("listens") : std::string();
    auto ports = parse_listen_ports(listens);
    if (!ports) sr.fail(ScenarioErrc::kBadValue, "listens", "\"" + listens + "\": expected PORT/udp or PORT/tcp, space-separated (\"69/udp 80/tcp\")");
    net.server_listens.push_back(*ports);
  }
  if (net.external) {
    if (net.servers.empty())
      r.fail(ScenarioErrc::kBadValue, "mode", "mode=\"external\" needs at least one <server command=\"...\">");
    for (const char* own : {"tftp", "http"})  // (<dhcp> is always there: defaults are filled in)
      if (n.child(own))
        r.fail(ScenarioErrc::kConflict, "mode",
               std::string("<") + own + "> is bootsim's own server; with mode=\"external\" your <server> commands serve");
    net.servers_cwd = dir_;
  }
  // TFTP and HTTP first: the DHCP checks below look at what they serve.
  if (auto t = n.child("tftp")) {
    Reader tr(*this, t);
    if (auto root = tr.path("root", "directory")) net.tftp.root = served_root(tr, *root);
    read_served(t, net.tftp.files);
  }
  if (auto h = n.child("http")) {
    Reader hr(*this, h);
    net.http.enabled = true;
    if (auto a = hr.ipv4("address")) net.http.address = *a;
    else net.http.address = host_in(net.subnet, 100);
    if (!in_subnet(net, net.http.address))
      hr.fail(ScenarioErrc::kBadValue, hr.has("address") ? "address" : nullptr,
              format_ipv4(net.http.address) + " is not a host address in " + format_ipv4(net.subnet) + "/" +
                  std::to_string(net.prefix_len));
    auto port = *hr.uint("port");
    if (port < 1 || port > 65535) hr.fail(ScenarioErrc::kBadValue, "port", "port " + std::to_string(port) + " is not in 1..65535");
    net.http.port = static_cast<std::uint16_t>(port);
    if (auto root = hr.path("root", "directory")) net.http.root = served_root(hr, *root);
    read_served(h, net.http.files);
  }
  read_dhcp(n.child("dhcp"), net, true);
  if (auto s = n.child("switch")) read_switch(s, net.switch_port);
  else net.switch_port = SwitchPort{SwitchPortMode::kEdge, SimTime::from_s(15), SimTime::from_s(2)};
}

void Loader::read_served(pugi::xml_node parent, std::vector<ServedFile>& files) {
  std::set<std::string> names;
  for (auto f : parent.children("file")) {
    Reader fr(*this, f);
    ServedFile sf;
    sf.name = *fr.text_value("name");
    if (!sf.name.empty() && sf.name[0] == '/') sf.name.erase(0, 1);  // "/mboot.c32", as a URL path reads
    if (sf.name.empty()) fr.fail(ScenarioErrc::kBadValue, "name", "empty file name");
    fr.relative_name("name", sf.name);
    if (!names.insert(sf.name).second)
      fr.fail(ScenarioErrc::kDuplicateName, "name", "a <file> named '" + sf.name + "' is already served here");
    sf.source = *fr.input_file("source", kMaxServedFileBytes);
    files.push_back(sf);
  }
}

void Loader::read_dhcp(pugi::xml_node n, Network& net, bool base) {
  DhcpService& d = net.dhcp;
  if (base) {
    d.server = host_in(net.subnet, 2);
    d.pool_start = host_in(net.subnet, 15);
  }
  Reader r(*this, n);
  dhcp_node_ = n;
  auto when = [&](const char* name) { return base || r.has(name); };
  if (when("mode")) {
    std::string mode = *r.choice("mode");
    d.mode = mode == "full" ? DhcpMode::kFull : mode == "proxy" ? DhcpMode::kProxy : DhcpMode::kNone;
  }
  if (auto v = r.ipv4("server")) d.server = *v;
  if (!in_subnet(net, d.server))
    r.fail(ScenarioErrc::kBadValue, r.has("server") ? "server" : nullptr,
           "server " + format_ipv4(d.server) + " is not a host address in the subnet");
  if (auto v = r.ipv4("next-server")) d.next_server = *v;
  else if (base) d.next_server = d.server;
  if (auto v = r.ipv4("pool-start")) d.pool_start = *v;
  if (when("pool-size")) {
    auto size = *r.uint("pool-size");
    if (size < 1 || size > 65536) r.fail(ScenarioErrc::kBadValue, "pool-size", "pool-size must be 1..65536");
    d.pool_size = static_cast<std::uint32_t>(size);
  }
  if (!in_subnet(net, d.pool_start) || !in_subnet(net, d.pool_start + d.pool_size - 1))
    r.fail(ScenarioErrc::kBadValue, r.has("pool-start") ? "pool-start" : r.has("pool-size") ? "pool-size" : nullptr,
           "the pool " + format_ipv4(d.pool_start) + " + " + std::to_string(d.pool_size) +
               " addresses does not fit in the subnet");
  if (d.server >= d.pool_start && d.server < d.pool_start + d.pool_size)
    r.fail(ScenarioErrc::kConflict, r.has("server") ? "server" : "pool-start", "the server's address lies inside the pool");
  if (when("lease")) {
    d.lease = *r.duration("lease");
    if (d.lease.ns <= 0 || d.lease.ns % 1000000000 != 0)
      r.fail(ScenarioErrc::kBadValue, "lease", "the lease must be a positive whole number of seconds");
  }
  if (when("rom-filename")) d.rom_filename = boot_file_name(r, "rom-filename", *r.text_value("rom-filename"));
  if (auto v = r.text_value("ipxe-filename")) d.ipxe_filename = boot_file_name(r, "ipxe-filename", *v);
  else if (base) d.ipxe_filename = d.rom_filename;
  if (when("reply-delay")) d.reply_delay = *r.duration("reply-delay");
  if (when("drop-rate")) d.drop_rate = *r.percent("drop-rate");
  if (net.http.enabled && net.http.address == d.server)
    r.fail(ScenarioErrc::kConflict, r.has("server") ? "server" : nullptr,
           "the HTTP address and the DHCP server (slirp's gateway) must differ: slirp cannot serve the gateway "
           "address in-process (ref/slirp-notes.md)");
  if (base)
    for (auto h : n.children("host")) read_dhcp_host(h, net);
}

void Loader::read_dhcp_host(pugi::xml_node n, Network& net) {
  Reader r(*this, n);
  DhcpService::Host h;
  h.where = where(n);
  h.mac = r.mac("mac");
  h.uuid = r.uuid("uuid");
  if (!h.mac && !h.uuid)
    r.fail(ScenarioErrc::kMissingAttribute, nullptr, "a <host> needs mac, uuid or both: what it matches");
  if (auto v = r.text_value("rom-filename")) h.rom_filename = boot_file_name(r, "rom-filename", *v);
  if (auto v = r.text_value("ipxe-filename")) h.ipxe_filename = boot_file_name(r, "ipxe-filename", *v);
  if (!h.rom_filename && !h.ipxe_filename)
    r.fail(ScenarioErrc::kMissingAttribute, nullptr, "a <host> needs rom-filename, ipxe-filename or both: what it chooses");
  for (size_t i = 0; i < net.dhcp.hosts.size(); ++i) {
    const auto& o = net.dhcp.hosts[i];
    if (o.mac == h.mac && o.uuid == h.uuid)
      r.fail(ScenarioErrc::kDuplicateName, h.uuid ? "uuid" : "mac",
             "an earlier <host> (line " + std::to_string(o.where.line) + ") matches the same clients: this one never would");
  }
  net.dhcp.hosts.push_back(std::move(h));
  dhcp_host_nodes_.push_back(n);
}

void Loader::read_switch(pugi::xml_node n, SwitchPort& sw) {
  Reader r(*this, n);
  bool base = schema_path_of(n) == "scenario/network/switch";
  if (base || r.has("port")) {
    std::string p = *r.choice("port");
    sw.mode = p == "edge" ? SwitchPortMode::kEdge : p == "portfast" ? SwitchPortMode::kPortfast
            : p == "stp" ? SwitchPortMode::kStp : SwitchPortMode::kRstp;
  }
  if (base || r.has("forward-delay")) sw.forward_delay = *r.duration("forward-delay");
  if (base || r.has("hello")) sw.hello = *r.duration("hello");
  if (r.has("forward-delay") && sw.mode != SwitchPortMode::kStp && sw.mode != SwitchPortMode::kRstp)
    r.fail(ScenarioErrc::kConflict, "forward-delay", "forward-delay only applies to port=\"stp\" or \"rstp\"");
  if (r.has("hello") && sw.mode != SwitchPortMode::kRstp && sw.mode != SwitchPortMode::kPortfast)
    r.fail(ScenarioErrc::kConflict, "hello", "hello only applies to port=\"rstp\" or \"portfast\"");
  if (sw.hello.ns <= 0) r.fail(ScenarioErrc::kBadValue, "hello", "hello must be greater than 0s");
}

Machine Loader::read_machine(pugi::xml_node n, const MachineCopy* copy) {
  Reader r(*this, n);
  Machine m;
  m.name = copy ? copy->name : *r.name_value("name");
  m.mac = copy ? copy->mac : *r.mac("mac");
  m.power_on = copy ? copy->power_on : *r.duration("power-on");
  auto ram = *r.bytes("ram");
  if (ram < (16u << 20) || ram > 0xFFFFFFFFull)
    r.fail(ScenarioErrc::kBadValue, "ram", "ram must be between 16MiB and 4095MiB");
  m.ram_bytes = static_cast<std::uint32_t>(ram);
  m.nic_profile = "generic";
  m.nic = profiles_.find("generic")->profile;
  base_nic_nodes_[m.name] = n.child("nic");
  if (auto nic = n.child("nic")) apply_nic(nic, m);
  if (auto fw = n.child("firmware")) apply_firmware(fw, m);
  else m.start = FirmwareStart::kPxeRom;
  m.smbios = SmbiosInfo::defaults(seed_, m.mac);
  if (auto s = n.child("smbios")) apply_smbios(s, m);
  if (auto c = n.child("cmdline")) m.cmdline = expand(c, nullptr, Reader(*this, c).text(), false);
  for (auto k : n.children("key")) read_key(k, m.keys);
  return m;
}

void Loader::apply_nic_fields(pugi::xml_node n, Machine& m) {
  Reader r(*this, n);
  std::vector<std::string> set;
  read_profile_fields(r, m.nic, false, set);
  for (const auto& f : set)
    if (std::find(m.nic_overridden.begin(), m.nic_overridden.end(), f) == m.nic_overridden.end())
      m.nic_overridden.push_back(f);
}

void Loader::apply_nic(pugi::xml_node n, Machine& m) {
  Reader r(*this, n);
  bool base = schema_path_of(n) == "scenario/machine/nic";
  if (base || r.has("profile")) {
    std::string name = *r.name_value("profile");
    const ProfileEntry* p = profiles_.find(name);
    if (!p)
      r.fail(ScenarioErrc::kUnknownProfile, "profile",
             "unknown NIC profile '" + name + "' (known: " + join(profiles_.names()) + ")");
    m.nic_profile = name;
    m.nic = p->profile;
    m.nic_overridden.clear();
    // A variant that switches the profile keeps the fields the machine itself overrides.
    if (!base)
      if (auto own = base_nic_nodes_[m.name]) apply_nic_fields(own, m);
  }
  apply_nic_fields(n, m);
}

void Loader::apply_firmware(pugi::xml_node n, Machine& m) {
  Reader r(*this, n);
  if (r.has("rom") && r.has("nbp"))
    r.fail(ScenarioErrc::kConflict, "nbp",
           "rom and nbp exclude each other: rom=\"pxe\" boots the rom-filename the ROM downloads, nbp starts "
           "directly at a file");
  if (r.has("nbp")) {
    m.start = FirmwareStart::kNbp;
    m.nbp = *r.input_file("nbp", layout::kMaxNbpBytes);
  } else {
    r.choice("rom");  // validates the value
    m.start = FirmwareStart::kPxeRom;
    m.nbp.clear();
  }
}

void Loader::apply_smbios(pugi::xml_node n, Machine& m) {
  Reader r(*this, n);
  // SMBIOS strings are ASCII and NUL-terminated; the table's space in the BIOS ROM bounds their length.
  auto text = [&](const char* attr, std::string& field) {
    auto v = r.text_value(attr);
    if (!v) return false;
    if (v->size() > 64) r.fail(ScenarioErrc::kBadValue, attr, "longer than 64 characters");
    for (char c : *v)
      if (c < 0x20 || c > 0x7E) r.fail(ScenarioErrc::kBadValue, attr, "'" + printable(*v) + "' is not printable ASCII");
    field = *v;
    return true;
  };
  text("manufacturer", m.smbios.manufacturer);
  text("product", m.smbios.product);
  if (text("serial", m.smbios.serial)) m.smbios.uuid = SmbiosInfo::uuid_for_serial(m.smbios.serial);
  text("asset-tag", m.smbios.asset_tag);
  if (auto u = r.uuid("uuid")) m.smbios.uuid = *u;
}

void Loader::read_key(pugi::xml_node n, std::vector<KeyTrigger>& keys) {
  Reader r(*this, n);
  bool at = r.has("at"), on = r.has("on-console");
  if (at == on)
    r.fail(at ? ScenarioErrc::kConflict : ScenarioErrc::kMissingAttribute, at ? "on-console" : nullptr,
           "a key trigger needs exactly one of 'at' (a time) or 'on-console' (a text)");
  if (r.has("after-console") && !on)
    r.fail(ScenarioErrc::kConflict, "after-console", "after-console only applies with on-console");
  KeyTrigger t;
  t.keys_text = *r.text_value("keys");
  std::string err;
  auto parsed = parse_keys(t.keys_text, &err);
  if (!parsed) r.fail(ScenarioErrc::kBadValue, "keys", "'" + t.keys_text + "': " + err);
  t.keys = *parsed;
  if (at) t.at = *r.duration("at");
  if (on) {
    t.on_console = *r.text_value("on-console");
    if (t.on_console.empty()) r.fail(ScenarioErrc::kBadValue, "on-console", "empty console text");
  }
  if (auto after = r.text_value("after-console")) {
    if (after->empty()) r.fail(ScenarioErrc::kBadValue, "after-console", "empty console text");
    KeyTrigger wait;  // no keys: only moves the sequence on
    wait.on_console = *after;
    keys.push_back(wait);
  }
  keys.push_back(std::move(t));
}

std::vector<Machine*> Loader::target_machines(pugi::xml_node n, std::vector<Machine>& machines) {
  Reader r(*this, n);
  std::vector<Machine*> out;
  if (r.has("machine")) {
    std::vector<std::string> names;
    for (auto& m : machines) names.push_back(m.name);
    for (const auto& name : machines_named(n, "machine", names))
      for (auto& m : machines)
        if (m.name == name) out.push_back(&m);
  } else {
    for (auto& m : machines) out.push_back(&m);
  }
  return out;
}

std::optional<Phase> phase_from(const std::string& s) {
  for (Phase p : {Phase::kRomDhcp, Phase::kNbpDownload, Phase::kIpxeInit, Phase::kIpxeDhcp, Phase::kScriptDownload,
                  Phase::kKernelDownload, Phase::kLinkDown})
    if (s == to_string(p)) return p;
  return std::nullopt;
}

void Loader::read_expect(pugi::xml_node n, const std::vector<Machine>& machines, std::vector<Expectation>& out) {
  Reader r(*this, n);
  // One machine, every machine (""), or each machine of a <machine count> template: the expectations are
  // checked for each of them, as if written once per machine.
  std::vector<std::string> targets{""};
  if (r.has("machine")) {
    std::vector<std::string> names;
    for (auto& m : machines) names.push_back(m.name);
    targets = machines_named(n, "machine", names);
  }
  for (const std::string& machine : targets) read_expect_for(n, machine, out);
}

void Loader::read_expect_for(pugi::xml_node n, const std::string& machine, std::vector<Expectation>& out) {
  Reader r(*this, n);
  if (n.first_child().type() != pugi::node_element && !n.find_child([](pugi::xml_node c) { return c.type() == pugi::node_element; }))
    r.fail(ScenarioErrc::kMissingElement, nullptr, "<expect> is empty: give it <console>, <handoff>, … children");
  for (auto c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    Reader cr(*this, c);
    Expectation e;
    e.machine = machine;
    e.where = where(c);
    std::string kind = c.name();
    if (kind == "console" || kind == "no-console") {
      ExpectConsole x;
      x.present = kind == "console";
      x.text = *cr.text_value("text");
      if (x.text.empty()) cr.fail(ScenarioErrc::kBadValue, "text", "empty text");
      x.raw = *cr.boolean("raw");
      x.before = cr.duration("before");
      x.after = cr.duration("after");
      if (x.before && x.after && *x.after >= *x.before)
        cr.fail(ScenarioErrc::kConflict, "after", "after must be earlier than before");
      e.body = x;
    } else if (kind == "dhcp") {
      ExpectDhcp x;
      x.phase = *cr.choice("phase") == "rom" ? DhcpPhase::kRom : DhcpPhase::kIpxe;
      x.lease = *cr.choice("result") == "lease";
      x.uuid = cr.uuid("uuid");
      e.body = x;
    } else if (kind == "handoff") {
      ExpectHandoff x;
      std::string k = *cr.text_value("kernel");
      if (k.empty()) cr.fail(ScenarioErrc::kBadValue, "kernel", "empty kernel name (use any, none or an image name)");
      x.kind = k == "any" ? ExpectHandoff::Kind::kAny : k == "none" ? ExpectHandoff::Kind::kNone : ExpectHandoff::Kind::kKernel;
      if (x.kind == ExpectHandoff::Kind::kKernel) x.kernel = k;
      x.cmdline_contains = cr.text_value("cmdline-contains").value_or("");
      if (x.kind == ExpectHandoff::Kind::kNone && cr.has("cmdline-contains"))
        cr.fail(ScenarioErrc::kConflict, "cmdline-contains", "cmdline-contains does not apply to kernel=\"none\"");
      e.body = x;
    } else if (kind == "dropped-frames") {
      ExpectDroppedFrames x;
      x.min = *cr.uint("min");
      x.max = cr.uint("max");
      if (x.max && *x.max < x.min) cr.fail(ScenarioErrc::kConflict, "max", "max is smaller than min");
      e.body = x;
    } else if (kind == "chainload-loop") {
      ExpectChainloadLoop x;
      x.min = *cr.uint("min");
      if (x.min < 2) cr.fail(ScenarioErrc::kBadValue, "min", "a loop needs at least 2 downloads");
      e.body = x;
    } else if (kind == "nbp-downloads") {
      ExpectNbpDownloads x;
      x.file = *cr.text_value("file");
      if (x.file.empty()) cr.fail(ScenarioErrc::kBadValue, "file", "empty file name");
      auto count = cr.uint("count");
      auto min = cr.uint("min");
      x.max = cr.uint("max");
      if (count && (min || x.max)) cr.fail(ScenarioErrc::kConflict, "count", "count excludes min and max");
      if (!count && !min && !x.max)
        cr.fail(ScenarioErrc::kMissingAttribute, nullptr, "<nbp-downloads> needs count, or min, max or both");
      x.min = count ? *count : min.value_or(0);
      if (count) x.max = count;
      if (x.max && *x.max < x.min) cr.fail(ScenarioErrc::kConflict, "max", "max is smaller than min");
      e.body = x;
    } else if (kind == "phase") {
      ExpectPhaseDuration x;
      x.phase = *phase_from(*cr.choice("name"));
      x.min = cr.duration("min");
      x.max = cr.duration("max");
      if (!x.min && !x.max) cr.fail(ScenarioErrc::kMissingAttribute, nullptr, "<phase> needs min, max or both");
      if (x.min && x.max && *x.max < *x.min) cr.fail(ScenarioErrc::kConflict, "max", "max is smaller than min");
      e.body = x;
    } else if (kind == "exit") {
      ExpectExit x;
      std::string reason = *cr.choice("reason");
      for (StopReason s : {StopReason::kTimeLimit, StopReason::kNbpReturned, StopReason::kBootFailed, StopReason::kHandoff,
                           StopReason::kReset, StopReason::kGuestFault, StopReason::kRomFailed})
        if (reason == stop_reason_name(s)) x.reason = s;
      e.body = x;
    } else {
      assert(false && "check_tree admits only the schema's children");
    }
    out.push_back(std::move(e));
  }
}

}  // namespace bootsim::scenario::detail
