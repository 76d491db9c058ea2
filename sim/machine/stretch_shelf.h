// The stretch shelf: start-up stretches (startup_snapshot.h) shared by every process of one bootsim run.
//
// A run's jobs (variants, sweep cells) boot in worker processes and in the fork children of shared boots
// (sim/scenario/shared_boot.h). Forks happen where jobs first differ, and for undionly.kpxe that is at
// 25 ms (its command line, the UNDI_SHUTDOWN that drops the link): before its ~1 s LZMA decompression,
// so each fork would pay for the decompression again. The shelf lets the first process that runs such a
// stretch hand it to the others: it lives in memory mapped MAP_SHARED before the first worker is forked,
// so every process of the run sees it and nothing is left behind when they end.
//
// Protocol, per stretch start (key: NBP, code-hook address, CPU state): the first machine to arrive
// claims the key and learns; when its stretch ends it publishes the snapshot, or marks the key failed
// (the stretch was not pure or too short). A machine of another process that arrives while the key is
// claimed waits for the outcome instead of running the same stretch beside it, then matches and restores
// as it would a snapshot learned in its own World. Machines whose guests were given different command
// lines, one and the other none, have different keys (Key::inputs_hash): they do not wait for each
// other's learner, since the guest branches on having one (undionly.kpxe leaves a different byte on its
// stack page, which its decompressor uses). Each kind learns its own, side by side, for the machines
// like it; a machine that arrives after a snapshot of the other kind was published tries that one too
// (fetch_like). Command lines that differ only in their text (a sweep's cells whose scripts differ in
// one number) share a key: the prefix copies the text where its decompressor never reads it, so the
// snapshot fits them all.
// What a machine restores is checked exactly as in a fleet (Machine::matches), so the shelf changes
// only how long a run takes, never what it computes; waiting reads the host clock for that reason only.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/machine/startup_snapshot.h"

namespace bootsim {

class StretchShelf {
 public:
  /// Where a stretch starts.
  struct Key {
    std::uint64_t nbp_hash = 0;
    std::uint32_t pc = 0;
    std::uint64_t cpu_hash = 0;  ///< of Cpu::save_context(); the snapshot's start_cpu is compared in full
    /// What the guest is known to have copied into memory from the host (PxeRom::cmdline_answers()):
    /// machines that differ in it never wait for each other's learner, and each kind learns its own.
    std::uint64_t inputs_hash = 0;
  };
  enum class Claim {
    kLearn,      ///< this process learns it (claimed now, or claimed by this process already)
    kPublished,  ///< a snapshot is on the shelf: fetch() it
    kRunOn,      ///< it was found not worth sharing, or waiting is off: run it as usual
  };

  /// A shelf in fresh MAP_SHARED memory (address space reserved, pages used as written). Throws
  /// std::runtime_error when the mapping fails.
  StretchShelf();
  ~StretchShelf();
  StretchShelf(const StretchShelf&) = delete;
  StretchShelf& operator=(const StretchShelf&) = delete;

  /// The shelf of this process (nullptr: none). Set before the first fork; children inherit it.
  static StretchShelf* current();
  static void install(StretchShelf* shelf);

  static std::uint64_t hash_cpu(const std::vector<std::uint8_t>& context);

  /// What to do at a stretch start; may wait (see the top of this file).
  Claim claim(const Key& key);
  /// The learner's outcome for a key it claimed.
  void publish(const Key& key, const StretchSnapshot& s);
  void fail(const Key& key);
  /// The snapshot published for `key` (nullopt when there is none, or it does not decode).
  std::optional<StretchSnapshot> fetch(const Key& key) const;
  /// The snapshots published for the same start with other inputs: usable when the difference lies
  /// where the stretch does not look (Machine::matches decides), never waited for.
  std::vector<StretchSnapshot> fetch_like(const Key& key) const;

 private:
  struct Header;
  struct Slot;
  static std::uint64_t chain(const Key& key);
  Slot* find(const Key& key, bool insert);
  const Slot* find(const Key& key) const;

  void* base_ = nullptr;
  std::size_t bytes_ = 0;
};

}  // namespace bootsim
