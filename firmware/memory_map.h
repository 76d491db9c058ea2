// Where the emulated PC keeps things in guest memory, and the memory map its BIOS reports.
//
// Layout follows ref/ipxe-platform-contract.md §6.1 "Suggested map":
//   0x00000-0x003FF  IVT            0x00400-0x004FF  BDA
//   0x07C00-0x1BADF  NBP image and its prefix's temporary segment (never touched by us)
//   0x8C000-0x8FFFF  PXE base code (freed by the NBP's UNLOAD_STACK, as on real hardware)
//   0x90000-0x90FFF  UNDI code segment: entry stubs
//   0x91000-0x94FFF  UNDI data segment: PXENV+, !PXE, receive buffer, cached packets
//   0x9FC00-0x9FFFF  EBDA           0xF0000-0xFFFFF  BIOS ROM: interrupt stubs, return stub, SMBIOS
//   0x100000-top     extended RAM
// E820, E801 and INT 15h/88h all agree on this map.
#pragma once

#include <cstdint>

namespace bootsim::layout {

constexpr std::uint32_t kDefaultRamBytes = 64u << 20;

constexpr std::uint32_t kBdaBase = 0x400;
constexpr std::uint32_t kBdaFbms = 0x413;        // free base memory, KB
constexpr std::uint32_t kBdaTicks = 0x46C;       // BIOS tick counter, 18.2 Hz
constexpr std::uint32_t kBdaMidnight = 0x470;
constexpr std::uint32_t kBdaEbdaSeg = 0x40E;

constexpr std::uint16_t kNbpSeg = 0x0000;
constexpr std::uint16_t kNbpOff = 0x7C00;
constexpr std::uint16_t kEntryStackSeg = 0x0000;
constexpr std::uint16_t kEntryStackTop = 0x7BF0;  // SP at NBP entry; the PXE spec asks for 1.5 KB below

constexpr std::uint16_t kBaseCodeSeg = 0x8C00;    // 560 KB: initial FBMS
/// The largest NBP that fits between 0000:7C00 and the PXE base code (PXE spec: the NBP is loaded there).
constexpr std::uint32_t kMaxNbpBytes = (std::uint32_t{kBaseCodeSeg} << 4) - kNbpOff;
constexpr std::uint16_t kUndiCodeSeg = 0x9000;    // 576 KB
constexpr std::uint16_t kUndiCodeSize = 0x1000;
constexpr std::uint16_t kUndiDataSeg = 0x9100;
constexpr std::uint16_t kUndiDataSize = 0x4000;
constexpr std::uint16_t kEbdaSeg = 0x9FC0;

// Offsets in the UNDI code segment: one RETF byte each, serviced by a host code hook.
// Not at offset 0: iPXE's interrupt handler (undiisr.S) takes an entry point whose offset word is 0 for
// "no UNDI entry point" and chains the interrupt away instead of calling PXENV_UNDI_ISR.
constexpr std::uint16_t kPxenvEntryOff = 0x0010;   // PXENV+ RMEntry
constexpr std::uint16_t kPxeEntrySpOff = 0x0020;   // !PXE EntryPointSP
// Offsets in the UNDI data segment.
constexpr std::uint16_t kPxenvOff = 0x0000;
constexpr std::uint16_t kPxeOff = 0x0040;
constexpr std::uint16_t kRxBufferOff = 0x0100;     // frames handed out by UNDI_ISR (max 1514 bytes)
// The ROM's copies of its DISCOVER, ACK and boot-server reply, one buffer each (GET_CACHED_INFO with
// BufferSize 0 returns a pointer to them, and an NBP may hold all three pointers at once): the ACK at
// kCachedPacketOff, the DISCOVER one kCachedPacketMax above it, the boot-server reply one more above.
constexpr std::uint16_t kCachedPacketOff = 0x0800;
constexpr std::uint16_t kCachedPacketMax = 0x0800;

constexpr std::uint16_t kBiosSeg = 0xF000;
constexpr std::uint16_t kIntStubOff = 0x1000;      // 256 one-byte IRET stubs: vector n at F000:1000+n
constexpr std::uint16_t kReturnStubOff = 0x2000;   // far return address given to the NBP
// The BIOS's hardware interrupt handlers (Bios::install writes them, the IVT points at them):
//   F000:2100  IRQ0 / INT 08h: nop (host: tick count) ; int 1Ch ; nop (host: EOI) ; iret
//   F000:2105  INT 1Ch default: iret
//   F000:2110+2n  IRQ n's default handler: nop (host: EOI) ; iret
// The `nop`s are serviced by a host code hook on this range; they cost no virtual time.
constexpr std::uint16_t kIrqRoutinesOff = 0x2100;
constexpr std::uint16_t kTimerTickOff = 0x2100;
constexpr std::uint16_t kTimerEoiOff = 0x2103;
constexpr std::uint16_t kUserTickOff = 0x2105;
constexpr std::uint16_t kIrqDefaultOff = 0x2110;
constexpr std::uint16_t kIrqRoutinesEnd = kIrqDefaultOff + 2 * 16;
constexpr std::uint32_t kIntStubBase = 0xF0000 + kIntStubOff;
constexpr std::uint32_t kReturnStub = 0xF0000 + kReturnStubOff;
// SMBIOS (firmware/smbios.h): the entry point on a 16-byte boundary of the F-segment, where iPXE and the
// DMTF spec look for it, and the structure table after it (its size limits the scenario's strings).
constexpr std::uint32_t kSmbiosEntry = 0xF8000;
constexpr std::uint32_t kSmbiosTable = 0xF8020;
constexpr std::uint32_t kSmbiosTableMax = 0x0FE0;

constexpr std::uint32_t kExtendedBase = 0x100000;

/// I/O ports the sentinel payloads use to report "handoff reached" (firmware/payloads/).
/// Write the kind to kHandoffKindPort, then the 32-bit argument to kHandoffArgPort.
constexpr std::uint16_t kHandoffKindPort = 0xB000;
constexpr std::uint16_t kHandoffArgPort = 0xB004;
constexpr std::uint32_t kHandoffMultiboot = 1;  // argument: physical address of the multiboot info
constexpr std::uint32_t kHandoffLinux = 2;      // argument: physical address of the real-mode setup header base

}  // namespace bootsim::layout
