#include "sim/cpu/unicorn_store_path.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

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

constexpr int kPageBits = 12;
constexpr int kPageWrite = 2;  // PAGE_WRITE

std::atomic<bool> use_library{false};
std::atomic<std::uint64_t> fast_entries{0};

/// The library's own definition of `name`, behind ours in the lookup order. Only libunicorn calls the
/// functions that need one, so it is there; without it nothing can go on.
template <typename Fn>
Fn library(const char* name) {
  void* p = dlsym(RTLD_NEXT, name);
  if (!p) {
    std::fprintf(stderr, "bootsim: libunicorn's %s not found\n", name);
    std::abort();
  }
  return reinterpret_cast<Fn>(p);
}
LockFn library_lock() {
  static const LockFn fn = library<LockFn>("page_collection_lock_x86_64");
  return fn;
}
UnlockFn library_unlock() {
  static const UnlockFn fn = library<UnlockFn>("page_collection_unlock_x86_64");
  return fn;
}

bool bound(const char* name, void* ours) { return dlsym(RTLD_DEFAULT, name) == ours; }

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

}  // namespace

void unicorn_stores_configure() {
  const char* v = std::getenv("BOOTSIM_UNICORN_STORES");
  use_library.store(v && std::string_view(v) == "library", std::memory_order_relaxed);
}

bool unicorn_stores_lean() {
  return bound("page_collection_lock_x86_64", reinterpret_cast<void*>(&page_collection_lock_x86_64)) &&
         bound("tb_gen_code_x86_64", reinterpret_cast<void*>(&tb_gen_code_x86_64)) &&
         bound("tlb_set_page_with_attrs_x86_64", reinterpret_cast<void*>(&tlb_set_page_with_attrs_x86_64)) &&
         !use_library.load(std::memory_order_relaxed);
}

std::uint64_t unicorn_stores_fast_entries() { return fast_entries.load(std::memory_order_relaxed); }

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

__attribute__((visibility("default"))) TranslationBlock* tb_gen_code_x86_64(CPUState* cpu, std::uint64_t pc,
                                                                              std::uint64_t cs_base, std::uint32_t flags,
                                                                              int cflags) {
  static const bootsim::GenCodeFn library = bootsim::library<bootsim::GenCodeFn>("tb_gen_code_x86_64");
  TranslationBlock* tb = library(cpu, pc, cs_base, flags, cflags);
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
