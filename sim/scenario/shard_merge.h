// What a sharded `bootsim scenario` or `bootsim sweep` keeps in its manifest (shard.h), and the whole run
// rebuilt from all its shards, as one unsharded run would have returned it: the CLI then prints and
// writes exactly what that run prints and writes (reports, sweep.json, JUnit, exit code).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "sim/scenario/shard.h"
#include "sim/scenario/sweep.h"

namespace bootsim::scenario {

// ---------------------------------------------------------------------------------------------------
// `bootsim scenario FILE --shard K/N`: its jobs are the file's variants, in the file's order.

/// The inputs digest of a scenario run: the file (path and bytes), the --set overrides, and each loaded
/// variant with its skip reason (an environment variable can skip one).
std::string scenario_inputs_digest(const Scenario& s, const std::string& path,
                                   const std::vector<std::pair<std::string, std::string>>& overrides);

/// The manifest of shard `shard` of a run of `s` (printed as `path`, written to the folder `id` under
/// `root`), whose jobs [first, last) gave `results`, in order.
ShardManifest scenario_manifest(const Scenario& s, const std::string& path, const std::string& id, const std::string& digest,
                                const Shard& shard, const std::vector<VariantResult>& results, const std::filesystem::path& root,
                                bool complete);

/// A scenario run rebuilt from all its shards (read_shards' order), artifacts copied under `merged_root`.
struct MergedScenario {
  Scenario scenario;  ///< its header only (name, file, description, seed): all the reports read
  std::string path;   ///< the file as the shards' command line named it
  std::string id;     ///< its output folder's name under the root
  std::vector<VariantResult> variants;  ///< in the file's order, judged as the shards judged them
};
MergedScenario merge_scenario(const std::vector<ShardManifest>& shards, const std::filesystem::path& merged_root);

// ---------------------------------------------------------------------------------------------------
// `bootsim sweep FILE --vary … --shard K/N`: its jobs are grid points x variants, in cell order.

/// The job list of a sweep: "<cell folder>/<variant>" per cell, in cell order.
std::vector<std::string> sweep_job_names(const SweepResult& r);
/// The inputs digest of a sweep: the file (path and bytes), judge, axes (paths and values), the variants
/// chosen, and the loaded variants with their skip reasons.
std::string sweep_inputs_digest(const SweepResult& r, const std::string& path);

/// The manifest of shard `shard` of sweep `r` (its cells only), run into `root`.
ShardManifest sweep_manifest(const SweepResult& r, const std::string& path, const Shard& shard, const std::filesystem::path& root,
                             bool complete);

/// The sweep rebuilt from all its shards, artifacts copied under `merged_root`; `path` gets the file as
/// the shards' command line named it.
SweepResult merge_sweep(const std::vector<ShardManifest>& shards, const std::filesystem::path& merged_root, std::string* path);

}  // namespace bootsim::scenario
