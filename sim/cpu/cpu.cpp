#include "sim/cpu/cpu.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "realmode_entry.bin.h"
#include "sim/core/errors.h"
#include "sim/cpu/unicorn_cr0.h"
#include "sim/cpu/unicorn_store_path.h"

namespace bootsim {

namespace {
constexpr std::uint32_t kTrampolineAddr = 0x3000;  // free low memory; the NBP never sees it in use
}

void uc_check(uc_err err, const char* what) {
  if (err != UC_ERR_OK) throw std::runtime_error(std::string(what) + ": " + uc_strerror(err));
}

Cpu::Cpu(std::uint32_t ram_bytes) : ram_size_(ram_bytes) {
  unicorn_stores_configure();
  unicorn_cr0_configure();
  uc_check(uc_open(UC_ARCH_X86, UC_MODE_32, &uc_), "uc_open");
  // MAP_NORESERVE: pages cost host memory only when the guest touches them.
  void* p = mmap(nullptr, ram_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    uc_close(uc_);
    throw std::runtime_error("cannot reserve guest RAM");
  }
  ram_ = static_cast<std::uint8_t*>(p);
  uc_err err = uc_mem_map_ptr(uc_, 0, ram_bytes, UC_PROT_ALL, ram_);
  if (err != UC_ERR_OK) {
    munmap(ram_, ram_size_);
    uc_close(uc_);
    uc_check(err, "uc_mem_map_ptr");
  }
  auto [env, size] = peek_context();
  unicorn_cr0_check_layout(uc_, env, size);
}

Cpu::~Cpu() {
  journal_.reset();  // disarmed before the RAM goes
  if (context_) uc_context_free(context_);
  if (uc_) uc_close(uc_);
  if (ram_) munmap(ram_, ram_size_);
}

std::uint32_t Cpu::reg(int id) const {
  std::uint64_t v = 0;  // uc_reg_read of a 16-bit register fills only 2 bytes
  uc_check(uc_reg_read(uc_, id, &v), "uc_reg_read");
  return static_cast<std::uint32_t>(v);
}

void Cpu::set_reg(int id, std::uint32_t value) {
  std::uint64_t v = value;
  uc_check(uc_reg_write(uc_, id, &v), "uc_reg_write");
}

void Cpu::read(std::uint32_t addr, void* dst, std::size_t len) const {
  if (addr >= ram_size_ || len > ram_size_ - addr) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "guest address 0x%08x+%zu is outside RAM", addr, len);
    throw GuestFault("bad_pointer", buf);
  }
  if (len) std::memcpy(dst, ram_ + addr, len);  // dst may be null when len is 0
}

void Cpu::write(std::uint32_t addr, const void* src, std::size_t len) {
  if (addr >= ram_size_ || len > ram_size_ - addr) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "guest address 0x%08x+%zu is outside RAM", addr, len);
    throw GuestFault("bad_pointer", buf);
  }
  if (len) uc_check(uc_mem_write(uc_, addr, src, len), "uc_mem_write");
  if (tracking_) {
    std::bitset<4096>* page = nullptr;
    for (std::uint32_t a = addr; a < addr + len; ++a) {
      if (!page || (a & 0xFFF) == 0) page = &host_writes_[a >> 12];
      page->set(a & 0xFFF);
    }
  }
}

namespace {
// uc_context is opaque, but every Unicorn 2.x allocates it as a header whose first field is the size of
// the CPU state that follows at the end of the allocation (uc.c uc_context_alloc).
std::pair<std::uint8_t*, std::size_t> context_bytes(uc_engine* uc, uc_context* ctx) {
  std::size_t total = uc_context_size(uc);
  std::size_t n = *reinterpret_cast<const std::size_t*>(ctx);
  return {reinterpret_cast<std::uint8_t*>(ctx) + (total - n), n};
}
}  // namespace

std::pair<const std::uint8_t*, std::size_t> Cpu::peek_context() const {
  auto* self = const_cast<Cpu*>(this);
  if (!context_) uc_check(uc_context_alloc(uc_, &self->context_), "uc_context_alloc");
  uc_check(uc_context_save(uc_, context_), "uc_context_save");
  return context_bytes(uc_, context_);
}

std::vector<std::uint8_t> Cpu::save_context() const {
  auto [p, n] = peek_context();
  return std::vector<std::uint8_t>(p, p + n);
}

void Cpu::restore_context(const std::vector<std::uint8_t>& bytes) {
  if (!context_) uc_check(uc_context_alloc(uc_, &context_), "uc_context_alloc");
  auto [p, n] = context_bytes(uc_, context_);
  if (bytes.size() != n) throw std::logic_error("restore_context: a state of another size");
  std::memcpy(p, bytes.data(), n);
  uc_check(uc_context_restore(uc_, context_), "uc_context_restore");
}

PageJournal& Cpu::journal() {
  if (!journal_) journal_ = std::make_unique<PageJournal>(ram_, ram_size_);
  return *journal_;
}

void Cpu::track_host_writes(bool on) {
  tracking_ = on;
  if (!on) host_writes_.clear();
}

std::uint32_t Cpu::read_segoff(std::uint32_t a) const {
  std::uint16_t off = read16(a), seg = read16(a + 2);
  return linear(seg, off);
}

std::uint32_t Cpu::cs_base() const {
  std::uint32_t cs = reg(UC_X86_REG_CS);
  if (!protected_mode()) return cs << 4;
  uc_x86_mmr gdtr{};
  uc_check(uc_reg_read(uc_, UC_X86_REG_GDTR, &gdtr), "uc_reg_read(GDTR)");
  std::uint32_t desc = static_cast<std::uint32_t>(gdtr.base) + (cs & ~7u);
  if (desc + 8 > ram_size_) return 0;
  const std::uint8_t* d = ram_ + desc;
  return d[2] | (d[3] << 8) | (d[4] << 16) | (std::uint32_t{d[7]} << 24);
}

std::string Cpu::describe_pc() const {
  char buf[96];
  std::uint32_t cs = reg(UC_X86_REG_CS), eip = reg(UC_X86_REG_EIP);
  std::snprintf(buf, sizeof buf, "%s %04x:%08x (linear 0x%08x)", protected_mode() ? "protected" : "real", cs, eip,
                cs_base() + eip);
  return buf;
}

void Cpu::enter_real_mode() {
  write(kTrampolineAddr, realmode_entry_bin, sizeof realmode_entry_bin);
  uc_check(uc_emu_start(uc_, kTrampolineAddr, 0xFFFFFFFF, 0, 0), "real-mode trampoline");
  if (protected_mode()) throw std::runtime_error("real-mode trampoline did not leave protected mode");
  // Real hardware starts with the real-mode IDT at 0 (ref/ipxe-platform-contract.md §9.10).
  uc_x86_mmr idtr{};
  idtr.base = 0;
  idtr.limit = 0x3ff;
  uc_check(uc_reg_write(uc_, UC_X86_REG_IDTR, &idtr), "uc_reg_write(IDTR)");
  const std::vector<std::uint8_t> zeros(sizeof realmode_entry_bin, 0);
  write(kTrampolineAddr, zeros.data(), zeros.size());
}

uc_err Cpu::run(std::uint32_t eip) {
  // `until` is an address the guest never executes; we stop from hooks or at HLT.
  return uc_emu_start(uc_, eip, 0xFFFFFFFF, 0, 0);
}


}  // namespace bootsim
