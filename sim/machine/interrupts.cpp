#include "sim/machine/interrupts.h"

namespace bootsim {

namespace {
constexpr std::uint32_t kFlagTF = 1u << 8;
constexpr std::uint32_t kFlagIF = 1u << 9;
constexpr std::uint32_t kFlagNT = 1u << 14;
constexpr std::uint32_t kFlagRF = 1u << 16;

struct Descriptor {
  std::uint32_t base = 0;
  bool big = false;  ///< D/B bit: 32-bit stack
};

/// The GDT descriptor of `selector`; false for an LDT selector or one beyond the GDT's limit.
bool gdt_descriptor(const Cpu& cpu, std::uint16_t selector, Descriptor& out) {
  if (selector & 4) return false;
  uc_x86_mmr gdtr{};
  if (uc_reg_read(cpu.uc(), UC_X86_REG_GDTR, &gdtr) != UC_ERR_OK) return false;
  std::uint32_t index = selector & ~7u;
  if (index + 7 > gdtr.limit) return false;
  std::uint8_t d[8];
  cpu.read(static_cast<std::uint32_t>(gdtr.base) + index, d, 8);
  out.base = d[2] | (d[3] << 8) | (d[4] << 16) | (std::uint32_t{d[7]} << 24);
  out.big = d[6] & 0x40;
  return true;
}
}  // namespace

bool InterruptDelivery::enter(const Resume& at) {
  if (!(at.eflags & kFlagIF)) return false;
  auto vector = pic_.pending_vector();
  if (!vector) return false;
  bool ok = cpu_.protected_mode() ? enter_protected(at, *vector) : enter_real(at, *vector);
  if (!ok) {
    ++deferred_;
    return false;
  }
  taken(*vector);
  return true;
}

void InterruptDelivery::taken(std::uint8_t vector) {
  pic_.acknowledge();
  ++delivered_;
  std::uint8_t base0 = pic_.vector_base(0), base1 = pic_.vector_base(1);
  last_.vector = vector;
  last_.irq = vector >= base0 && vector < base0 + 8 ? vector - base0 : vector - base1 + 8;
  last_.protected_mode = cpu_.protected_mode();
}

bool InterruptDelivery::enter_real(const Resume& at, std::uint8_t vector) {
  std::uint16_t ss = static_cast<std::uint16_t>(cpu_.reg(UC_X86_REG_SS));
  std::uint16_t sp = static_cast<std::uint16_t>(cpu_.reg(UC_X86_REG_SP));
  std::uint16_t handler_ip = cpu_.read16(vector * 4u), handler_cs = cpu_.read16(vector * 4u + 2);
  sp = static_cast<std::uint16_t>(sp - 2);
  cpu_.write16(Cpu::linear(ss, sp), static_cast<std::uint16_t>(at.eflags));
  sp = static_cast<std::uint16_t>(sp - 2);
  cpu_.write16(Cpu::linear(ss, sp), at.cs);
  sp = static_cast<std::uint16_t>(sp - 2);
  cpu_.write16(Cpu::linear(ss, sp), static_cast<std::uint16_t>(at.eip));
  cpu_.set_reg(UC_X86_REG_SP, sp);
  cpu_.set_reg(UC_X86_REG_EFLAGS, at.eflags & ~(kFlagIF | kFlagTF));
  cpu_.set_reg(UC_X86_REG_CS, handler_cs);
  cpu_.set_reg(UC_X86_REG_EIP, handler_ip);
  return true;
}

bool InterruptDelivery::enter_protected(const Resume& at, std::uint8_t vector) {
  uc_x86_mmr idtr{};
  if (uc_reg_read(cpu_.uc(), UC_X86_REG_IDTR, &idtr) != UC_ERR_OK) return false;
  std::uint32_t at_gate = vector * 8u;
  if (at_gate + 7 > idtr.limit) return false;
  std::uint8_t g[8];
  cpu_.read(static_cast<std::uint32_t>(idtr.base) + at_gate, g, 8);
  std::uint8_t type = g[5] & 0x1F;
  bool present = g[5] & 0x80;
  bool gate32 = type == 0x0E || type == 0x0F;
  bool trap = type == 0x0F || type == 0x07;
  if (!present || !(gate32 || type == 0x06 || type == 0x07)) return false;
  std::uint16_t selector = static_cast<std::uint16_t>(g[2] | g[3] << 8);
  std::uint32_t offset = g[0] | (g[1] << 8);
  if (gate32) offset |= std::uint32_t{g[6]} << 16 | std::uint32_t{g[7]} << 24;
  if (selector != at.cs || cpu_.reg(UC_X86_REG_CS) != at.cs) return false;
  Descriptor ss;
  std::uint16_t ss_sel = static_cast<std::uint16_t>(cpu_.reg(UC_X86_REG_SS));
  if (!gdt_descriptor(cpu_, ss_sel, ss)) return false;
  std::uint32_t esp = cpu_.reg(UC_X86_REG_ESP);
  std::uint32_t mask = ss.big ? 0xFFFFFFFFu : 0xFFFFu;
  auto push = [&](std::uint32_t v) {
    std::uint32_t sp = ((esp & mask) - (gate32 ? 4 : 2)) & mask;
    esp = (esp & ~mask) | sp;
    if (gate32) cpu_.write32(ss.base + sp, v);
    else cpu_.write16(ss.base + sp, static_cast<std::uint16_t>(v));
  };
  push(at.eflags);
  push(at.cs);
  push(at.eip);
  cpu_.set_reg(UC_X86_REG_ESP, esp);
  std::uint32_t clear = kFlagTF | kFlagNT | kFlagRF | (trap ? 0 : kFlagIF);
  cpu_.set_reg(UC_X86_REG_EFLAGS, at.eflags & ~clear);
  cpu_.set_reg(UC_X86_REG_EIP, offset);
  return true;
}

bool InterruptDelivery::at_hlt() {
  Resume at{static_cast<std::uint16_t>(cpu_.reg(UC_X86_REG_CS)), cpu_.reg(UC_X86_REG_EIP),
            cpu_.reg(UC_X86_REG_EFLAGS)};
  return enter(at);
}

bool InterruptDelivery::at_window(std::uint32_t addr) {
  if (!pic_.pending_vector()) return false;  // the common case, every pass through a window: stay cheap
  // Inside a code hook EIP reads as the linear address (ref/unicorn-notes.md; Machine::fault): the
  // boundary is the hooked instruction, CS-relative.
  Resume at{static_cast<std::uint16_t>(cpu_.reg(UC_X86_REG_CS)), addr - cpu_.cs_base(), cpu_.reg(UC_X86_REG_EFLAGS)};
  return enter(at);
}

bool InterruptDelivery::at_block(std::uint32_t addr, bool after_shadow) {
  if (after_shadow || !pic_.pending_vector()) return false;  // every block passes here: stay cheap
  std::uint32_t eflags = cpu_.reg(UC_X86_REG_EFLAGS);
  if (!(eflags & kFlagIF)) return false;
  if (addr + 2 < cpu_.ram_size()) {
    const std::uint8_t* p = cpu_.ram() + addr;
    if (p[0] == 0xF4) return false;                                  // HLT: at_hlt takes it
    if (p[0] == 0x90 && p[1] == 0x90 && p[2] == 0xFA) return false;  // a window: at_window takes it
  }
  Resume at{static_cast<std::uint16_t>(cpu_.reg(UC_X86_REG_CS)), addr - cpu_.cs_base(), eflags};
  return enter(at);
}

bool InterruptDelivery::at_iret_stub() {
  if (cpu_.protected_mode()) return false;
  std::uint16_t ss = static_cast<std::uint16_t>(cpu_.reg(UC_X86_REG_SS));
  std::uint16_t sp = static_cast<std::uint16_t>(cpu_.reg(UC_X86_REG_SP));
  std::uint32_t caller_flags = cpu_.read16(Cpu::linear(ss, static_cast<std::uint16_t>(sp + 4)));
  if (!(caller_flags & kFlagIF)) return false;
  auto vector = pic_.pending_vector();
  if (!vector) return false;
  // The IRET pops a frame that enters the handler; the caller's frame stays below it as the handler's
  // own: exactly the state after an interrupt taken right after the IRET.
  std::uint16_t handler_ip = cpu_.read16(*vector * 4u), handler_cs = cpu_.read16(*vector * 4u + 2);
  std::uint16_t nsp = static_cast<std::uint16_t>(sp - 6);
  cpu_.write16(Cpu::linear(ss, nsp), handler_ip);
  cpu_.write16(Cpu::linear(ss, static_cast<std::uint16_t>(nsp + 2)), handler_cs);
  cpu_.write16(Cpu::linear(ss, static_cast<std::uint16_t>(nsp + 4)),
               static_cast<std::uint16_t>(caller_flags & ~(kFlagIF | kFlagTF)));
  cpu_.set_reg(UC_X86_REG_SP, nsp);
  taken(*vector);
  return true;
}

bool InterruptDelivery::at_retf_stub() {
  if (cpu_.protected_mode()) return false;
  std::uint32_t eflags = cpu_.reg(UC_X86_REG_EFLAGS);
  if (!(eflags & kFlagIF) || !pic_.pending_vector()) return false;
  // Do the RETF here, then take the interrupt at its target.
  std::uint16_t ss = static_cast<std::uint16_t>(cpu_.reg(UC_X86_REG_SS));
  std::uint16_t sp = static_cast<std::uint16_t>(cpu_.reg(UC_X86_REG_SP));
  Resume at{cpu_.read16(Cpu::linear(ss, static_cast<std::uint16_t>(sp + 2))), cpu_.read16(Cpu::linear(ss, sp)), eflags};
  cpu_.set_reg(UC_X86_REG_SP, static_cast<std::uint16_t>(sp + 4));
  std::uint8_t vector = *pic_.pending_vector();
  enter_real(at, vector);
  taken(vector);
  return true;
}

}  // namespace bootsim
