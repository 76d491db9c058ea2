// Where Unicorn 2.0.1 keeps the x86 CPU state: offsets into its CPUX86State (qemu/target/i386/cpu.h),
// which is both the bytes uc_context_save copies and the `env` the engine's own functions take.
//
// The x86 engine is built for QEMU's x86_64 target, so target_ulong is 8 bytes. The fields, in order:
// regs[16], eip, eflags, cc_dst, cc_src, cc_src2, cc_op, df, hflags, hflags2, segs[6] (selector, base,
// limit, flags), ldt, tr, gdt, idt, cr[5], a20_mask. Whoever reads or writes them must first check the
// layout with layout_matches(): another Unicorn build may lay the structure out differently, and then
// the code that relies on it must leave everything to the engine.
#pragma once

#include <unicorn/unicorn.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace bootsim::unicorn_x86 {

constexpr std::size_t kRegs = 0, kRegSize = 8;
constexpr std::size_t kDf = 172, kHflags = 176, kSegs = 184, kSegSize = 24, kSegBase = 8, kGdt = 376;
constexpr std::size_t kCr = 424;  ///< cr[0]; cr[n] at kCr + 8 * n
constexpr std::size_t kA20Mask = 464, kMinBytes = kA20Mask + 4;
constexpr int kEax = 0, kEcx = 1, kEsi = 6, kEdi = 7;
constexpr int kEs = 0, kCs = 1, kSs = 2, kDs = 3;

// CR0 bits (CR0_*_MASK).
constexpr std::uint64_t kCr0Pe = 1u << 0, kCr0Wp = 1u << 16, kCr0Pg = 1u << 31;

// hflags bits (HF_*_MASK).
constexpr std::uint32_t kInhibitIrq = 1u << 3, kCs32 = 1u << 4, kAddSeg = 1u << 6, kPe = 1u << 7, kTf = 1u << 8;
constexpr std::uint32_t kLma = 1u << 14, kCs64 = 1u << 15, kVm = 1u << 17;

template <typename T>
T field(const std::uint8_t* env, std::size_t off) {
  T v;
  std::memcpy(&v, env + off, sizeof v);
  return v;
}
inline std::uint32_t reg32(const std::uint8_t* env, int r) {
  return static_cast<std::uint32_t>(field<std::uint64_t>(env, kRegs + r * kRegSize));
}
inline std::uint16_t selector(const std::uint8_t* env, int s) {
  return static_cast<std::uint16_t>(field<std::uint32_t>(env, kSegs + s * kSegSize));
}
inline std::uint64_t seg_base(const std::uint8_t* env, int s) {
  return field<std::uint64_t>(env, kSegs + s * kSegSize + kSegBase);
}

/// Whether `env` (`size` bytes of `uc`'s state, as uc_context_save copies it) has the layout above:
/// every field named here compared with what uc_reg_read says of the same engine.
bool layout_matches(uc_engine* uc, const std::uint8_t* env, std::size_t size);

}  // namespace bootsim::unicorn_x86
