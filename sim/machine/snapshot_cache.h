// The snapshot cache: start-up stretches (startup_snapshot.h) kept on disk from one bootsim run to the next.
//
// undionly.kpxe's LZMA decompression costs ≈0.7 s of every run under Unicorn 2.0.1 (a slow path on every
// guest store), and it is the same stretch in every run of the same binary. A run that learns a stretch
// leaves it here; a later run whose machine arrives at the same start in the same CPU state restores it
// after exactly the check a fleet machine makes (Machine::matches: every page the stretch accessed holds
// what it held for the learner), so the cache changes how long a run takes, never what it computes.
//
// Where: $BOOTSIM_CACHE_DIR, else $XDG_CACHE_HOME/bootsim, else $HOME/.cache/bootsim. BOOTSIM_CACHE=off
// (or BOOTSIM_SNAPSHOT=off, which turns every kind of start-up sharing off) runs without it. A folder
// that is not ours, or that others may write, is not used: what it holds is restored into the guest.
//
// One file per stretch start, named after it (NBP hash, code-hook address, CPU-state hash), holding up to
// kPerStart snapshots (machines that reach the same start with different memory, such as a different
// command line where the stretch reads it); the folder keeps at most kMaxFiles files, the oldest go first.
// Files are written whole under a temporary name and renamed, so concurrent runs never see half of one,
// and a writer holds DIR/.lock (flock) while it reads, adds to and rewrites a file (and removes the
// temporary files that writers killed mid-write left).
// A file of another format or another Unicorn build, or that fails its checksum, is ignored.
#pragma once

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <set>
#include <utility>
#include <string>
#include <vector>

#include "sim/machine/startup_snapshot.h"

namespace bootsim {

class SnapshotCache {
 public:
  static constexpr std::size_t kPerStart = 4;
  static constexpr std::size_t kMaxFiles = 64;

  explicit SnapshotCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

  /// The cache of this process, as the environment says (see the top of this file); nullptr when it is
  /// off or its folder cannot be used. Decided once, on first use.
  static SnapshotCache* process();
  /// Replaces the process's cache (nullptr: none) for what runs after, forks included: `bootsim bench`
  /// measures with a cold cache and with a warm one of its own. `cache` must outlive that use.
  static void use(SnapshotCache* cache);
  /// The folder the environment names (empty when the cache is off or no folder can be named).
  static std::filesystem::path folder_from_environment();

  const std::filesystem::path& dir() const { return dir_; }

  /// True when a stretch of this NBP is stored to start at `pc` (from the file names; the folder is
  /// listed once per process), so that a machine that only restores looks nowhere else.
  bool names_start(std::uint64_t nbp_hash, std::uint32_t pc) const;
  /// The snapshots stored for a stretch that starts at `pc` of this NBP in this CPU state.
  std::vector<StretchSnapshot> load(std::uint64_t nbp_hash, std::uint32_t pc, std::uint64_t cpu_hash) const;
  /// Adds `s` (learned by this process) to its start's file. Failing to write only costs a later run time.
  void store(const StretchSnapshot& s, std::uint64_t cpu_hash);

 private:
  std::filesystem::path file_for(std::uint64_t nbp_hash, std::uint32_t pc, std::uint64_t cpu_hash) const;
  void prune() const;

  std::filesystem::path dir_;
  mutable std::mutex mutex_;  ///< process-wide: Worlds on several threads (tests) share it
  mutable bool listed_ = false;
  mutable std::set<std::pair<std::uint64_t, std::uint32_t>> starts_;  ///< (NBP hash, start) of each file
};

}  // namespace bootsim
