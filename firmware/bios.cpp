#include "firmware/bios.h"

#include <cstdio>
#include <cstring>
#include <vector>

#include "firmware/memory_map.h"
#include "firmware/pci_config.h"
#include "sim/cpu/cpu.h"

namespace bootsim {

namespace {

constexpr std::uint32_t kFlagCF = 1u << 0;
constexpr std::uint32_t kFlagZF = 1u << 6;
constexpr std::uint32_t kSmap = 0x534D4150;  // "SMAP"
constexpr std::uint32_t kTicksPerDay = 0x1800B0;

struct E820Entry {
  std::uint64_t base, length;
  std::uint32_t type;  // 1 = RAM, 2 = reserved
};

std::vector<E820Entry> e820_map(std::uint32_t ram) {
  using namespace layout;
  return {
      {0, std::uint32_t{kEbdaSeg} << 4, 1},
      {std::uint32_t{kEbdaSeg} << 4, 0xA0000 - (std::uint32_t{kEbdaSeg} << 4), 2},
      {0xF0000, 0x10000, 2},
      {kExtendedBase, ram - kExtendedBase, 1},
  };
}

std::uint8_t bcd(unsigned v) { return static_cast<std::uint8_t>((v / 10) << 4 | (v % 10)); }

}  // namespace

std::uint64_t Bios::ticks_at(SimTime t) {
  // 1193182 Hz PIT input divided by 65536: one tick every 54.925 ms.
  return static_cast<std::uint64_t>(static_cast<unsigned __int128>(t.ns) * 1193182 / (65536ull * 1000000000ull));
}

SimTime Bios::time_of_tick(std::uint64_t tick) {
  unsigned __int128 num = static_cast<unsigned __int128>(tick) * 65536ull * 1000000000ull;
  return SimTime::from_ns(static_cast<std::int64_t>((num + 1193182 - 1) / 1193182));
}

void Bios::install() {
  using namespace layout;
  Cpu& cpu = host_.cpu();
  for (int n = 0; n < 256; ++n) {
    cpu.write16(n * 4, static_cast<std::uint16_t>(kIntStubOff + n));
    cpu.write16(n * 4 + 2, kBiosSeg);
  }
  std::vector<std::uint8_t> stubs(256, 0xCF);  // IRET
  cpu.write(kIntStubBase, stubs.data(), stubs.size());
  // Hardware interrupts: IRQ0 updates the tick count, chains INT 1Ch and sends its EOI, as a PC BIOS's
  // INT 08h does (PXELINUX and others hook 1Ch or 08h to count time); every other IRQ's default handler
  // just ends the interrupt.
  const std::uint8_t timer[] = {0x90, 0xCD, 0x1C, 0x90, 0xCF, 0xCF};
  cpu.write(0xF0000 + kTimerTickOff, timer, sizeof timer);
  cpu.write16(0x08 * 4, kTimerTickOff);
  cpu.write16(0x1C * 4, kUserTickOff);
  for (int irq = 1; irq < 16; ++irq) {
    std::uint16_t off = static_cast<std::uint16_t>(kIrqDefaultOff + 2 * irq);
    const std::uint8_t routine[] = {0x90, 0xCF};
    cpu.write(0xF0000 + off, routine, sizeof routine);
    if (irq != 2) cpu.write16((irq < 8 ? 0x08 + irq : 0x70 + irq - 8) * 4, off);
  }
  cpu.write8(kReturnStub, 0xF4);   // never executed: the host stops the run at this address
  cpu.write8(0xFFFF0, 0xF4);       // reset vector: iPXE's `reboot` jumps here
  const char date[] = "01/01/26";
  cpu.write(0xFFFF5, date, 8);
  cpu.write8(0xFFFFE, 0xFC);       // model byte: AT

  cpu.write16(0x410, 0x0020);      // equipment: 80x25 colour
  cpu.write16(kBdaFbms, kBaseCodeSeg / 64);
  cpu.write16(kBdaEbdaSeg, kEbdaSeg);
  cpu.write8(std::uint32_t{kEbdaSeg} << 4, 1);  // EBDA size in KB
  video_.install();
  update_ticks(host_.now());
}

void Bios::update_ticks(SimTime now) {
  std::uint64_t total = tick_base_ + ticks_at(now);
  std::uint32_t ticks = static_cast<std::uint32_t>(total % kTicksPerDay);
  if (ticks == last_ticks_written_) return;
  Cpu& cpu = host_.cpu();
  if (last_ticks_written_ != 0xFFFFFFFF && ticks < last_ticks_written_) cpu.write8(layout::kBdaMidnight, 1);
  cpu.write32(layout::kBdaTicks, ticks);
  last_ticks_written_ = ticks;
}

void Bios::irq_routine(std::uint32_t addr) {
  using namespace layout;
  std::uint32_t off = addr - 0xF0000;
  if (off == kTimerTickOff) {
    update_ticks(host_.now());
    return;
  }
  if (!pic_) return;
  if (off == kTimerEoiOff) {
    pic_->out(0x20, 0x20);
  } else if (off >= kIrqDefaultOff && off < kIrqRoutinesEnd && (off - kIrqDefaultOff) % 2 == 0) {
    if ((off - kIrqDefaultOff) / 2 >= 8) pic_->out(0xA0, 0x20);
    pic_->out(0x20, 0x20);
  }
}

void Bios::set_flags(bool cf, std::optional<bool> zf) {
  Cpu& cpu = host_.cpu();
  std::uint32_t frame = Cpu::linear(static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_SS)),
                                    static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_SP) + 4));
  std::uint16_t flags = cpu.read16(frame);
  flags = static_cast<std::uint16_t>(cf ? (flags | kFlagCF) : (flags & ~kFlagCF));
  if (zf) flags = static_cast<std::uint16_t>(*zf ? (flags | kFlagZF) : (flags & ~kFlagZF));
  cpu.write16(frame, flags);
}

void Bios::unsupported(std::uint8_t vector, std::uint16_t ax) {
  // Guest asked for something this BIOS does not implement: answer like a BIOS (CF=1, AH=86h),
  // record it once per function, carry on.
  if (reported_unsupported_.insert({vector, ax >> 8}).second) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02Xh AX=%04Xh", vector, ax);
    host_.trace(trace_kind::BiosCall{buf, "unsupported"});
  }
}

void Bios::service(std::uint8_t vector) {
  Cpu& cpu = host_.cpu();
  switch (vector) {
    case 0x10: video_.service(); break;
    case 0x11: cpu.set_reg(UC_X86_REG_AX, cpu.read16(0x410)); break;
    case 0x12: cpu.set_reg(UC_X86_REG_AX, cpu.read16(layout::kBdaFbms)); break;
    case 0x13:
      cpu.set_reg(UC_X86_REG_AH, 0x01);
      set_flags(true);
      unsupported(vector, static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_AX)));
      break;
    case 0x15: int15_system(); break;
    case 0x16: int16_keyboard(); break;
    case 0x18:
    case 0x19:
      host_.stop(StopReason::kBootFailed, vector == 0x18 ? "INT 18h: boot failed" : "INT 19h: bootstrap");
      break;
    case 0x1A: int1a_time_pci(); break;
    case 0x08: case 0x1C: case 0x70:  // timer IRQ and its user hook: nothing to do
      break;
    default: unsupported(vector, static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_AX))); break;
  }
}

void Bios::int15_system() {
  Cpu& cpu = host_.cpu();
  std::uint32_t eax = cpu.reg(UC_X86_REG_EAX);
  std::uint16_t ax = static_cast<std::uint16_t>(eax);
  std::uint32_t ram = cpu.ram_size();
  if (ax == 0xE820 && cpu.reg(UC_X86_REG_EDX) == kSmap) {
    auto map = e820_map(ram);
    std::uint32_t index = cpu.reg(UC_X86_REG_EBX);
    std::uint32_t size = cpu.reg(UC_X86_REG_ECX);
    if (index >= map.size() || size < 20) {
      cpu.set_reg(UC_X86_REG_AH, 0x86);
      set_flags(true);
      return;
    }
    std::uint8_t entry[24];
    std::memcpy(entry, &map[index].base, 8);
    std::memcpy(entry + 8, &map[index].length, 8);
    std::memcpy(entry + 16, &map[index].type, 4);
    std::uint32_t attrs = 1;  // "enabled": iPXE drops 24-byte entries without it
    std::memcpy(entry + 20, &attrs, 4);
    std::uint32_t n = size >= 24 ? 24 : 20;
    cpu.write(Cpu::linear(static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_ES)),
                          static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_DI))),
              entry, n);
    cpu.set_reg(UC_X86_REG_EAX, kSmap);
    cpu.set_reg(UC_X86_REG_ECX, n);
    cpu.set_reg(UC_X86_REG_EBX, index + 1 < map.size() ? index + 1 : 0);
    set_flags(false);
    return;
  }
  std::uint32_t ext_kb = (ram - layout::kExtendedBase) / 1024;
  switch (ax >> 8) {
    case 0x88:
      cpu.set_reg(UC_X86_REG_AX, ext_kb > 0xFC00 ? 0xFC00 : ext_kb);
      set_flags(false);
      return;
    case 0x24:  // A20 gate: always on in this machine
      cpu.set_reg(UC_X86_REG_AH, 0);
      if (ax == 0x2402) cpu.set_reg(UC_X86_REG_AL, 1);
      if (ax == 0x2403) cpu.set_reg(UC_X86_REG_BX, 3);
      set_flags(false);
      return;
    default: break;
  }
  if (ax == 0xE801) {
    std::uint32_t low = ext_kb > 0x3C00 ? 0x3C00 : ext_kb;
    std::uint32_t high = ram > 0x1000000 ? (ram - 0x1000000) / 65536 : 0;
    cpu.set_reg(UC_X86_REG_AX, low);
    cpu.set_reg(UC_X86_REG_CX, low);
    cpu.set_reg(UC_X86_REG_BX, high);
    cpu.set_reg(UC_X86_REG_DX, high);
    set_flags(false);
    return;
  }
  unsupported(0x15, ax);
  cpu.set_reg(UC_X86_REG_AH, 0x86);
  set_flags(true);
}

void Bios::int16_keyboard() {
  Cpu& cpu = host_.cpu();
  std::uint16_t ax = static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_AX));
  switch (ax >> 8) {
    case 0x00:
    case 0x10: {
      auto key = host_.take_key();
      cpu.set_reg(UC_X86_REG_AX, key.value_or(0));
      break;
    }
    case 0x01:
    case 0x11: {
      auto key = host_.peek_key();
      if (key) {
        cpu.set_reg(UC_X86_REG_AX, *key);
        set_flags(false, false);
      } else {
        host_.quiet_key_check();
        set_flags(false, true);
      }
      break;
    }
    case 0x02:
    case 0x12:
      cpu.set_reg(UC_X86_REG_AX, 0);
      break;
    case 0x05:
      host_.push_key(static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_CX)));
      cpu.set_reg(UC_X86_REG_AL, 0);
      set_flags(false);
      break;
    default:
      unsupported(0x16, ax);
      break;
  }
}

void Bios::int1a_time_pci() {
  Cpu& cpu = host_.cpu();
  std::uint16_t ax = static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_AX));
  std::uint32_t ticks = cpu.read32(layout::kBdaTicks);
  if ((ax >> 8) == 0x00 || (ax >> 8) == 0x02) host_.time_read(SimTime::max());  // changes with the tick
  switch (ax >> 8) {
    case 0x00:
      cpu.set_reg(UC_X86_REG_CX, ticks >> 16);
      cpu.set_reg(UC_X86_REG_DX, ticks & 0xFFFF);
      cpu.set_reg(UC_X86_REG_AL, cpu.read8(layout::kBdaMidnight));
      cpu.write8(layout::kBdaMidnight, 0);
      set_flags(false);
      return;
    case 0x02: {  // RTC time, from the tick count
      std::uint64_t secs = static_cast<std::uint64_t>(ticks) * 65536 / 1193182;
      cpu.set_reg(UC_X86_REG_CX, std::uint32_t{bcd(secs / 3600 % 24)} << 8 | bcd(secs / 60 % 60));
      cpu.set_reg(UC_X86_REG_DX, std::uint32_t{bcd(secs % 60)} << 8);
      set_flags(false);
      return;
    }
    case 0x04:  // RTC date: a fixed date, the machine has no calendar (2026-01-01)
      cpu.set_reg(UC_X86_REG_CX, 0x2026);
      cpu.set_reg(UC_X86_REG_DX, 0x0101);
      set_flags(false);
      return;
    default: break;  // 5650h/564Eh and the PCI BIOS (B1xxh) are decided on the whole AX below
  }
  if (ax == 0x5650) {  // PXE installation check (Plan C of the NBP's prefix)
    cpu.set_reg(UC_X86_REG_AX, 0x564E);
    cpu.set_reg(UC_X86_REG_ES, layout::kUndiDataSeg);
    cpu.set_reg(UC_X86_REG_BX, layout::kPxenvOff);
    set_flags(false);
    return;
  }
  if (ax == 0x564E) {  // iPXE's pxe_notify: a notification, answered like an unknown function
    host_.trace(trace_kind::BiosCall{"1Ah AX=564Eh", "pxe_notify"});
    cpu.set_reg(UC_X86_REG_AH, 0x86);
    set_flags(true);
    return;
  }
  if ((ax >> 8) == 0xB1) {
    PciConfig pci(host_.nic().profile());
    std::uint16_t bdf = static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_BX));
    std::uint16_t reg = static_cast<std::uint16_t>(cpu.reg(UC_X86_REG_DI));
    switch (ax & 0xFF) {
      case 0x01:  // installation check: mechanism 1, version 2.10, one bus
        cpu.set_reg(UC_X86_REG_EDX, 0x20494350);  // "PCI "
        cpu.set_reg(UC_X86_REG_AX, 0x0001);
        cpu.set_reg(UC_X86_REG_BX, 0x0210);
        cpu.set_reg(UC_X86_REG_CL, 0);
        set_flags(false);
        return;
      case 0x02: {  // find device
        bool match = cpu.reg(UC_X86_REG_DX) == pci.vendor() && cpu.reg(UC_X86_REG_CX) == pci.device() &&
                     cpu.reg(UC_X86_REG_SI) == 0;
        cpu.set_reg(UC_X86_REG_AH, match ? 0x00 : 0x86);
        if (match) cpu.set_reg(UC_X86_REG_BX, PciConfig::kBusDevFn);
        set_flags(!match);
        return;
      }
      case 0x08: cpu.set_reg(UC_X86_REG_CL, pci.read(bdf, reg, 1)); break;
      case 0x09: cpu.set_reg(UC_X86_REG_CX, pci.read(bdf, reg, 2)); break;
      case 0x0A: cpu.set_reg(UC_X86_REG_ECX, pci.read(bdf, reg, 4)); break;
      case 0x0B: case 0x0C: case 0x0D: break;  // config writes are ignored
      default:
        unsupported(0x1A, ax);
        cpu.set_reg(UC_X86_REG_AH, 0x81);
        set_flags(true);
        return;
    }
    cpu.set_reg(UC_X86_REG_AH, 0);
    set_flags(false);
    return;
  }
  unsupported(0x1A, ax);
  cpu.set_reg(UC_X86_REG_AH, 0x86);
  set_flags(true);
}

}  // namespace bootsim
