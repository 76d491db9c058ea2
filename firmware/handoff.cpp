#include "firmware/handoff.h"

#include <string>

#include "firmware/memory_map.h"
#include "sim/cpu/cpu.h"
#include "sim/core/errors.h"

namespace bootsim {

namespace {

std::string read_cstring(const Cpu& cpu, std::uint32_t addr, std::size_t max = 4096) {
  std::string s;
  for (std::size_t i = 0; i < max; ++i) {
    char c = static_cast<char>(cpu.read8(addr + static_cast<std::uint32_t>(i)));
    if (!c) break;
    s += c;
  }
  return s;
}

}  // namespace

void report_handoff(FirmwareHost& host, std::uint32_t kind, std::uint32_t arg) {
  Cpu& cpu = host.cpu();
  trace_kind::Handoff ev;
  try {
    if (kind == layout::kHandoffMultiboot) {
      // Multiboot 1 information structure (multiboot.h): flags@0, cmdline@16, mods_count@20, mods_addr@24.
      ev.protocol = "multiboot";
      std::uint32_t flags = cpu.read32(arg);
      ev.cmdline = (flags & (1u << 2)) ? read_cstring(cpu, cpu.read32(arg + 16)) : "";
      std::vector<trace_kind::HandoffModule> mods;
      if (flags & (1u << 3)) {
        std::uint32_t count = cpu.read32(arg + 20), addr = cpu.read32(arg + 24);
        for (std::uint32_t i = 0; i < count && i < 64; ++i) {
          std::uint32_t m = addr + i * 16;
          std::uint32_t start = cpu.read32(m), end = cpu.read32(m + 4);
          mods.push_back({read_cstring(cpu, cpu.read32(m + 8)), end - start});
        }
      }
      ev.modules = std::move(mods);
    } else if (kind == layout::kHandoffLinux) {
      // Linux boot protocol: setup header at base+0x1F1; cmd_line_ptr@0x228, ramdisk_image@0x218/size@0x21C.
      ev.protocol = "linux";
      std::uint32_t cmdptr = cpu.read32(arg + 0x228);
      ev.cmdline = cmdptr ? read_cstring(cpu, cmdptr) : "";
      ev.initrd_size = cpu.read32(arg + 0x21C);
    } else {
      // Not "kind": that key is the trace event's own type and would be overwritten.
      ev.protocol = "unknown";
      ev.handoff_kind = kind;
      ev.arg = arg;
    }
  } catch (const GuestFault& f) {
    ev.error = f.what();
  }
  std::string cmdline = ev.cmdline.value_or("");
  host.trace(ev);
  host.stop(StopReason::kHandoff, cmdline);
}

}  // namespace bootsim
