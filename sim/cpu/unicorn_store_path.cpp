#include "sim/cpu/unicorn_store_path.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/cpu/unicorn_interpose.h"

// Unicorn's own names and signatures (x86_64 target: target_ulong, hwaddr and tb_page_addr_t are 64-bit;
// MemTxAttrs is one 32-bit word of bit fields, passed by value as one).
extern "C" {
struct page_collection;
struct uc_struct;
struct CPUState;
struct TranslationBlock;
// qemu/accel/tcg/translate-all.c
page_collection* page_collection_lock_x86_64(uc_struct* uc, std::uint64_t start, std::uint64_t end);
void page_collection_unlock_x86_64(page_collection* set);
void tb_invalidate_phys_page_fast_x86_64(uc_struct* uc, page_collection* pages, std::uint64_t start, int len,
                                         std::uintptr_t retaddr);
TranslationBlock* tb_gen_code_x86_64(CPUState* cpu, std::uint64_t pc, std::uint64_t cs_base, std::uint32_t flags,
                                     int cflags);
// qemu/accel/tcg/cputlb.c
void tlb_set_page_with_attrs_x86_64(CPUState* cpu, std::uint64_t vaddr, std::uint64_t paddr, std::uint32_t attrs,
                                    int prot, int mmu_idx, std::uint64_t size);
void tlb_set_dirty_x86_64(CPUState* cpu, std::uint64_t vaddr);
void tlb_flush_x86_64(CPUState* cpu);
}

namespace bootsim {
namespace {

using LockFn = page_collection* (*)(uc_struct*, std::uint64_t, std::uint64_t);
using UnlockFn = void (*)(page_collection*);
using GenCodeFn = TranslationBlock* (*)(CPUState*, std::uint64_t, std::uint64_t, std::uint32_t, int);
using SetPageFn = void (*)(CPUState*, std::uint64_t, std::uint64_t, std::uint32_t, int, int, std::uint64_t);
using InvalidateFn = void (*)(uc_struct*, page_collection*, std::uint64_t, int, std::uintptr_t);

constexpr int kPageBits = 12;
constexpr int kPageWrite = 2;  // PAGE_WRITE

std::atomic<bool> use_library{false};
std::atomic<std::uint64_t> fast_entries{0};
std::atomic<std::uint64_t> skipped_checks{0};

using unicorn_interpose::bound;
using unicorn_interpose::library;

LockFn library_lock() {
  static const LockFn fn = library<LockFn>("page_collection_lock_x86_64");
  return fn;
}
UnlockFn library_unlock() {
  static const UnlockFn fn = library<UnlockFn>("page_collection_unlock_x86_64");
  return fn;
}

/// Per engine (its CPUState), the guest pages that ever held a translated block. Entries are never
/// dropped: an engine made later at the same address only inherits more slow pages, never fewer.
class CodePages {
 public:
  /// Notes `page`; true when it held no code before.
  bool mark(std::uint64_t page) {
    if (page >= code_.size()) code_.resize(page + 1024, false);
    if (code_[page]) return false;
    code_[page] = true;
    return true;
  }
  bool holds_code(std::uint64_t page) const { return page < code_.size() && code_[page]; }

 private:
  std::vector<bool> code_;
};

CodePages& code_pages(CPUState* cpu) {
  // Engines run on fibers of one thread or on threads of their own; the last one a thread asked for is
  // nearly always the one asking again.
  thread_local CPUState* last_cpu = nullptr;
  thread_local CodePages* last = nullptr;
  if (cpu == last_cpu) return *last;
  static std::mutex mu;
  static auto* all = new std::unordered_map<CPUState*, CodePages>;  // references stay valid on rehash
  std::lock_guard<std::mutex> lock(mu);
  last_cpu = cpu;
  last = &(*all)[cpu];
  return *last;
}

/// The guest bytes that ever lay inside a translated block, of any engine in the process: a superset of
/// each engine's own, which is all a store needs (a store that touches none of them touches no block of
/// its engine). Shared because tb_invalidate_phys_page_fast() names its engine only by the uc_struct and
/// tb_gen_code() only by the CPUState; every machine of a fleet runs the same NBP at the same addresses,
/// so the union is hardly larger than one engine's. Bits are only ever set, each by the thread whose
/// engine translated the block before that block runs, so relaxed atomics suffice; a page's bitmap,
/// 512 bytes, is made when the page first holds code and lives as long as the process.
class CodeBytes {
 public:
  static constexpr std::uint64_t kPages = std::uint64_t{1} << (32 - kPageBits);  // a 4 GiB guest
  static constexpr int kWords = (1 << kPageBits) / 64;

  void mark(std::uint64_t first, std::uint64_t end) {
    for (std::uint64_t a = first; a < end;) {
      const std::uint64_t page = a >> kPageBits;
      if (page >= kPages) return;
      Bits* bits = make_bits(page);
      const std::uint64_t page_end = std::min(end, (page + 1) << kPageBits);
      // A word of the bitmap at a time (a block's bytes are one or two words), and no write when the
      // bits are set already: the same code is translated again and again.
      while (a < page_end) {
        const unsigned off = a & ((1u << kPageBits) - 1);
        const unsigned n = static_cast<unsigned>(std::min<std::uint64_t>(page_end - a, 64 - off % 64));
        const std::uint64_t mask = (n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1) << (off % 64);
        Bits& word = bits[off / 64];
        if ((word.load(std::memory_order_relaxed) & mask) != mask) word.fetch_or(mask, std::memory_order_relaxed);
        a += n;
      }
    }
  }
  /// Whether any byte of [start, start + len) ever held code.
  bool any(std::uint64_t start, int len) const {
    for (std::uint64_t a = start; a < start + static_cast<std::uint64_t>(len); ++a) {
      const std::uint64_t page = a >> kPageBits;
      if (page >= kPages) return true;  // outside what is tracked: let the library look
      const Bits* bits = find_bits(page);
      if (!bits) continue;
      const unsigned off = a & ((1u << kPageBits) - 1);
      if (bits[off / 64].load(std::memory_order_relaxed) & (std::uint64_t{1} << (off % 64))) return true;
    }
    return false;
  }

 private:
  // Two levels, each made when first needed: 1024 groups of 1024 pages (4 MiB of guest each), so an
  // engine that runs code in a few places costs a few KB, not a table for all of 4 GiB.
  using Bits = std::atomic<std::uint64_t>;
  using Group = std::atomic<Bits*>;
  static constexpr std::uint64_t kGroupPages = 1024;

  template <typename T>
  static T* made(std::atomic<T*>& slot, size_t n) {
    T* have = slot.load(std::memory_order_acquire);
    if (have) return have;
    auto* fresh = new T[n]();
    if (slot.compare_exchange_strong(have, fresh, std::memory_order_acq_rel)) return fresh;
    delete[] fresh;  // another thread made it first
    return have;
  }
  Bits* make_bits(std::uint64_t page) {
    Group* group = made(groups_[page / kGroupPages], kGroupPages);
    return made(group[page % kGroupPages], kWords);
  }
  const Bits* find_bits(std::uint64_t page) const {
    const Group* group = groups_[page / kGroupPages].load(std::memory_order_acquire);
    return group ? group[page % kGroupPages].load(std::memory_order_acquire) : nullptr;
  }

  std::atomic<Group*> groups_[kPages / kGroupPages] = {};
};

CodeBytes& code_bytes() {
  static auto* bytes = new CodeBytes;  // never destroyed: engines may translate until the process ends
  return *bytes;
}

/// The size of a translated block, read from the engine's TranslationBlock (qemu/include/exec/
/// exec-all.h in 2.0.1: pc, cs_base, flags, then the 16-bit size), or none when the structure does not
/// hold the pc, cs_base and flags tb_gen_code() was given: another layout.
std::optional<std::uint16_t> block_size(const TranslationBlock* tb, std::uint64_t pc, std::uint64_t cs_base,
                                        std::uint32_t flags) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(tb);
  std::uint64_t tb_pc, tb_cs_base;
  std::uint32_t tb_flags;
  std::uint16_t size;
  std::memcpy(&tb_pc, p + 0, 8);
  std::memcpy(&tb_cs_base, p + 8, 8);
  std::memcpy(&tb_flags, p + 16, 4);
  std::memcpy(&size, p + 20, 2);
  if (tb_pc != pc || tb_cs_base != cs_base || tb_flags != flags) return std::nullopt;
  return size;
}

/// Cleared for good when a block's layout did not match: from then on every store asks the library.
std::atomic<bool> bytes_known{true};

}  // namespace

void unicorn_stores_configure() {
  const char* v = std::getenv("BOOTSIM_UNICORN_STORES");
  use_library.store(v && std::string_view(v) == "library", std::memory_order_relaxed);
}

bool unicorn_stores_lean() {
  return bound("page_collection_lock_x86_64", reinterpret_cast<void*>(&page_collection_lock_x86_64)) &&
         bound("tb_gen_code_x86_64", reinterpret_cast<void*>(&tb_gen_code_x86_64)) &&
         bound("tlb_set_page_with_attrs_x86_64", reinterpret_cast<void*>(&tlb_set_page_with_attrs_x86_64)) &&
         bound("tb_invalidate_phys_page_fast_x86_64",
               reinterpret_cast<void*>(&tb_invalidate_phys_page_fast_x86_64)) &&
         !use_library.load(std::memory_order_relaxed);
}

std::uint64_t unicorn_stores_fast_entries() { return fast_entries.load(std::memory_order_relaxed); }

std::uint64_t unicorn_stores_skipped_checks() { return skipped_checks.load(std::memory_order_relaxed); }

}  // namespace bootsim

extern "C" {

__attribute__((visibility("default"))) page_collection* page_collection_lock_x86_64(uc_struct* uc,
                                                                                     std::uint64_t start,
                                                                                     std::uint64_t end) {
  if (bootsim::use_library.load(std::memory_order_relaxed)) return bootsim::library_lock()(uc, start, end);
  return nullptr;
}

// Only the library's lock returns a set: a null one is ours, whatever the setting is now.
__attribute__((visibility("default"))) void page_collection_unlock_x86_64(page_collection* set) {
  if (set) bootsim::library_unlock()(set);
}

// A store to a page that holds code: the library asks the page's blocks (or its code bitmap, which it
// drops whenever a block is added to or removed from the page, and rebuilds only after ten more stores)
// whether the store hit one. A store that touched no byte any block ever covered cannot have: it ends
// here. iPXE's real-mode stack shares a page with its real-mode code, whose blocks come and go with
// every PXE call (the `int` it patches), so most of its pushes found no bitmap and walked the page's blocks.
__attribute__((visibility("default"))) void tb_invalidate_phys_page_fast_x86_64(uc_struct* uc, page_collection* pages,
                                                                               std::uint64_t start, int len,
                                                                               std::uintptr_t retaddr) {
  static const bootsim::InvalidateFn library =
      bootsim::library<bootsim::InvalidateFn>("tb_invalidate_phys_page_fast_x86_64");
  if (!bootsim::use_library.load(std::memory_order_relaxed) &&
      bootsim::bytes_known.load(std::memory_order_relaxed) && !bootsim::code_bytes().any(start, len)) {
    bootsim::skipped_checks.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  library(uc, pages, start, len, retaddr);
}

__attribute__((visibility("default"))) TranslationBlock* tb_gen_code_x86_64(CPUState* cpu, std::uint64_t pc,
                                                                              std::uint64_t cs_base, std::uint32_t flags,
                                                                              int cflags) {
  static const bootsim::GenCodeFn library = bootsim::library<bootsim::GenCodeFn>("tb_gen_code_x86_64");
  TranslationBlock* tb = library(cpu, pc, cs_base, flags, cflags);
  // Its bytes, before it runs. A block of no instruction (Unicorn makes some, to stop at an address)
  // counts its first byte; no store can change what it does (the library drops such a block at a store
  // to its page only while the page has no code bitmap: a by-product, not something it needs).
  if (tb) {
    if (const auto size = bootsim::block_size(tb, pc, cs_base, flags))
      bootsim::code_bytes().mark(pc, pc + std::max<std::uint64_t>(*size, 1));
    else
      bootsim::bytes_known.store(false, std::memory_order_relaxed);
  }
  // Unicorn 2.0.1 takes every linear address as the physical one (x86 handle_mmu_fault), so the block's
  // pages are those of its linear pc. Noted under either setting (see the header).
  bootsim::CodePages& pages = bootsim::code_pages(cpu);
  const std::uint64_t first = pc >> bootsim::kPageBits;
  const bool fresh = pages.mark(first) | pages.mark(first + 1);
  // An entry made while the page held no code may have the fast store path: make the engine refill.
  if (fresh) tlb_flush_x86_64(cpu);
  return tb;
}

__attribute__((visibility("default"))) void tlb_set_page_with_attrs_x86_64(CPUState* cpu, std::uint64_t vaddr,
                                                                            std::uint64_t paddr, std::uint32_t attrs,
                                                                            int prot, int mmu_idx,
                                                                            std::uint64_t size) {
  static const bootsim::SetPageFn library = bootsim::library<bootsim::SetPageFn>("tlb_set_page_with_attrs_x86_64");
  library(cpu, vaddr, paddr, attrs, prot, mmu_idx, size);
  // Both addresses: Unicorn 2.0.1 makes them equal, and code pages are noted by linear address.
  const bootsim::CodePages& pages = bootsim::code_pages(cpu);
  if ((prot & bootsim::kPageWrite) && !bootsim::use_library.load(std::memory_order_relaxed) &&
      !pages.holds_code(paddr >> bootsim::kPageBits) && !pages.holds_code(vaddr >> bootsim::kPageBits)) {
    tlb_set_dirty_x86_64(cpu, vaddr);
    bootsim::fast_entries.fetch_add(1, std::memory_order_relaxed);
  }
}
}
