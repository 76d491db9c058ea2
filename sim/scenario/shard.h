// Sharding: one run's jobs (a scenario's variants, a sweep's cells) split over N separate bootsim runs —
// CI matrix jobs, a Kubernetes Indexed Job's pods — and merged back into the outputs of one run.
//
//   Shard s = parse_shard("2/3");                 // InputError (exit 2) for anything but 1 <= K <= N
//   auto [first, last] = shard_range(jobs, s);     // this shard runs jobs [first, last)
//   ... run them, then write_manifest(out, m) with m.results filled by result_to_json()
//   // later, on any host with the same bootsim build:
//   std::vector<ShardManifest> all = read_shards({"s1", "s2", "s3"});   // MergeError (exit 5) unless whole
//   VariantResult r = result_from_json(all[0].dir, j, merged_out);      // artifacts copied into merged_out
//
// A shard's output folder holds everything a merge needs: its artifacts (traces, consoles, pcaps) where
// an unsharded run puts them, and `shard.json` (the manifest): which shard it is, the whole job list, a
// digest of the inputs and of the bootsim build, and each of its jobs' results with their verdicts (so a
// merge needs neither the scenario file nor the environment it was loaded in). Shards are contiguous
// blocks of the job list, so jobs next to each other (variants forked from one boot, sweep cells that
// differ late) stay in one shard and keep sharing their boot.
#pragma once

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/errors.h"
#include "sim/scenario/runner.h"

namespace bootsim::scenario {

/// `bootsim merge` refused its inputs (a shard missing, twice, from other inputs, incomplete): exit 5,
/// the message names the file.
inline constexpr int kExitMergeRefused = 5;
class MergeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// "K/N": this run is the K-th (1-based) of N.
struct Shard {
  int k = 1;
  int n = 1;
};

/// Parses "K/N" (decimal, 1 <= K <= N <= 100000). InputError naming `option` and the value otherwise.
Shard parse_shard(const std::string& text, const std::string& option = "--shard");

/// The jobs shard `s` of `jobs` runs: [first, last), contiguous, sizes differing by at most one; every
/// job in exactly one shard. A shard may be empty when N exceeds the job count.
std::pair<std::size_t, std::size_t> shard_range(std::size_t jobs, const Shard& s);

/// A digest (hex, FNV-1a 64) of `parts` in order, each length-prefixed so that no two lists collide by
/// concatenation.
std::string digest_of(const std::vector<std::string>& parts);

/// The running bootsim's identity: a digest of its executable's bytes. Shards of one merge must come from
/// one build (results may differ between builds, byte-identical within one).
std::string build_digest();

/// The manifest of one shard's output folder (`shard.json`).
struct ShardManifest {
  std::filesystem::path dir;   ///< the shard's output folder (where shard.json was read or goes)
  std::string command;         ///< "scenario" or "sweep"
  Shard shard;
  std::string inputs_digest;   ///< digest_of(scenario file, options, grid, loaded variants)
  std::string build;           ///< build_digest() of the bootsim that ran it
  std::vector<std::string> jobs;  ///< the whole job list, in order (variant names; "cell/variant")
  std::size_t first = 0, last = 0;  ///< this shard's jobs
  bool complete = false;       ///< false: interrupted, its results are not all there
  nlohmann::json body;         ///< the command's own part (scenario header, sweep grid, results)

  /// dir / "shard.json"
  std::filesystem::path file() const { return dir / "shard.json"; }
};

/// Writes m.file(). std::runtime_error when it cannot.
void write_manifest(const ShardManifest& m);

/// Reads the shards in `dirs` and checks they make one whole run: each has a readable shard.json of one
/// command, all from the same inputs and build, of one N, every K once, each complete, and their job
/// ranges together cover the job list once. Returns them ordered by K. MergeError naming the file
/// otherwise.
std::vector<ShardManifest> read_shards(const std::vector<std::string>& dirs);

/// One job's result as the manifest keeps it: how each machine ended, the artifacts' paths relative to
/// `root` (the shard's output folder), wall time, the shared-boot note, and the verdicts. Events and
/// consoles stay in the artifact files.
nlohmann::json result_to_json(const VariantResult& r, const std::filesystem::path& root);

/// The result back from result_to_json's record `j` of the shard in `shard_dir`: its artifacts are
/// copied to the same relative paths under `merged_root` (their paths in the result point there), the
/// trace and consoles read back and the facts derived again. MergeError naming the file when an artifact
/// is missing.
VariantResult result_from_json(const std::filesystem::path& shard_dir, const nlohmann::json& j,
                               const std::filesystem::path& merged_root);

/// A scenario's header as reports read it (name, file, description, seed, overrides applied, and per variant its
/// machines' NIC profiles and whether its servers were external), to and from the manifest.
nlohmann::json scenario_header(const Scenario& s);
/// The header back; MergeError naming `manifest` (the shard.json it came from) when it is malformed.
Scenario scenario_from_header(const nlohmann::json& j, const std::string& manifest);

}  // namespace bootsim::scenario
