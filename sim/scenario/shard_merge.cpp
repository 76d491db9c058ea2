#include "sim/scenario/shard_merge.h"

#include "sim/core/file_text.h"

namespace bootsim::scenario {

namespace fs = std::filesystem;

namespace {

std::string rel_dir(const std::string& dir, const fs::path& root) {
  return fs::relative(fs::absolute(dir), fs::absolute(root)).string();
}

/// The loaded variants and why any is skipped: two shards whose environments skip different variants
/// would not make one run.
void add_variants(std::vector<std::string>& parts, const Scenario& s) {
  for (const auto& v : s.variants) {
    parts.push_back(v.name);
    parts.push_back(v.skip_reason);
  }
}

ShardManifest manifest(const std::string& command, const std::vector<std::string>& jobs, const Shard& shard,
                       const fs::path& root, bool complete) {
  ShardManifest m;
  m.dir = root;
  m.command = command;
  m.shard = shard;
  m.build = build_digest();
  m.jobs = jobs;
  std::tie(m.first, m.last) = shard_range(jobs.size(), shard);
  m.complete = complete;
  return m;
}

/// body.at(key) with a MergeError naming the manifest.
const nlohmann::json& at(const ShardManifest& m, const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) throw MergeError(m.file().string() + ": malformed shard manifest (no \"" + key + "\")");
  return j.at(key);
}

template <typename T>
T get(const ShardManifest& m, const nlohmann::json& j, const char* key) {
  try {
    return at(m, j, key).get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw MergeError(m.file().string() + ": malformed shard manifest (\"" + key + "\": " + e.what() + ")");
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Scenario

std::string scenario_inputs_digest(const Scenario& s, const std::string& path,
                                   const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> parts{"scenario", path, read_file_bytes(path)};
  for (const auto& [k, v] : overrides) {
    parts.push_back(k);
    parts.push_back(v);
  }
  add_variants(parts, s);
  return digest_of(parts);
}

ShardManifest scenario_manifest(const Scenario& s, const std::string& path, const std::string& id, const std::string& digest,
                                const Shard& shard, const std::vector<VariantResult>& results, const fs::path& root,
                                bool complete) {
  std::vector<std::string> jobs;
  for (const auto& v : s.variants) jobs.push_back(v.name);
  ShardManifest m = manifest("scenario", jobs, shard, root, complete);
  m.inputs_digest = digest;
  nlohmann::json rs = nlohmann::json::array();
  for (const auto& r : results) rs.push_back(result_to_json(r, root));
  m.body = {{"scenario", scenario_header(s)}, {"path", path}, {"id", id}, {"results", std::move(rs)}};
  return m;
}

MergedScenario merge_scenario(const std::vector<ShardManifest>& shards, const fs::path& merged_root) {
  MergedScenario out;
  const ShardManifest& a = shards.front();
  out.scenario = scenario_from_header(at(a, a.body, "scenario"), a.file().string());
  out.path = get<std::string>(a, a.body, "path");
  out.id = get<std::string>(a, a.body, "id");
  if (out.id.empty() || out.id.find('/') != std::string::npos || out.id == "." || out.id == "..")
    throw MergeError(a.file().string() + ": malformed shard manifest (output folder name '" + out.id + "')");
  for (const auto& m : shards) {
    const nlohmann::json& rs = at(m, m.body, "results");
    if (!rs.is_array() || rs.size() != m.last - m.first)
      throw MergeError(m.file().string() + ": holds " + std::to_string(rs.is_array() ? rs.size() : 0) + " results for its " +
                       std::to_string(m.last - m.first) + " jobs");
    for (const auto& r : rs) out.variants.push_back(result_from_json(m.dir, r, merged_root));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Sweep

std::vector<std::string> sweep_job_names(const SweepResult& r) {
  std::vector<std::string> jobs;
  for (const auto& values : grid_points(r.axes))
    for (const auto& v : r.variants) jobs.push_back(cell_dir_name(r.axes, values) + "/" + v);
  return jobs;
}

std::string sweep_inputs_digest(const SweepResult& r, const std::string& path) {
  std::vector<std::string> parts{"sweep", path, read_file_bytes(path), r.judge == SweepJudge::kBoot ? "boot" : "expectations"};
  for (const auto& a : r.axes) {
    parts.push_back(a.path);
    parts.push_back(std::to_string(a.values.size()));
    parts.insert(parts.end(), a.values.begin(), a.values.end());
  }
  parts.push_back("variants");
  parts.insert(parts.end(), r.variants.begin(), r.variants.end());
  parts.push_back("set");  // `sweep --set`: shards with other overrides are other runs
  for (const auto& [k, v] : r.scenario.overrides) parts.insert(parts.end(), {k, v});
  add_variants(parts, r.scenario);
  return digest_of(parts);
}

ShardManifest sweep_manifest(const SweepResult& r, const std::string& path, const Shard& shard, const fs::path& root,
                             bool complete) {
  ShardManifest m = manifest("sweep", sweep_job_names(r), shard, root, complete);
  m.inputs_digest = sweep_inputs_digest(r, path);
  nlohmann::json axes = nlohmann::json::array(), points = nlohmann::json::array(), cells = nlohmann::json::array();
  for (const auto& a : r.axes) axes.push_back({{"path", a.path}, {"label", a.label}, {"values", a.values}});
  for (const auto& p : r.points)
    points.push_back({{"values", p.values}, {"scenario", scenario_header(p.scenario)}, {"out_dir", rel_dir(p.out_dir, root)}});
  for (const auto& c : r.cells)
    cells.push_back({{"values", c.values},
                     {"variant", c.variant},
                     {"outcome", to_string(c.outcome)},
                     {"detail", c.detail},
                     {"out_dir", rel_dir(c.out_dir, root)},
                     {"result", result_to_json(c.run, root)}});
  m.body = {{"scenario", scenario_header(r.scenario)},
            {"path", path},
            {"judge", r.judge == SweepJudge::kBoot ? "boot" : "expectations"},
            {"axes", std::move(axes)},
            {"variants", r.variants},
            {"points", std::move(points)},
            {"cells", std::move(cells)}};
  return m;
}

SweepResult merge_sweep(const std::vector<ShardManifest>& shards, const fs::path& merged_root, std::string* path) {
  SweepResult r;
  const ShardManifest& a = shards.front();
  r.scenario = scenario_from_header(at(a, a.body, "scenario"), a.file().string());
  *path = get<std::string>(a, a.body, "path");
  r.judge = get<std::string>(a, a.body, "judge") == "boot" ? SweepJudge::kBoot : SweepJudge::kExpectations;
  for (const auto& x : at(a, a.body, "axes"))
    r.axes.push_back({get<std::string>(a, x, "path"), get<std::string>(a, x, "label"), get<std::vector<std::string>>(a, x, "values")});
  r.variants = get<std::vector<std::string>>(a, a.body, "variants");
  auto inside = [&](const ShardManifest& m, const std::string& rel) {
    if (rel.empty() || rel.find("..") != std::string::npos || fs::path(rel).is_absolute())
      throw MergeError(m.file().string() + ": cell folder '" + rel + "' leaves the shard's folder");
    return (merged_root / rel).string();
  };
  // Shards are contiguous blocks in cell order, so their points and cells, taken shard after shard, are
  // in cell order; a point whose variants two shards split appears in both.
  for (const auto& m : shards) {
    for (const auto& p : at(m, m.body, "points")) {
      auto values = get<std::vector<std::string>>(m, p, "values");
      if (!r.points.empty() && r.points.back().values == values) continue;
      SweepResult::Point point;
      point.values = std::move(values);
      point.scenario = scenario_from_header(at(m, p, "scenario"), m.file().string());
      point.out_dir = inside(m, get<std::string>(m, p, "out_dir"));
      r.points.push_back(std::move(point));
    }
    const nlohmann::json& cells = at(m, m.body, "cells");
    if (!cells.is_array() || cells.size() != m.last - m.first)
      throw MergeError(m.file().string() + ": holds " + std::to_string(cells.is_array() ? cells.size() : 0) + " cells for its " +
                       std::to_string(m.last - m.first) + " jobs");
    for (const auto& j : cells) {
      SweepCellResult c;
      c.values = get<std::vector<std::string>>(m, j, "values");
      c.variant = get<std::string>(m, j, "variant");
      std::string outcome = get<std::string>(m, j, "outcome");
      bool known = false;
      for (CellOutcome o : {CellOutcome::kPass, CellOutcome::kFail, CellOutcome::kSkip, CellOutcome::kFault,
                            CellOutcome::kError, CellOutcome::kInterrupted})
        if (outcome == to_string(o)) c.outcome = o, known = true;
      if (!known) throw MergeError(m.file().string() + ": unknown cell outcome '" + outcome + "'");
      c.detail = get<std::string>(m, j, "detail");
      c.out_dir = inside(m, get<std::string>(m, j, "out_dir"));
      c.run = result_from_json(m.dir, at(m, j, "result"), merged_root);
      r.cells.push_back(std::move(c));
    }
  }
  for (auto& p : r.points)
    for (const auto& c : r.cells)
      if (c.values == p.values) p.runs.push_back(c.run);
  if (r.cells.size() != sweep_job_names(r).size())
    throw MergeError(a.file().string() + ": the shards hold " + std::to_string(r.cells.size()) + " cells of a grid of " +
                     std::to_string(sweep_job_names(r).size()));
  return r;
}

}  // namespace bootsim::scenario
