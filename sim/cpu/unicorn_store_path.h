// Unicorn 2.0.1's store path: stores to pages that hold no translated code take the engine's fast path;
// stores to pages that do ask which blocks they hit only when they touch bytes that ever held code, and
// skip the page locking Unicorn 2.1 dropped.
//
// Debian bookworm's libunicorn2 (2.0.1) stubs QEMU's dirty-memory tracking out: its
// cpu_physical_memory_is_clean() is always true, so every TLB entry for guest RAM carries TLB_NOTDIRTY
// and every guest store, to any page, leaves the translated code for the slow path: notdirty_write(),
// which asks tb_invalidate_phys_page_fast() whether the store hit translated code, bracketed by
// page_collection_lock() and page_collection_unlock(). (QEMU marks only pages that hold translated code
// so: tlb_protect_code(), a no-op in 2.0.1, since it clears a dirty bit that no longer exists.)
//
// 1. Pages without code. bootsim defines the engine's x86 tb_gen_code() and tlb_set_page_with_attrs(),
//    which libunicorn calls through its PLT (every call site: checked with objdump), so the dynamic
//    linker binds them to bootsim's definitions, exported by bootsim_cpu's link options; each calls the
//    library's own. tb_gen_code() notes, per engine, the pages a new translated block may cover (the
//    page of its first byte and the next one: a block spans at most two) and, when that makes a page
//    code for the first time, empties the engine's TLB, so that no entry made while it held no code
//    stays. tlb_set_page_with_attrs() then clears TLB_NOTDIRTY (the library's tlb_set_dirty()) on a new
//    writable entry for a page that never held code. Stores there take the fast path until the entry
//    goes; a page that ever held code keeps the slow path for good, so self-modifying code is caught
//    as before (by the engine's per-byte code bitmap of the page). On a fleet of iPXE machines this took
//    more than half of all stores off the slow path (the stacks and the heap at the top of RAM; iPXE's
//    real-mode stack shares a page with its real-mode code and keeps it).
// 2. Stores beside code. On a page that holds code a store still asks the library's
//    tb_invalidate_phys_page_fast() (also called through the PLT, also defined by bootsim) which blocks
//    it hit. The library answers from a bitmap of the page's code bytes, but drops that bitmap whenever a
//    block is added to or removed from the page and rebuilds it only after ten more stores: until then each
//    store walks every block of the page. tb_gen_code() also notes the bytes each new block covers (read
//    from its TranslationBlock, whose layout is checked against what tb_gen_code() was given), and a store
//    that touches none of the bytes any block ever covered, in any engine of the process, returns at once:
//    it cannot have hit a block. On iPXE the real-mode stack shares a page with the real-mode code, whose
//    blocks come and go with every PXE call (the `int` it patches), so this was most of its pushes.
// 3. The page locks. With page locking compiled out (as it is in every Unicorn: one engine, one thread)
//    the set page_collection_lock() builds is never used, yet building it costs a GTree, a node per page
//    and a walk over every translated block of the page, and freeing it again: per store. On iPXE's
//    start-up that was a fifth of the CPU time. Unicorn 2.1.0 made both functions do nothing (upstream
//    commit 75d26b7 "Ignore page_collection_lock"); bootsim defines the two x86 functions the same way.
//    Which translations a store drops (self-modifying code) is decided by tb_invalidate_phys_page_fast()
//    from the page's own block list, which the set never fed.
//
// Neither skips a UC_HOOK_MEM_WRITE callback: while an engine has one, 2.0.1's translator sends every
// access to store_helper(), which calls the hooks before it looks at the TLB entry's flags
// (tcg/i386/tcg-target.inc.c, "fast path if hookmem is not enable"). bootsim installs none anyway.
//
// Nothing the guest can see changes. With BOOTSIM_UNICORN_STORES=library in the environment (read when
// a Cpu is made) the library's own functions run instead, for comparison: same results, slower. Code
// pages and bytes are noted either way, so an engine made under one setting stays correct under the other.
#pragma once

#include <cstdint>

namespace bootsim {

/// Whether libunicorn's calls reach bootsim's definitions (the executable exports them and the dynamic
/// linker bound them) and they take the lean paths; false when the library's own run (not bound, or
/// BOOTSIM_UNICORN_STORES=library). For bench and tests.
bool unicorn_stores_lean();

/// Reads BOOTSIM_UNICORN_STORES; called by every Cpu constructor.
void unicorn_stores_configure();

/// How many new TLB entries in this process were given the fast store path so far, over every engine
/// (for tests).
std::uint64_t unicorn_stores_fast_entries();

/// How many slow-path stores in this process touched no byte that ever held code, so that the library
/// was not asked which blocks they hit (for tests).
std::uint64_t unicorn_stores_skipped_checks();

}  // namespace bootsim
