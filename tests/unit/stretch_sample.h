// A small start-up snapshot (sim/machine/startup_snapshot.h) with every field set, for the tests of
// what carries snapshots: the run's shelf and the cache on disk.
#pragma once

#include "sim/machine/startup_snapshot.h"

namespace bootsim::test {

inline StretchSnapshot sample() {
  StretchSnapshot s;
  s.nbp_hash = 0x1234;
  s.start_pc = 0x7c00;
  s.start_cpu = {1, 2, 3, 4};
  s.end_pc = 0x9000;
  s.end_cs_base = 0x8000;
  s.end_cpu = {5, 6, 7, 8};  // two states of one engine: one size
  StretchSnapshot::Page written;
  written.index = 0x1a;
  written.written = true;
  written.before.assign(4096, 0xaa);
  written.after.assign(4096, 0x55);
  StretchSnapshot::Page read;
  read.index = 0x20;
  read.after.assign(4096, 0x11);
  s.pages = {written, read};
  std::bitset<4096> bits;
  bits[0] = bits[17] = bits[4095] = true;
  s.host_writes[0x1a] = bits;
  s.blocks = 7600000;
  s.int_dispatches = 3;
  s.windows = {0x7c10, 0x7c20};
  s.learner = "r640-01";
  return s;
}

inline bool same(const StretchSnapshot& a, const StretchSnapshot& b) {
  if (a.pages.size() != b.pages.size()) return false;
  for (size_t i = 0; i < a.pages.size(); ++i)
    if (a.pages[i].index != b.pages[i].index || a.pages[i].written != b.pages[i].written ||
        a.pages[i].before != b.pages[i].before || a.pages[i].after != b.pages[i].after)
      return false;
  return a.nbp_hash == b.nbp_hash && a.start_pc == b.start_pc && a.start_cpu == b.start_cpu && a.end_pc == b.end_pc &&
         a.end_cs_base == b.end_cs_base && a.end_cpu == b.end_cpu && a.host_writes == b.host_writes &&
         a.blocks == b.blocks && a.int_dispatches == b.int_dispatches && a.windows == b.windows &&
         a.learner == b.learner;
}

}  // namespace bootsim::test
