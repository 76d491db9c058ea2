// REP MOVS and REP STOS in one host step: the same instruction, the same results, without a block per byte.
//
// Unicorn 2.0.1 (QEMU 5's translator) runs a REP string instruction one iteration per pass through its
// translated block, and each pass enters the machine's block hook; each store of a pass goes through
// Unicorn's slow store path (notdirty_write: a page_collection_lock with a fresh GTree per store, because
// Unicorn 2.0.1 marks all RAM clean forever). A booting iPXE spends more than half of its translated
// blocks so: the prefix's copy_bytes, librm's stack copies on every mode switch, memcpy and memset.
//
// run() is shown each block before it runs. A block that is a lone REP MOVS or REP STOS (a block that
// starts at one holds only it) with iterations left gets them done here, on guest RAM, in the order the
// CPU does them (element by element when source and destination overlap), with ECX/CX, ESI/SI and EDI/DI
// left as the last iteration leaves them; the translations of the bytes written are dropped as the
// engine's own stores would drop them. The block then finds its count at zero and ends. The caller
// counts the passes saved as blocks run (the idle rule and the watchdog see what they saw before), so
// traces are byte-identical with BOOTSIM_FAST_STRINGS=off, which leaves every iteration to the engine.
//
// What the CPU state says (segment bases as the descriptor caches hold them, the code segment's default
// sizes, the direction flag) comes from the bytes uc_context_save copies, laid out as Unicorn 2.0.1's
// CPUX86State (unicorn_x86_state.h). The layout is checked against uc_reg_read on first use; if it does
// not match, nothing is ever done here. Left to the engine: segment-override, LOCK and REPNE prefixes,
// 16-bit offsets that wrap, ranges outside RAM, paging, virtual-8086 and long mode, single-stepping, a
// pass in an interrupt shadow, and a destination that overlaps the instruction itself. Time does not pass
// inside a block (host entries advance the clock), so no interrupt can become due during the iterations
// done here.
#pragma once

#include <cstdint>

#include "sim/cpu/cpu.h"
#include "sim/cpu/unicorn_x86_state.h"

namespace bootsim {

class RepString {
 public:
  explicit RepString(Cpu& cpu);

  /// The translated block at linear `addr` (`size` bytes) is about to run. When it is a REP MOVS/STOS
  /// this class can do, does up to `max` of its iterations and returns how many (each one a pass through
  /// the block the engine will not make); else returns 0 and changes nothing.
  std::uint64_t run(std::uint32_t addr, std::uint32_t size, std::uint64_t max);

 private:
  enum class State { kUnchecked, kOn, kOff };

  Cpu& cpu_;
  State state_;
};

}  // namespace bootsim
