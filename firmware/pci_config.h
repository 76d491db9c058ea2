// The PCI configuration space of the one NIC on bus 0, as the PCI BIOS (INT 1Ah B1xxh) reports it.
#pragma once

#include <array>
#include <cstdint>

#include "nicmodels/link_profile.h"

namespace bootsim {

class PciConfig {
 public:
  static constexpr std::uint16_t kBusDevFn = 0x0018;  // 00:03.0, where QEMU puts its first NIC

  explicit PciConfig(const LinkProfile& p) {
    put16(0x00, p.pci_vendor);
    put16(0x02, p.pci_device);
    put16(0x04, 0x0007);  // I/O, memory, bus master
    put16(0x06, 0x0010);  // capabilities list absent, fast back-to-back
    space_[0x08] = p.pci_revision;
    space_[0x0B] = 0x02;  // class: network, subclass 00 ethernet
    put16(0x2C, p.pci_subvendor);
    put16(0x2E, p.pci_subdevice);
    space_[0x3D] = 1;     // INTA#
  }
  std::uint16_t vendor() const { return static_cast<std::uint16_t>(space_[0] | space_[1] << 8); }
  std::uint16_t device() const { return static_cast<std::uint16_t>(space_[2] | space_[3] << 8); }

  /// Reads `size` bytes at `reg`; other functions and out-of-range registers read as all ones.
  std::uint32_t read(std::uint16_t bdf, std::uint16_t reg, int size) const {
    std::uint32_t ones = size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    if (bdf != kBusDevFn || reg + size > 256) return ones;
    std::uint32_t v = 0;
    for (int i = 0; i < size; ++i) v |= std::uint32_t{space_[reg + i]} << (8 * i);
    return v;
  }

 private:
  void put16(int at, std::uint16_t v) {
    space_[at] = v & 0xFF;
    space_[at + 1] = v >> 8;
  }
  std::array<std::uint8_t, 256> space_{};
};

}  // namespace bootsim
