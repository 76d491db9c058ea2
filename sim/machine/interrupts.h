// Hardware interrupt delivery: takes the 8259 pair's pending request (firmware/pic.h) into the guest's
// handler at an instruction boundary where IF=1, as the CPU's INTA cycle would.
//
// Unicorn 2.0.1 cannot stop and resume the guest asynchronously (ref/unicorn-notes.md §6), so a request
// is delivered only where the machine already has control, synchronously:
//  - at HLT (the CPU left uc_emu_start; an interrupt is what wakes a halted CPU);
//  - at the BIOS service stubs' IRET, when the caller's FLAGS (which the IRET restores) have IF=1: the
//    IRET frame is rewritten so that the IRET itself enters the handler with the caller's frame below;
//  - at the PXE entry's RETF, when IF=1: the far return and the interrupt are done together;
//  - in the `sti; nop; nop; cli` windows drivers open for their interrupt (iPXE's undinet_poll and
//    bios_currticks): the second `nop` of each window gets a one-instruction code hook, and the request
//    is taken there, after the instruction that follows the `sti`, as a PC takes it;
//  - at the start of any translated block (the machine's block hook), when IF=1: a guest that spins
//    with interrupts enabled and no trap (PXELINUX's 32-bit core polling the keyboard, which counts its
//    TIMEOUT in an INT 1Ch hook) gets the request at the next block boundary. The block has not run an
//    instruction yet, so writing CS:EIP there leaves the block and resumes in the handler (the same
//    synchronous PC write sim/cpu/rdtsc_trap.cpp restarts blocks with). A block that may follow an
//    instruction with an interrupt shadow (`sti`, `mov ss`, `pop ss`: each ends its block) is left
//    alone, as is one starting with HLT (taken at the HLT) or an `sti; nop; nop; cli` window's body.
// Real mode goes through the IVT (push FLAGS, CS, IP; clear IF, TF). Protected mode (iPXE's 32-bit code,
// or 16-bit protected mode) goes through the IDT's interrupt or trap gate, with a 16- or 32-bit frame as
// the gate says, when the gate is present and its selector is the current CS; otherwise (no IDT, a gate
// to another code segment) the request stays pending until a point where it can be taken: loading a new
// CS descriptor from inside a hook is not something Unicorn 2.0.1 does reliably, and a PC would
// triple-fault on a missing gate, which is no state to continue a boot from.
#pragma once

#include <cstdint>

#include "firmware/pic.h"
#include "sim/cpu/cpu.h"

namespace bootsim {

class InterruptDelivery {
 public:
  InterruptDelivery(Cpu& cpu, Pic& pic) : cpu_(cpu), pic_(pic) {}

  /// After a HLT (outside uc_emu_start): CS:EIP is the instruction after the HLT.
  bool at_hlt();
  /// In the code hook on the second instruction of an interrupt window, at linear address `addr`.
  bool at_window(std::uint32_t addr);
  /// Whether the PIC has a request the CPU could take now if IF were set (the block hook's cheap test).
  bool pending() const { return pic_.pending_vector().has_value(); }
  /// In the block hook, before the block at linear `addr` runs. `after_shadow` says the previous block
  /// may have ended with an instruction whose interrupt shadow covers this block's first instruction.
  bool at_block(std::uint32_t addr, bool after_shadow);
  /// In the code hook of a BIOS stub's IRET, SS:SP on the caller's IRET frame (real mode).
  bool at_iret_stub();
  /// In the code hook of the PXE entry's RETF, SS:SP on the caller's far return address (real mode).
  bool at_retf_stub();

  /// Interrupts taken into the guest, and requests left pending because the guest's protected-mode
  /// IDT could not take them at that point.
  std::uint64_t delivered() const { return delivered_; }
  /// The last interrupt taken: its 8259 input, vector and whether the guest was in protected mode.
  struct Taken {
    int irq = -1;
    std::uint8_t vector = 0;
    bool protected_mode = false;
  };
  const Taken& last() const { return last_; }
  std::uint64_t deferred() const { return deferred_; }

 private:
  /// The instruction boundary the handler returns to.
  struct Resume {
    std::uint16_t cs;
    std::uint32_t eip;
    std::uint32_t eflags;
  };
  /// Pushes the interrupt frame for `at` and enters the handler of the pending request. False (nothing
  /// changed) when nothing is pending, IF is clear in at.eflags, or protected mode cannot take it.
  bool enter(const Resume& at);
  bool enter_real(const Resume& at, std::uint8_t vector);
  bool enter_protected(const Resume& at, std::uint8_t vector);
  /// Acknowledges the request on the PIC and records it as taken.
  void taken(std::uint8_t vector);

  Cpu& cpu_;
  Pic& pic_;
  std::uint64_t delivered_ = 0, deferred_ = 0;
  Taken last_;
};

}  // namespace bootsim
