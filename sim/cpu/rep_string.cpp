#include "sim/cpu/rep_string.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace bootsim {

namespace {

// Unicorn 2.0.1's CPUX86State (qemu/target/i386/cpu.h; the x86 engine is built for the x86_64 target, so
// target_ulong is 8 bytes): regs[16], eip, eflags, cc_dst, cc_src, cc_src2, cc_op, df, hflags, hflags2,
// segs[6] (selector, base, limit, flags), ldt, tr, gdt, idt, cr[5], a20_mask.
constexpr std::size_t kRegs = 0, kRegSize = 8;
constexpr std::size_t kDf = 172, kHflags = 176, kSegs = 184, kSegSize = 24, kSegBase = 8, kGdt = 376, kCr = 424;
constexpr std::size_t kA20Mask = 464, kMinBytes = kA20Mask + 4;
constexpr int kEax = 0, kEcx = 1, kEsi = 6, kEdi = 7;
constexpr int kEs = 0, kCs = 1, kSs = 2, kDs = 3;

// hflags bits (HF_*_MASK).
constexpr std::uint32_t kInhibitIrq = 1u << 3, kCs32 = 1u << 4, kAddSeg = 1u << 6, kPe = 1u << 7, kTf = 1u << 8;
constexpr std::uint32_t kLma = 1u << 14, kCs64 = 1u << 15, kVm = 1u << 17;

// Fewer passes than this are not worth the state copy.
constexpr std::uint32_t kMinCount = 8;

template <typename T>
T field(const std::uint8_t* env, std::size_t off) {
  T v;
  std::memcpy(&v, env + off, sizeof v);
  return v;
}
std::uint32_t reg32(const std::uint8_t* env, int r) {
  return static_cast<std::uint32_t>(field<std::uint64_t>(env, kRegs + r * kRegSize));
}
std::uint16_t selector(const std::uint8_t* env, int s) {
  return static_cast<std::uint16_t>(field<std::uint32_t>(env, kSegs + s * kSegSize));
}
std::uint64_t seg_base(const std::uint8_t* env, int s) { return field<std::uint64_t>(env, kSegs + s * kSegSize + kSegBase); }

bool fast_strings_wanted() {
  const char* v = std::getenv("BOOTSIM_FAST_STRINGS");
  return !v || std::string_view(v) != "off";
}

}  // namespace

RepString::RepString(Cpu& cpu) : cpu_(cpu), state_(fast_strings_wanted() ? State::kUnchecked : State::kOff) {}

bool RepString::layout_matches(const std::uint8_t* env) {
  // Every field read here compared with what uc_reg_read says; GDTR's base checks the segment cache's shape.
  uc_x86_mmr gdtr{};
  if (uc_reg_read(cpu_.uc(), UC_X86_REG_GDTR, &gdtr) != UC_ERR_OK) return false;
  const std::uint32_t eflags = cpu_.reg(UC_X86_REG_EFLAGS), cr0 = cpu_.reg(UC_X86_REG_CR0);
  return reg32(env, kEax) == cpu_.reg(UC_X86_REG_EAX) && reg32(env, kEcx) == cpu_.reg(UC_X86_REG_ECX) &&
         reg32(env, kEsi) == cpu_.reg(UC_X86_REG_ESI) && reg32(env, kEdi) == cpu_.reg(UC_X86_REG_EDI) &&
         selector(env, kEs) == cpu_.reg(UC_X86_REG_ES) && selector(env, kCs) == cpu_.reg(UC_X86_REG_CS) &&
         selector(env, kSs) == cpu_.reg(UC_X86_REG_SS) && selector(env, kDs) == cpu_.reg(UC_X86_REG_DS) &&
         field<std::int32_t>(env, kDf) == ((eflags & 0x400) ? -1 : 1) &&
         static_cast<std::uint32_t>(field<std::uint64_t>(env, kCr)) == cr0 &&
         ((field<std::uint32_t>(env, kHflags) & kPe) != 0) == ((cr0 & 1) != 0) &&
         field<std::uint64_t>(env, kGdt + kSegBase) == gdtr.base;
}

std::uint64_t RepString::run(std::uint32_t addr, std::uint32_t size, std::uint64_t max) {
  if (state_ == State::kOff || max == 0) return 0;
  // The bytes first: nearly every block is something else.
  if (addr >= cpu_.ram_size() || cpu_.ram_size() - addr < 16) return 0;
  const std::uint8_t* code = cpu_.ram() + addr;
  bool opsize = false, adsize = false, rep = false;
  std::uint32_t len = 0;
  for (; len < 4; ++len) {
    if (code[len] == 0x66) opsize = true;
    else if (code[len] == 0x67) adsize = true;
    else if (code[len] == 0xF3) rep = true;
    else break;
  }
  const std::uint8_t op = code[len];
  if (!rep || (op != 0xA4 && op != 0xA5 && op != 0xAA && op != 0xAB) || len + 1 != size) return 0;
  const std::uint32_t ecx = cpu_.reg(UC_X86_REG_ECX);
  if (ecx < kMinCount && (ecx & 0xFFFF) < kMinCount) return 0;

  const auto [env, env_size] = cpu_.peek_context();
  if (state_ == State::kUnchecked) state_ = env_size >= kMinBytes && layout_matches(env) ? State::kOn : State::kOff;
  if (state_ == State::kOff) return 0;
  const std::uint32_t hflags = field<std::uint32_t>(env, kHflags);
  const std::uint64_t cr0 = field<std::uint64_t>(env, kCr);
  if ((hflags & (kInhibitIrq | kTf | kLma | kCs64 | kVm)) || (cr0 & 0x80000000u) ||
      field<std::int32_t>(env, kA20Mask) != -1)
    return 0;

  const bool cs32 = hflags & kCs32, addr32 = cs32 != adsize;
  const bool movs = op == 0xA4 || op == 0xA5;
  const std::uint32_t unit = (op == 0xA4 || op == 0xAA) ? 1 : (cs32 != opsize ? 4 : 2);
  const std::uint64_t width = addr32 ? 0x100000000ull : 0x10000ull;
  const std::uint64_t count = addr32 ? ecx : (ecx & 0xFFFF);
  if (count < kMinCount) return 0;
  const std::uint64_t n = std::min<std::uint64_t>(count, max);
  const bool down = field<std::int32_t>(env, kDf) == -1;
  const std::uint64_t bytes = n * unit;

  // QEMU adds a segment's base to a 32-bit offset only when some data segment has a non-zero base (ADDSEG).
  const bool add_base = !addr32 || (hflags & kAddSeg);
  struct Range {
    std::uint64_t first, low;  // linear address of the first element, and of the lowest byte
    bool ok;
  };
  auto range = [&](std::uint32_t offset_reg, int seg) {
    const std::uint64_t off = offset_reg & (width - 1);
    // The offsets must not wrap within the address size.
    if (down ? off + unit < bytes : off + bytes > width) return Range{0, 0, false};
    const std::uint64_t base = add_base ? seg_base(env, seg) : 0;
    const std::uint64_t first = (base + off) & 0xFFFFFFFFu;
    const std::uint64_t low = down ? first + unit - bytes : first;
    const bool inside = (!down || first + unit >= bytes) && low + bytes <= cpu_.ram_size();
    return Range{first, low, inside};
  };
  const std::uint32_t edi = reg32(env, kEdi), esi = reg32(env, kEsi);
  const Range dst = range(edi, kEs);
  const Range src = movs ? range(esi, kDs) : Range{0, 0, true};
  if (!dst.ok || !src.ok) return 0;
  if (dst.low < std::uint64_t{addr} + size && std::uint64_t{addr} < dst.low + bytes) return 0;

  std::uint8_t* ram = cpu_.guest_ram();
  if (movs) {
    const bool apart = dst.low + bytes <= src.low || src.low + bytes <= dst.low;
    if (apart) {
      std::memcpy(ram + dst.low, ram + src.low, bytes);
    } else {
      // Overlapping: one element at a time, in the CPU's order, so that later reads see earlier writes.
      const std::int64_t step = down ? -std::int64_t{unit} : std::int64_t{unit};
      for (std::uint64_t i = 0; i < n; ++i)
        std::memmove(ram + dst.first + i * step, ram + src.first + i * step, unit);
    }
  } else {
    const std::uint32_t eax = reg32(env, kEax);
    std::uint8_t value[4];
    std::memcpy(value, &eax, 4);  // little-endian host, as the guest
    if (unit == 1) {
      std::memset(ram + dst.low, value[0], bytes);
    } else {
      for (std::uint64_t i = 0; i < n; ++i) std::memcpy(ram + dst.low + i * unit, value, unit);
    }
  }

  auto advance = [&](std::uint32_t reg_value, std::uint64_t by, bool backwards) {
    const std::uint64_t off = reg_value & (width - 1);
    const std::uint64_t moved = (backwards ? off - by : off + by) & (width - 1);
    return static_cast<std::uint32_t>(addr32 ? moved : ((reg_value & 0xFFFF0000u) | moved));
  };
  cpu_.set_reg(UC_X86_REG_ECX, addr32 ? static_cast<std::uint32_t>(ecx - n)
                                      : static_cast<std::uint32_t>((ecx & 0xFFFF0000u) | ((ecx - n) & 0xFFFF)));
  cpu_.set_reg(UC_X86_REG_EDI, advance(edi, bytes, down));
  if (movs) cpu_.set_reg(UC_X86_REG_ESI, advance(esi, bytes, down));
  // As the engine's own stores would: translations of code in what was written are dropped.
  uc_check(uc_ctl_remove_cache(cpu_.uc(), dst.low, dst.low + bytes), "uc_ctl_remove_cache");
  return n;
}

}  // namespace bootsim
