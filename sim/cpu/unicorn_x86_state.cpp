#include "sim/cpu/unicorn_x86_state.h"

namespace bootsim::unicorn_x86 {

namespace {
std::uint32_t read(uc_engine* uc, int id, bool& ok) {
  std::uint64_t v = 0;  // uc_reg_read of a 16-bit register fills only 2 bytes
  if (uc_reg_read(uc, id, &v) != UC_ERR_OK) ok = false;
  return static_cast<std::uint32_t>(v);
}
}  // namespace

bool layout_matches(uc_engine* uc, const std::uint8_t* env, std::size_t size) {
  if (size < kMinBytes) return false;
  // GDTR's base checks the segment cache's shape; DF is kept as +1/-1.
  uc_x86_mmr gdtr{};
  if (uc_reg_read(uc, UC_X86_REG_GDTR, &gdtr) != UC_ERR_OK) return false;
  bool ok = true;
  const std::uint32_t eflags = read(uc, UC_X86_REG_EFLAGS, ok), cr0 = read(uc, UC_X86_REG_CR0, ok);
  const bool same = reg32(env, kEax) == read(uc, UC_X86_REG_EAX, ok) &&
                    reg32(env, kEcx) == read(uc, UC_X86_REG_ECX, ok) &&
                    reg32(env, kEsi) == read(uc, UC_X86_REG_ESI, ok) &&
                    reg32(env, kEdi) == read(uc, UC_X86_REG_EDI, ok) &&
                    selector(env, kEs) == read(uc, UC_X86_REG_ES, ok) &&
                    selector(env, kCs) == read(uc, UC_X86_REG_CS, ok) &&
                    selector(env, kSs) == read(uc, UC_X86_REG_SS, ok) &&
                    selector(env, kDs) == read(uc, UC_X86_REG_DS, ok) &&
                    field<std::int32_t>(env, kDf) == ((eflags & 0x400) ? -1 : 1) &&
                    static_cast<std::uint32_t>(field<std::uint64_t>(env, kCr)) == cr0 &&
                    ((field<std::uint32_t>(env, kHflags) & kPe) != 0) == ((cr0 & 1) != 0) &&
                    field<std::uint64_t>(env, kGdt + kSegBase) == gdtr.base;
  return ok && same;
}

}  // namespace bootsim::unicorn_x86
