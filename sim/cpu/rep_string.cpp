#include "sim/cpu/rep_string.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace bootsim {

using namespace unicorn_x86;

namespace {

// Fewer passes than this are not worth the state copy.
constexpr std::uint32_t kMinCount = 8;

bool fast_strings_wanted() {
  const char* v = std::getenv("BOOTSIM_FAST_STRINGS");
  return !v || std::string_view(v) != "off";
}

}  // namespace

RepString::RepString(Cpu& cpu) : cpu_(cpu), state_(fast_strings_wanted() ? State::kUnchecked : State::kOff) {}

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
  if (state_ == State::kUnchecked) state_ = layout_matches(cpu_.uc(), env, env_size) ? State::kOn : State::kOff;
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
