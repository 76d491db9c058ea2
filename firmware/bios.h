// The PC BIOS as the NBP sees it: IVT, BIOS data area, and the interrupt services iPXE uses
// (ref/ipxe-platform-contract.md §3), each serviced by the host when the guest reaches its stub.
//
// All 256 vectors point at one-byte IRET stubs at F000:1000+n. iPXE hooks INT 15h/16h/1Ah and chains to
// the old vector by far jump, so the service must be real code at that address: a host code hook on the
// stub range runs service(n) just before the IRET executes. Results in CF/ZF are merged into the FLAGS
// image the IRET pops.
#pragma once

#include <cstdint>
#include <set>
#include <utility>

#include "firmware/host.h"
#include "firmware/pic.h"
#include "firmware/video.h"

namespace bootsim {

class Bios {
 public:
  explicit Bios(FirmwareHost& host) : host_(host), video_(host) {}

  /// Writes IVT, BDA, EBDA, the ROM stubs and the BIOS ROM signature area into guest memory.
  void install();
  /// Services interrupt `vector`; the guest is at the stub's IRET with SS:SP on the IRET frame.
  void service(std::uint8_t vector);

  /// Writes the BIOS tick counter (BDA 0x46C) for virtual time `now`, as the timer interrupt would.
  /// The count always follows the clock (a guest that never enables interrupts sees it as on a PC whose
  /// IRQ0 it never blocked); INT 08h, when the guest takes IRQ0, brings it up to date the same way.
  void update_ticks(SimTime now);

  /// The PIC the hardware interrupt handlers send their EOIs to (set before install()).
  void attach_pic(Pic* pic) { pic_ = pic; }
  /// Services the host step of a hardware interrupt handler at linear `addr` in
  /// F000:kIrqRoutinesOff..kIrqRoutinesEnd (memory_map.h): tick count, EOIs.
  void irq_routine(std::uint32_t addr);
  /// BIOS ticks (18.2065 Hz, 1193182/65536) elapsed by `t`, from tick 0 at t = 0.
  static std::uint64_t ticks_at(SimTime t);
  /// The earliest time at which ticks_at() reaches `tick`.
  static SimTime time_of_tick(std::uint64_t tick);

  /// The video BIOS and its text screen (INT 10h lives there).
  Video& video() { return video_; }

  /// Initial tick count (time of day at power-on), derived from the scenario seed.
  void set_tick_base(std::uint32_t ticks) { tick_base_ = ticks; }

 private:
  void int15_system();
  void int16_keyboard();
  void int1a_time_pci();
  void set_flags(bool cf, std::optional<bool> zf = std::nullopt);
  void unsupported(std::uint8_t vector, std::uint16_t ax);

  FirmwareHost& host_;
  Pic* pic_ = nullptr;
  std::uint32_t tick_base_ = 0;
  std::uint32_t last_ticks_written_ = 0xFFFFFFFF;
  Video video_;
  std::set<std::pair<int, int>> reported_unsupported_;
};

}  // namespace bootsim
