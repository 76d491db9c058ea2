// Unicorn 2.0.1's store path, brought to what Unicorn 2.1 does.
//
// Debian bookworm's libunicorn2 (2.0.1) runs every guest store to a page that holds translated code
// through notdirty_write(), which brackets the code invalidation with page_collection_lock() and
// page_collection_unlock(). With page locking compiled out (as it is in every Unicorn: one engine, one
// thread) the set those two build is never used, yet building it costs a GTree, a node per page and a
// walk over every translated block of the page, and freeing it again: per store. On iPXE's start-up that
// was a fifth of the CPU time (malloc and free under page_collection_lock/unlock in perf), and 2.0.1's
// cpu_physical_memory_is_clean() keeps every such page on the slow path. Unicorn 2.1.0 made both
// functions do nothing (upstream commit 75d26b7 "Ignore page_collection_lock").
//
// unicorn_store_path.cpp defines the two x86 functions the same way. libunicorn calls them through its
// PLT, so the dynamic linker binds those calls to the executable's definitions, which bootsim_cpu's link
// options export. Nothing the guest can see changes: which translations a store drops (self-modifying
// code) is decided by tb_invalidate_phys_page_fast() from the page's own block list, which the set never
// fed. With BOOTSIM_UNICORN_STORES=library in the environment they call the library's own functions
// instead (read when a Cpu is made), for comparison: same results, slower.
#pragma once

namespace bootsim {

/// Whether libunicorn's calls reach bootsim's definitions (the executable exports them and the dynamic
/// linker bound them) and they do 2.1's nothing; false when the library's own run (not bound, or
/// BOOTSIM_UNICORN_STORES=library). For bench and tests.
bool unicorn_stores_lean();

/// Reads BOOTSIM_UNICORN_STORES; called by every Cpu constructor.
void unicorn_stores_configure();

}  // namespace bootsim
