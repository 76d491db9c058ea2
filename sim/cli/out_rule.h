// The --out rule, one for every command that writes a run's outputs (`scenario`, `sweep`, `merge`):
// `--out DIR` is a root (default `bootsim-out`, in the current directory), locked for the run
// (out_lock.h), and each run writes into a folder of its own under it, named for what it ran:
//   bootsim scenario X.xml --out DIR   → DIR/<scenario>/       (several files: DIR/<name>/ each, DIR/index.html)
//   bootsim sweep X.xml … --out DIR    → DIR/sweep-<scenario>/
//   … --shard K/N --out DIR            → the same folder, plus DIR/shard.json beside it
//   bootsim merge SHARD… --out DIR     → what the unsharded run writes into DIR
// So a scenario run and a sweep of it can share a root, and a merge reproduces the unsharded run's paths
// exactly. `run` and `bench` write only the files their options name (--trace, --pcap, …).
#pragma once

#include <string>

namespace bootsim::cli {

/// The root a command writes under: `given` (its --out), or "bootsim-out" when none was given.
std::string out_root_of(const std::string& given);

/// The folder name of a sweep of scenario `scenario` under the root: "sweep-<scenario>".
std::string sweep_folder_name(const std::string& scenario);

/// root/name, after checking that it stays inside root (no `..`, no symlink out of it); InputError
/// (exit 2) naming the folder otherwise. `root` must exist.
std::string run_folder(const std::string& root, const std::string& name);

}  // namespace bootsim::cli
