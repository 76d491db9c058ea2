// Host files and the checks that span elements: a path exists and is the kind of file it must be, a served
// root holds nothing a server would block on, every boot file DHCP names is served, expectations can hold.
// Done at load so that a mistake is an error with its location and not a failure in the middle of a run.
#include "sim/scenario/loader_detail.h"

#include <algorithm>
#include <cassert>
#include <filesystem>

#include "sim/core/host_paths.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/scenario/units.h"

namespace fs = std::filesystem;

namespace bootsim::scenario::detail {

std::optional<std::string> Reader::path(const char* name, const char* kind) {
  assert(spec(name).type == AttrType::kPath);
  auto t = str(name, true);
  if (!t) return std::nullopt;
  if (t->empty()) fail(ScenarioErrc::kBadValue, name, "empty path");
  fs::path p(*t);
  if (p.is_relative()) p = fs::path(l_.dir_) / p;
  p = p.lexically_normal();
  if (!l_.lenient_) {
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (!fs::exists(st)) fail(ScenarioErrc::kMissingFile, name, std::string(kind) + " '" + p.string() + "' does not exist");
    bool ok = std::string(kind) == "directory" ? fs::is_directory(st) : fs::is_regular_file(st);
    if (!ok) fail(ScenarioErrc::kBadFile, name, "'" + p.string() + "' is " + file_kind(p.string()) + ", not a " + kind);
  }
  return p.string();
}

std::optional<std::string> Reader::input_file(const char* name, std::uint64_t max_bytes) {
  auto p = path(name, "file");
  if (p && !l_.lenient_)
    if (auto why = input_file_problem(*p, max_bytes)) fail(ScenarioErrc::kBadFile, name, "'" + *p + "' " + *why);
  return p;
}

std::string Reader::relative_name(const char* name, const std::string& value) {
  if (auto why = relative_path_problem(value))
    fail(ScenarioErrc::kUnsafePath, name, "'" + printable(value) + "' " + *why + "; a plain relative path is needed");
  return value;
}

std::string served_root(Reader& r, const std::string& root) {
  if (auto why = served_root_problem(root)) r.fail(ScenarioErrc::kBadFile, "root", "'" + root + "' " + *why);
  return root;
}

/// rom-filename / ipxe-filename: a URL (scheme://…) or a name under the TFTP root, which must then be a
/// plain relative path (a leading '/' is how many configs write it and is allowed).
std::string boot_file_name(Reader& r, const char* attr, const std::string& value) {
  if (value.find("://") != std::string::npos) {
    for (char c : value)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
        r.fail(ScenarioErrc::kUnsafePath, attr, "'" + printable(value) + "' contains a control character");
    return value;
  }
  if (!value.empty()) r.relative_name(attr, value[0] == '/' ? value.substr(1) : value);
  return value;
}

void check_expectations(const std::vector<Machine>& machines, const std::vector<Expectation>& expectations) {
  for (const auto& e : expectations) {
    const auto* d = std::get_if<ExpectDhcp>(&e.body);
    if (!d || d->phase != DhcpPhase::kRom) continue;
    for (const auto& m : machines)
      if ((e.machine.empty() || e.machine == m.name) && m.start == FirmwareStart::kNbp)
        throw ScenarioError(ScenarioErrc::kConflict, e.where,
                            "machine '" + m.name + "' starts at its NBP (<firmware nbp>), so it has no ROM DHCP phase");
  }
}

namespace {

bool served(const std::string& root, const std::vector<ServedFile>& files, const std::string& name) {
  for (const auto& f : files)
    if (f.name == name) return true;
  std::error_code ec;
  return !root.empty() && fs::is_regular_file(fs::path(root) / name, ec);
}

}  // namespace

void Loader::cross_check(const Network& net, const std::vector<Machine>& machines) {
  if (lenient_ || net.dhcp.mode == DhcpMode::kNone) return;
  bool rom = std::any_of(machines.begin(), machines.end(), [](const Machine& m) { return m.start == FirmwareStart::kPxeRom; });
  check_boot_files(net, dhcp_node_, rom ? &net.dhcp.rom_filename : nullptr, &net.dhcp.ipxe_filename);
  for (size_t i = 0; i < net.dhcp.hosts.size() && i < dhcp_host_nodes_.size(); ++i) {
    const auto& h = net.dhcp.hosts[i];
    check_boot_files(net, dhcp_host_nodes_[i], rom && h.rom_filename ? &*h.rom_filename : nullptr,
                     h.ipxe_filename ? &*h.ipxe_filename : nullptr);
  }
}

void Loader::check_boot_files(const Network& net, pugi::xml_node node, const std::string* rom_file,
                              const std::string* ipxe_file) {
  if (net.external) return;  // the user's servers serve what their configs say; bootsim's <dhcp> is unused
  auto fail_at = [&](const char* attr, ScenarioErrc code, const std::string& what) {
    if (node && node.attribute(attr)) fail(code, node, attr, what);
    if (node) fail(code, node, nullptr, what);
    fail(code, doc_.child("scenario"), nullptr, what);
  };
  if (rom_file && !served(net.tftp.root, net.tftp.files, *rom_file))
    fail_at("rom-filename", ScenarioErrc::kMissingFile,
            "rom-filename '" + *rom_file + "' is not served by TFTP (" +
                (net.tftp.root.empty() ? std::string("no <tftp root>") : "not in " + net.tftp.root) +
                ", no <tftp><file name=\"" + *rom_file + "\">); a machine with rom=\"pxe\" boots it");
  if (!ipxe_file) return;
  const std::string& f = *ipxe_file;
  if (f.compare(0, 7, "http://") == 0) {
    std::string rest = f.substr(7);
    size_t slash = rest.find('/');
    std::string host = rest.substr(0, slash), name = slash == std::string::npos ? "" : rest.substr(slash + 1);
    std::uint16_t port = 80;
    if (size_t colon = host.find(':'); colon != std::string::npos) {
      auto p = parse_uint(host.substr(colon + 1));
      port = p && *p <= 65535 ? static_cast<std::uint16_t>(*p) : 0;
      host = host.substr(0, colon);
    }
    if (!net.http.enabled)
      fail_at("ipxe-filename", ScenarioErrc::kConflict, "ipxe-filename '" + f + "' is an HTTP URL but the network has no <http>");
    auto addr = parse_ipv4_strict(host);
    if (!addr || *addr != net.http.address || port != net.http.port)
      fail_at("ipxe-filename", ScenarioErrc::kConflict,
              "ipxe-filename '" + f + "' does not point at the <http> server (" + format_ipv4(net.http.address) +
                  (net.http.port != 80 ? ":" + std::to_string(net.http.port) : "") + ")");
    if (!served(net.http.root, net.http.files, name))
      fail_at("ipxe-filename", ScenarioErrc::kMissingFile,
              "ipxe-filename '" + f + "': '" + name + "' is not served by <http> (" +
                  (net.http.root.empty() ? std::string("no root") : "not in " + net.http.root) + ", no <file name=\"" + name + "\">)");
  } else if (f.find("://") == std::string::npos && !f.empty()) {
    if (!served(net.tftp.root, net.tftp.files, f))
      fail_at("ipxe-filename", ScenarioErrc::kMissingFile, "ipxe-filename '" + f + "' is not served by TFTP");
  }
}

}  // namespace bootsim::scenario::detail
