// RDTSC as a host service: the guest's time stamp counter comes from virtual time, not from the host.
//
// Unicorn 2.0.1 executes RDTSC through helper_rdtsc, which returns the host's own cycle counter
// (cpu_get_tsc → cpu_get_host_ticks), and UC_HOOK_INSN accepts only IN, OUT, SYSCALL, SYSENTER and CPUID,
// so there is no direct hook. CR4.TSD faults only outside ring 0, and an IA32_TSC (MSR 10h) write only
// sets an offset to that host counter, which keeps running while the guest does. A code hook bounded to
// the address of each RDTSC does work: Unicorn decides at translation time whether an instruction calls a
// code hook, and such a hook may write EDX:EAX and move EIP past the instruction.
//
// So the machine's block hook shows every block to check_block() before it runs. A block whose bytes hold
// 0F 31 not yet trapped gets a code hook on that address, its translation is dropped (uc_ctl_remove_cache)
// and the block is restarted by writing EIP back to its first instruction (a PC write from a hook makes
// Unicorn leave the translation block before its first instruction and resume there: the same mechanism
// as the host's INT dispatch). The retranslated block calls the hook at the RDTSC; the hook asks the
// machine for the value and complete() writes it and skips the two bytes. 0F 31 bytes that are not an
// instruction (inside an immediate, say) only cost a hook that never fires. Prefixed forms (66 0F 31) and
// RDTSCP (0F 01 F9) are not trapped; no known NBP uses them.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <vector>

#include "sim/cpu/cpu.h"

namespace bootsim {

class RdtscTrap {
 public:
  /// `on_rdtsc(linear)` runs when the guest executes RDTSC at linear address `linear`; it must call
  /// complete() (or stop the machine). It runs inside a Unicorn hook.
  RdtscTrap(Cpu& cpu, std::function<void(std::uint32_t linear)> on_rdtsc);
  ~RdtscTrap();
  RdtscTrap(const RdtscTrap&) = delete;
  RdtscTrap& operator=(const RdtscTrap&) = delete;

  /// Looks at the translated block at linear `addr` (`size` bytes) just before it runs. Returns true
  /// when it held an RDTSC not trapped yet: the trap is now in place and the block restarts from its
  /// first instruction, so the caller must treat this call as if the block had not been entered.
  /// Throws GuestFault when the guest has more than kMaxSites candidate sites (runaway code).
  bool check_block(std::uint64_t addr, std::uint32_t size);

  /// Finishes the RDTSC at `linear`: EDX:EAX = `tsc`, execution continues after the instruction.
  void complete(std::uint32_t linear, std::uint64_t tsc);

  /// Distinct addresses trapped so far (each 0F 31 pair seen in executed code).
  size_t sites() const { return sites_.size(); }

  static constexpr size_t kMaxSites = 4096;

 private:
  static void hook_code(uc_engine* uc, std::uint64_t addr, std::uint32_t size, void* user);

  Cpu& cpu_;
  std::function<void(std::uint32_t)> on_rdtsc_;
  std::set<std::uint32_t> sites_;
  std::vector<uc_hook> hooks_;
};

}  // namespace bootsim
