// Vendor-like NIC behaviour as data. A "Broadcom-like" NIC is a profile, not a code branch. The built-in
// profiles are files (nicmodels/profiles/*.xml, every value with its unit and source), read by the scenario
// loader (sim/scenario/nic_profiles.h) into a ProfileRegistry (nicmodels/profile_registry.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/sim_time.h"

namespace bootsim {

struct LinkProfile {
  std::string name;            ///< "generic", "intel-like", "broadcom-like", …
  std::string description;     ///< one line for reports
  // PCI identity reported through UNDI_GET_NIC_TYPE and the PCI BIOS.
  std::uint16_t pci_vendor = 0x8086, pci_device = 0x100e;
  std::uint16_t pci_subvendor = 0x1af4, pci_subdevice = 0x1100;
  std::uint8_t pci_revision = 0x03;
  std::uint32_t link_speed_bps = 1000000000;
  /// The ISA IRQ the NIC's interrupt line is wired to and the ROM reports (UNDI_GET_INFORMATION
  /// IntNumber, SUPPORTED_IRQ in GET_IFACE_INFO). 0: the ROM reports none and NBPs that can poll do
  /// (iPXE's fallback); no built-in profile sets one, a scenario's <nic irq="11"> does.
  std::uint8_t irq = 0;
  // Which UNDI calls make the PHY renegotiate (link drops, then returns after `autoneg`).
  bool drop_on_initialize = false;
  bool drop_on_reset = false;
  bool drop_on_shutdown = false;
  bool drop_on_open = false;
  SimTime autoneg{};           ///< link-down time after a disturbing call
  SimTime jitter{};            ///< uniform extra time in [0, jitter], from the seeded generator
  std::string source;          ///< where the numbers come from, in one line (cited in reports)
};

/// The switch port behind the NIC (what the cable plugs into). After every link-up an STP port passes
/// through listening and learning (forward_delay each) before it forwards; RSTP also tells the NIC so,
/// with BPDUs every `hello` whose forwarding flag is clear, which iPXE honours (net/stp.c).
struct SwitchPortConfig {
  enum class Mode { kEdge, kPortfast, kStp, kRstp } mode = Mode::kEdge;
  SimTime forward_delay = SimTime::from_s(15);  ///< IEEE 802.1D default
  SimTime hello = SimTime::from_s(2);           ///< IEEE 802.1D default
};

}  // namespace bootsim
