#include "sim/cli/stale_outputs.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "sim/core/errors.h"
#include "sim/core/file_text.h"
#include "sim/core/host_paths.h"

namespace bootsim::cli {

namespace fs = std::filesystem;

namespace {

nlohmann::json read_json(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return nullptr;
  return nlohmann::json::parse(read_file_bytes(file), nullptr, false);  // discarded (not an exception) when malformed
}

/// `name` is one plain path component: not empty, no separator, not "." or "..".
bool plain_component(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos && name.find('\0') == std::string::npos;
}

/// Removes sweep_dir/cells/<name> when it is a real folder inside sweep_dir (no symlink on the way).
bool remove_cell(const fs::path& sweep_dir, const std::string& name) {
  if (!plain_component(name)) return false;
  std::error_code ec;
  fs::path cells = sweep_dir / "cells";
  if (fs::is_symlink(cells, ec) || fs::is_symlink(cells / name, ec) || !fs::is_directory(cells / name, ec)) return false;
  try {
    contained_path(sweep_dir, fs::path("cells") / name, "cell folder");
  } catch (const InputError&) {
    return false;
  }
  return fs::remove_all(cells / name, ec) > 0;
}

/// The cell folder's name in a listed path "cells/<name>[/…]" (relative to the sweep folder); empty
/// when the path is anything else.
std::string cell_name(const std::string& rel) {
  fs::path p(rel);
  if (p.is_absolute()) return {};
  auto it = p.begin();
  if (it == p.end() || *it != "cells" || ++it == p.end()) return {};
  return it->string();
}

}  // namespace

int remove_stale_outputs(const std::string& out_root, const std::string& sweep_dir) {
  std::set<std::string> cells;
  std::error_code ec;
  nlohmann::json sweep = read_json(fs::path(sweep_dir) / "sweep.json");
  if (sweep.is_object()) {
    if (sweep.contains("cells") && sweep["cells"].is_array())
      for (const auto& c : sweep["cells"])
        if (c.is_object() && c.contains("report") && c["report"].is_string()) cells.insert(cell_name(c["report"].get<std::string>()));
    // The heat maps it wrote: sweep.html for one variant, sweep-<variant>.html for several.
    if (sweep.contains("variants") && sweep["variants"].is_array()) {
      const auto& vs = sweep["variants"];
      for (const auto& v : vs) {
        if (!v.is_string()) continue;
        std::string file = vs.size() == 1 ? "sweep.html" : "sweep-" + v.get<std::string>() + ".html";
        fs::path p = fs::path(sweep_dir) / file;
        if (plain_component(file) && !fs::is_symlink(p, ec) && fs::is_regular_file(p, ec)) fs::remove(p, ec);
      }
    }
  }
  // A shard's manifest lists its cells relative to the root: "sweep-<scenario>/cells/<name>".
  nlohmann::json shard = read_json(fs::path(out_root) / "shard.json");
  if (shard.is_object() && shard.value("command", std::string()) == "sweep" && shard.contains("body") &&
      shard["body"].is_object() && shard["body"].contains("cells") && shard["body"]["cells"].is_array()) {
    std::string prefix = fs::path(sweep_dir).filename().string() + "/";
    for (const auto& c : shard["body"]["cells"]) {
      if (!c.is_object() || !c.contains("out_dir") || !c["out_dir"].is_string()) continue;
      std::string rel = c["out_dir"].get<std::string>();
      if (rel.rfind(prefix, 0) == 0) cells.insert(cell_name(rel.substr(prefix.size())));
    }
  }
  int removed = 0;
  for (const auto& name : cells) removed += remove_cell(sweep_dir, name);
  // The old table itself: until the new run writes its own, it would list cells that are gone.
  fs::path table = fs::path(sweep_dir) / "sweep.json";
  if (sweep.is_object() && !fs::is_symlink(table, ec)) fs::remove(table, ec);
  return removed;
}

}  // namespace bootsim::cli
