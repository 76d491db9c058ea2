// Unicorn 2.0.1's CR0 writes, without the TLB flush that a switch between real and protected mode does
// not need when paging is off.
//
// QEMU (and so Unicorn) empties a CPU's whole TLB and its jump cache on any CR0 write that changes PG, WP
// or PE (cpu_x86_update_cr0). With paging off the translation from a linear to a physical address is the
// same in real and in protected mode (the address itself, under the A20 mask), so on a PE-only change
// the flush drops entries the engine refills with the same values, and the jump cache that finds the
// translated block for an indirect jump, a return or an interrupt: the next lookups go through the
// engine's hash table and every page is walked in again. iPXE's librm changes PE twice for every call
// into the PXE ROM, which it makes on every poll of the network and several times per received frame, so
// a fleet whose machines each see a thousand broadcast frames spent a large share of its CPU time
// refilling what the flush emptied.
//
// unicorn_cr0.cpp defines the engine's x86 cpu_x86_update_cr0_x86_64(), which libunicorn calls through
// its PLT (from the MOV-to-CR0, LMSW and CLTS helpers and uc_reg_write), so the dynamic linker binds
// those calls to bootsim's definition, exported by bootsim_cpu's link options. When paging stays off
// and PE is the only one of PG, WP and PE that changes, it first gives the state's CR0 the new PE, so the
// library's function finds nothing to flush for, and then calls the library's own function, which does
// the rest (CR0 itself, the hidden PE and ADDSEG flags, the FPU flags) as it always does. Any other write
// (paging turned on or off, WP) flushes as before, and so do the A20 gate, CR3, CR4 and memory-map
// changes, which flush on their own paths. A translated block records the mode it was translated for
// (16- or 32-bit code, PE) and a lookup checks it, so a block kept across a switch runs only in its own
// mode. Nothing the guest can see changes.
//
// This needs the layout of Unicorn's CPU state (unicorn_x86_state.h): every Cpu checks it on its fresh
// engine, and when it does not match, or with BOOTSIM_UNICORN_CR0=library in the environment (read when
// a Cpu is made), every CR0 write goes to the library's function unchanged, for comparison: same
// results, slower.
#pragma once

#include <unicorn/unicorn.h>

#include <cstddef>
#include <cstdint>

namespace bootsim {

/// Called by every Cpu constructor before it opens its engine (which writes CR0 as it resets the CPU):
/// reads BOOTSIM_UNICORN_CR0.
void unicorn_cr0_configure();
/// Called by every Cpu constructor with its fresh engine and that engine's state bytes (peek_context):
/// checks the state's layout; CR0 writes keep the TLB only while the last check matched.
void unicorn_cr0_check_layout(uc_engine* uc, const std::uint8_t* env, std::size_t size);

/// Whether libunicorn's CR0 writes reach bootsim's definition (the executable exports it and the
/// dynamic linker bound it) and it keeps the TLB on PE-only switches; false when the library's own
/// function runs alone (not bound, layout not as known, or BOOTSIM_UNICORN_CR0=library). For bench and
/// tests.
bool unicorn_cr0_lean();

/// How many CR0 writes in this process kept the TLB so far, over every engine (for bench and tests).
std::uint64_t unicorn_cr0_flushes_kept();

}  // namespace bootsim
