#include "nicmodels/profile_registry.h"

#include <cstdio>

namespace bootsim {

const std::vector<ProfileField>& profile_fields() {
  using K = ProfileField::Kind;
  static const std::vector<ProfileField> fields = {
      {"pci-vendor", K::kHex16, "PCI vendor ID (UNDI_GET_NIC_TYPE, the PCI BIOS)"},
      {"pci-device", K::kHex16, "PCI device ID"},
      {"pci-subvendor", K::kHex16, "PCI subsystem vendor ID"},
      {"pci-subdevice", K::kHex16, "PCI subsystem ID"},
      {"pci-revision", K::kHex8, "PCI revision ID"},
      {"speed", K::kBitRate, "link speed reported to the NBP (UNDI_GET_IFACE_INFO)"},
      {"irq", K::kIrq, "ISA IRQ the ROM reports (0: none, the NBP polls)"},
      {"drop-on-initialize", K::kBool, "UNDI_INITIALIZE drops the link"},
      {"drop-on-reset", K::kBool, "UNDI_RESET_ADAPTER drops the link"},
      {"drop-on-shutdown", K::kBool, "UNDI_SHUTDOWN drops the link"},
      {"drop-on-open", K::kBool, "UNDI_OPEN drops the link"},
      {"autoneg", K::kDuration, "link-down time after a disturbing UNDI call"},
      {"jitter", K::kDuration, "extra link-down time, uniform in [0, jitter], from the scenario's seed"},
  };
  return fields;
}

namespace {

std::string hex(unsigned v, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", digits, v);
  return buf;
}

/// The shortest exact spelling parse_duration reads back: "2s", "12.5s", "300ms", "40us", "7ns".
std::string duration(SimTime t) {
  std::int64_t ns = t.ns;
  if (ns == 0) return "0s";
  if (ns % 1000000000 == 0) return std::to_string(ns / 1000000000) + "s";
  if (ns >= 1000000000 && ns % 1000000 == 0) {
    std::string frac = std::to_string(ns % 1000000000 / 1000000 + 1000).substr(1);
    while (frac.back() == '0') frac.pop_back();
    return std::to_string(ns / 1000000000) + "." + frac + "s";
  }
  if (ns % 1000000 == 0) return std::to_string(ns / 1000000) + "ms";
  if (ns % 1000 == 0) return std::to_string(ns / 1000) + "us";
  return std::to_string(ns) + "ns";
}

std::string bitrate(std::uint64_t bps) {
  if (bps != 0 && bps % 1000000000 == 0) return std::to_string(bps / 1000000000) + "Gbps";
  if (bps != 0 && bps % 1000000 == 0) return std::to_string(bps / 1000000) + "Mbps";
  if (bps != 0 && bps % 1000 == 0) return std::to_string(bps / 1000) + "kbps";
  return std::to_string(bps) + "bps";
}

}  // namespace

std::string format_profile_value(const LinkProfile& p, const ProfileField& f) {
  const std::string n = f.name;
  if (n == "pci-vendor") return hex(p.pci_vendor, 4);
  if (n == "pci-device") return hex(p.pci_device, 4);
  if (n == "pci-subvendor") return hex(p.pci_subvendor, 4);
  if (n == "pci-subdevice") return hex(p.pci_subdevice, 4);
  if (n == "pci-revision") return hex(p.pci_revision, 2);
  if (n == "speed") return bitrate(p.link_speed_bps);
  if (n == "irq") return std::to_string(p.irq);
  if (n == "drop-on-initialize") return p.drop_on_initialize ? "true" : "false";
  if (n == "drop-on-reset") return p.drop_on_reset ? "true" : "false";
  if (n == "drop-on-shutdown") return p.drop_on_shutdown ? "true" : "false";
  if (n == "drop-on-open") return p.drop_on_open ? "true" : "false";
  if (n == "autoneg") return duration(p.autoneg);
  if (n == "jitter") return duration(p.jitter);
  return "?";
}

std::string ProfileEntry::source_of(const std::string& field) const {
  auto it = sources.find(field);
  return it == sources.end() ? "" : it->second;
}

bool ProfileRegistry::add(ProfileEntry e) {
  if (find(e.profile.name)) return false;
  entries_.push_back(std::move(e));
  return true;
}

const ProfileEntry* ProfileRegistry::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e.profile.name == name) return &e;
  return nullptr;
}

std::vector<std::string> ProfileRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.profile.name);
  return out;
}

}  // namespace bootsim
