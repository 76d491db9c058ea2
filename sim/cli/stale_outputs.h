// A sweep re-run into the same folder replaces its cells: what an earlier sweep wrote there (cell folders,
// heat maps) goes before the new one runs, so sweep.json, the heat map and the folder agree on one grid.
// Only what bootsim itself wrote and listed is removed: the cell folders and heat maps named in the
// folder's previous sweep.json, and the cell folders in the root's previous shard.json (a shard run). A
// listed name that is not a plain `cells/<name>` (or `sweep*.html`) inside the sweep folder — `..`, an
// absolute path, a symlink — is left alone: the output root may be a user's folder.
#pragma once

#include <string>

namespace bootsim::cli {

/// Removes the outputs an earlier sweep listed in `sweep_dir`/sweep.json and in `out_root`/shard.json
/// (when that shard ran into `sweep_dir`), then that sweep.json itself. Unreadable or malformed listings
/// remove nothing. Returns how many cell folders were removed.
int remove_stale_outputs(const std::string& out_root, const std::string& sweep_dir);

}  // namespace bootsim::cli
