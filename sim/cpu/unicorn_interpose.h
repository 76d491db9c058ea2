// Defining a libunicorn function in bootsim: the library's own definition behind ours, and whether the
// library's calls reach ours.
//
// bootsim defines a few of libunicorn's exported x86 functions (unicorn_store_path.h, unicorn_cr0.h).
// The executable exports its definitions (bootsim_cpu's link options) and libunicorn calls them through
// its PLT, so the dynamic linker binds the library's calls to bootsim's; each definition calls the
// library's own, found behind it in the lookup order.
#pragma once

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

namespace bootsim::unicorn_interpose {

/// The library's own definition of `name` (looked up once per call site: keep the result in a static).
/// Only libunicorn calls the functions bootsim defines, so it is there; without it nothing can go on.
template <typename Fn>
Fn library(const char* name) {
  void* p = dlsym(RTLD_NEXT, name);
  if (!p) {
    std::fprintf(stderr, "bootsim: libunicorn's %s not found\n", name);
    std::abort();
  }
  return reinterpret_cast<Fn>(p);
}

/// Whether the process's definition of `name` is bootsim's `ours` (false: a build that binds its calls
/// inside the library, or an executable that does not export it).
inline bool bound(const char* name, void* ours) { return dlsym(RTLD_DEFAULT, name) == ours; }

}  // namespace bootsim::unicorn_interpose
