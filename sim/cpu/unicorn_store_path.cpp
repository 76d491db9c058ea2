#include "sim/cpu/unicorn_store_path.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string_view>

// Unicorn's own names and signatures (qemu/accel/tcg/translate-all.c, x86 target: tb_page_addr_t is a
// 64-bit ram_addr_t). What lock returns is only ever handed back to unlock.
extern "C" {
struct page_collection;
struct uc_struct;
page_collection* page_collection_lock_x86_64(uc_struct* uc, std::uint64_t start, std::uint64_t end);
void page_collection_unlock_x86_64(page_collection* set);
}

namespace bootsim {
namespace {

using LockFn = page_collection* (*)(uc_struct*, std::uint64_t, std::uint64_t);
using UnlockFn = void (*)(page_collection*);

std::atomic<bool> use_library{false};

/// The library's own definitions, behind ours in the lookup order (null: not found).
LockFn library_lock() {
  static const LockFn fn = reinterpret_cast<LockFn>(dlsym(RTLD_NEXT, "page_collection_lock_x86_64"));
  return fn;
}
UnlockFn library_unlock() {
  static const UnlockFn fn = reinterpret_cast<UnlockFn>(dlsym(RTLD_NEXT, "page_collection_unlock_x86_64"));
  return fn;
}

bool bound() {
  return dlsym(RTLD_DEFAULT, "page_collection_lock_x86_64") == reinterpret_cast<void*>(&page_collection_lock_x86_64);
}

}  // namespace

void unicorn_stores_configure() {
  const char* v = std::getenv("BOOTSIM_UNICORN_STORES");
  const bool library = v && std::string_view(v) == "library" && library_lock() && library_unlock();
  use_library.store(library, std::memory_order_relaxed);
}

bool unicorn_stores_lean() { return bound() && !use_library.load(std::memory_order_relaxed); }

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
}
