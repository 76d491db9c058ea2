// The built-in NIC profiles. Each number says where it comes from; where it is a model choice rather than
// a measurement, the comment says so and what it was tuned to reproduce.
#include "nicmodels/link_profile.h"

namespace bootsim {

namespace {

LinkProfile generic() {
  LinkProfile p;
  p.name = "generic";
  p.description = "ideal NIC: the link never drops";
  // 8086:100e is the e1000 that QEMU emulates; subsystem 1af4:1100 as QEMU reports it.
  p.source = "QEMU e1000 identity; no link model";
  return p;
}

LinkProfile intel_like() {
  LinkProfile p;
  p.name = "intel-like";
  p.description = "Intel-like: the PHY keeps link across UNDI re-initialisation";
  p.pci_vendor = 0x8086;
  p.pci_device = 0x1533;  // I210, a common server LOM
  p.pci_subvendor = 0x8086;
  p.pci_subdevice = 0x0001;
  // Intel's PXE ROM leaves the PHY up when the NBP re-opens UNDI; only a real reset renegotiates.
  // Model choice: a reset costs ~2 s of autonegotiation (IEEE 802.3 clause 28 typical, not measured).
  p.drop_on_reset = true;
  p.autoneg = SimTime::from_ms(2000);
  p.jitter = SimTime::from_ms(300);
  p.source = "model: link kept across UNDI_SHUTDOWN/INITIALIZE; 2 s autoneg on reset (802.3 cl. 28 typical)";
  return p;
}

LinkProfile broadcom_like() {
  LinkProfile p;
  p.name = "broadcom-like";
  p.description = "Broadcom-like: the link drops when the NBP re-initialises UNDI and returns late";
  p.pci_vendor = 0x14e4;
  p.pci_device = 0x1657;  // BCM5719, NetXtreme on many rack servers
  p.pci_subvendor = 0x14e4;
  p.pci_subdevice = 0x1657;
  p.pci_revision = 0x01;
  // The seed article: after undionly.kpxe re-opens the NIC, iPXE's DHCP times out, while `sleep 10`
  // before `ifopen net0` works. Model choice tuned to that: the link is lost on UNDI_SHUTDOWN and again on
  // UNDI_INITIALIZE and returns 12.5–13.5 s later — after stock iPXE's last DISCOVER (≈9.3 s) and after
  // `sleep 5`'s last one (≈12.2 s), but before `sleep 10`'s (≈17.2 s).
  p.drop_on_shutdown = true;
  p.drop_on_initialize = true;
  p.drop_on_reset = true;
  p.autoneg = SimTime::from_ms(12500);
  p.jitter = SimTime::from_ms(1000);
  p.source = "model tuned to the seed article (stock DHCP times out, sleep 10 works)";
  return p;
}

}  // namespace

std::optional<LinkProfile> find_profile(const std::string& name) {
  if (name == "generic") return generic();
  if (name == "intel-like") return intel_like();
  if (name == "broadcom-like") return broadcom_like();
  return std::nullopt;
}

std::vector<std::string> profile_names() { return {"generic", "intel-like", "broadcom-like"}; }

}  // namespace bootsim
