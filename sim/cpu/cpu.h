// The x86 CPU and guest RAM: a thin, checked RAII wrapper around one Unicorn engine.
//
// The engine is opened in UC_MODE_32 and put into real mode by a guest trampoline (ref/unicorn-notes.md:
// in UC_MODE_16 a resume address is cut to 16 bits, and writing CR0 alone leaves the translator in
// protected mode). Guest RAM is host memory mapped into the engine, so the host can read it cheaply;
// host writes go through uc_mem_write so that translated code on the page is invalidated.
//
// Every guest address the host touches is bounds-checked here; a bad one throws GuestFault.
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <unicorn/unicorn.h>

#include "sim/cpu/page_journal.h"

namespace bootsim {

class Cpu {
 public:
  /// Maps `ram_bytes` of RAM at physical 0 (lazily backed). Throws std::runtime_error on engine errors.
  explicit Cpu(std::uint32_t ram_bytes);
  ~Cpu();
  Cpu(const Cpu&) = delete;
  Cpu& operator=(const Cpu&) = delete;

  uc_engine* uc() const { return uc_; }
  std::uint32_t ram_size() const { return ram_size_; }

  std::uint32_t reg(int id) const;
  void set_reg(int id, std::uint32_t value);

  // --- Guest memory by linear (= physical; no paging) address. Throw GuestFault when out of RAM. -------
  void read(std::uint32_t addr, void* dst, std::size_t len) const;
  void write(std::uint32_t addr, const void* src, std::size_t len);
  std::uint8_t read8(std::uint32_t a) const { std::uint8_t v; read(a, &v, 1); return v; }
  std::uint16_t read16(std::uint32_t a) const { std::uint16_t v; read(a, &v, 2); return v; }
  std::uint32_t read32(std::uint32_t a) const { std::uint32_t v; read(a, &v, 4); return v; }
  void write8(std::uint32_t a, std::uint8_t v) { write(a, &v, 1); }
  void write16(std::uint32_t a, std::uint16_t v) { write(a, &v, 2); }
  void write32(std::uint32_t a, std::uint32_t v) { write(a, &v, 4); }
  /// Reads a far pointer (offset word, segment word) at `a` and returns its linear address.
  std::uint32_t read_segoff(std::uint32_t a) const;
  static std::uint32_t linear(std::uint16_t seg, std::uint16_t off) { return (std::uint32_t{seg} << 4) + off; }
  /// Direct read-only view of RAM for scans and checksums; valid for the Cpu's lifetime.
  const std::uint8_t* ram() const { return ram_; }
  /// Writable RAM for code that acts as the guest CPU (rep_string.h): what it writes is the guest's own
  /// store (not a host write), and it must drop the translations of the code it overwrote.
  std::uint8_t* guest_ram() { return ram_; }

  /// The bytes the host wrote (through write()) while tracking was on, as one bit per byte for each
  /// 4 KiB page touched. These are the machine's own answers (BIOS data, PXE replies, SMBIOS tables):
  /// where two machines may differ without the guest having computed anything from it (see
  /// sim/machine/startup_snapshot.h). Tracking starts on; track_host_writes(false) drops the record.
  using HostWrites = std::map<std::uint32_t, std::bitset<4096>>;
  void track_host_writes(bool on);

  /// The journal of pages written between arm() and disarm() (page_journal.h), made on first use.
  PageJournal& journal();
  const HostWrites& host_writes() const { return host_writes_; }

  // --- Mode and state. --------------------------------------------------------------------------------
  bool protected_mode() const { return reg(UC_X86_REG_CR0) & 1; }
  /// Base of CS: selector×16 in real mode, the GDT descriptor's base in protected mode.
  std::uint32_t cs_base() const;
  /// "real CS:IP" or "pm32 CS:EIP" plus linear address, for diagnostics.
  std::string describe_pc() const;

  /// The whole CPU state as Unicorn keeps it (registers, segment descriptor caches, GDTR/IDTR, control
  /// registers, FPU/SSE, lazy flags): the bytes uc_context_save copies. Two engines of the same Unicorn
  /// build give equal bytes for equal states, and restore_context() takes bytes saved from another
  /// engine. Inside a UC_HOOK_CODE callback Unicorn 2.0.1 holds the hooked instruction's linear address
  /// in EIP; a state saved there and restored elsewhere needs its EIP written afterwards.
  std::vector<std::uint8_t> save_context() const;
  /// The same bytes without a copy: valid until the next save_context(), peek_context() or restore_context().
  std::pair<const std::uint8_t*, std::size_t> peek_context() const;
  void restore_context(const std::vector<std::uint8_t>& bytes);

  /// Runs the tiny trampoline that leaves the engine in real mode with all segments 0.
  void enter_real_mode();

  /// Runs from CS:`eip` until HLT, a stop request or an error. Returns Unicorn's status.
  uc_err run(std::uint32_t eip);

 private:
  uc_engine* uc_ = nullptr;
  std::uint8_t* ram_ = nullptr;
  std::uint32_t ram_size_ = 0;
  bool tracking_ = true;
  uc_context* context_ = nullptr;  ///< scratch for save/restore_context
  std::unique_ptr<PageJournal> journal_;
  HostWrites host_writes_;
};

/// Throws std::runtime_error("<what>: <uc_strerror>") when `err` is not UC_ERR_OK.
void uc_check(uc_err err, const char* what);

}  // namespace bootsim
