// The I/O ports a PC BIOS machine answers (ref/ipxe-platform-contract.md §4): 8254 PIT (channel 0 count,
// channel 2 gate/OUT2 for iPXE's udelay), 8259 PIC pair (firmware/pic.h), CMOS/RTC, A20 (92h), keyboard controller
// status, POST port 80h, and the handoff ports the sentinel payloads report through.
// Every value that depends on time is derived from the virtual clock when the guest reads it.
#pragma once

#include <cstdint>
#include <set>

#include "firmware/host.h"
#include "firmware/pic.h"

namespace bootsim {

class IoPorts {
 public:
  explicit IoPorts(FirmwareHost& host) : host_(host) {}

  std::uint32_t in(std::uint16_t port, int size);
  void out(std::uint16_t port, int size, std::uint32_t value);

  /// The 8259 pair behind ports 20h/21h/A0h/A1h; the machine raises lines and takes interrupts from it.
  Pic& pic() { return pic_; }
  const Pic& pic() const { return pic_; }

 private:
  std::uint64_t pit_counts(SimTime t) const;  // PIT input clock pulses since t = 0
  /// When what a read of PIT `port` (40h, 42h, 61h) returns next changes, for the idle rule
  /// (FirmwareHost::time_read).
  SimTime pit_changes_at(std::uint16_t port) const;
  std::uint8_t cmos_read(std::uint8_t index) const;
  void unsupported(const char* dir, std::uint16_t port);

  FirmwareHost& host_;
  // PIT channel 2 (speaker timer used by udelay): mode-0 one-shot started when the count is complete.
  std::uint16_t ch2_count_ = 0;
  bool ch2_lsb_next_ = true;
  SimTime ch2_start_{};
  bool ch2_armed_ = false;
  std::uint8_t port61_ = 0;
  // PIT channel 0 latch for reads through port 40h.
  std::uint16_t ch0_latch_ = 0;
  bool ch0_lsb_next_ = true;
  Pic pic_;
  std::uint8_t cmos_index_ = 0;
  std::uint8_t port92_ = 0x02;
  std::uint32_t handoff_kind_ = 0;
  std::set<std::uint16_t> reported_;
};

}  // namespace bootsim
