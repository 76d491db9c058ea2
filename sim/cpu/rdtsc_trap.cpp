#include "sim/cpu/rdtsc_trap.h"

#include <cstring>

#include "sim/core/errors.h"

namespace bootsim {

RdtscTrap::RdtscTrap(Cpu& cpu, std::function<void(std::uint32_t)> on_rdtsc)
    : cpu_(cpu), on_rdtsc_(std::move(on_rdtsc)) {}

RdtscTrap::~RdtscTrap() {
  for (auto h : hooks_) uc_hook_del(cpu_.uc(), h);
}

bool RdtscTrap::check_block(std::uint64_t addr, std::uint32_t size) {
  // The hot path: every executed block passes here. memchr for the 0F escape byte keeps it to a few
  // nanoseconds for the usual 10-30 byte block.
  if (addr >= cpu_.ram_size() || size < 2 || size > cpu_.ram_size() - addr) return false;
  const std::uint8_t* p = cpu_.ram() + addr;
  const std::uint8_t* end = p + size - 1;  // the 31h must lie inside the block too
  bool added = false;
  for (const std::uint8_t* q = p; (q = static_cast<const std::uint8_t*>(std::memchr(q, 0x0F, end - q))); ++q) {
    if (q[1] != 0x31) continue;
    std::uint32_t site = static_cast<std::uint32_t>(addr + (q - p));
    if (!sites_.insert(site).second) continue;
    if (sites_.size() > kMaxSites)
      throw GuestFault("rdtsc_sites", "more than " + std::to_string(kMaxSites) + " RDTSC sites in executed code");
    uc_hook h;
    uc_check(uc_hook_add(cpu_.uc(), &h, UC_HOOK_CODE, reinterpret_cast<void*>(&RdtscTrap::hook_code), this, site,
                         site),
             "uc_hook_add(RDTSC)");
    hooks_.push_back(h);
    added = true;
  }
  if (!added) return false;
  // Drop the translation made without the hook and start the block again (see the header).
  uc_check(uc_ctl_remove_cache(cpu_.uc(), addr, addr + size), "uc_ctl_remove_cache");
  cpu_.set_reg(UC_X86_REG_EIP, static_cast<std::uint32_t>(addr) - cpu_.cs_base());
  return true;
}

void RdtscTrap::complete(std::uint32_t linear, std::uint64_t tsc) {
  cpu_.set_reg(UC_X86_REG_EAX, static_cast<std::uint32_t>(tsc));
  cpu_.set_reg(UC_X86_REG_EDX, static_cast<std::uint32_t>(tsc >> 32));
  // Inside a code hook Unicorn 2.0.1 has synced EIP to the linear address; write the CS-relative offset.
  cpu_.set_reg(UC_X86_REG_EIP, linear + 2 - cpu_.cs_base());
}

void RdtscTrap::hook_code(uc_engine*, std::uint64_t addr, std::uint32_t, void* user) {
  auto* t = static_cast<RdtscTrap*>(user);
  // Code may have changed since the site was found: only a real RDTSC is ours.
  std::uint32_t a = static_cast<std::uint32_t>(addr);
  if (a + 2 > t->cpu_.ram_size() || t->cpu_.ram()[a] != 0x0F || t->cpu_.ram()[a + 1] != 0x31) return;
  t->on_rdtsc_(a);
}

}  // namespace bootsim
