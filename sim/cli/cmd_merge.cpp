// `bootsim merge DIR… [--out DIR] [--junit FILE]`: joins the output folders of the N shards of one
// `bootsim scenario|sweep … --shard K/N` run (sim/scenario/shard.h) into what the run without --shard
// writes and prints: the verdicts, report.html/report.json/junit.xml, for a sweep the table, heat map and
// sweep.json; every artifact (trace, console log, pcap) is copied to where that run puts it, so the
// reports' links work. Exit codes are the unsharded run's (0/1/3/4), 2 for bad usage, and 5 when the
// folders do not make one whole run (a shard missing, given twice, from other inputs or another bootsim
// build, or incomplete), naming the file.
#include <cstdio>
#include <filesystem>

#include "sim/cli/commands.h"
#include "sim/cli/out_lock.h"
#include "sim/cli/out_rule.h"
#include "sim/cli/stale_outputs.h"
#include "sim/cli/scenario_output.h"
#include "sim/cli/sweep_output.h"
#include "sim/core/errors.h"
#include "sim/core/host_paths.h"
#include "sim/scenario/interrupt.h"
#include "sim/scenario/shard_merge.h"

namespace bootsim::cli {

namespace fs = std::filesystem;

namespace {

struct MergeOptions {
  std::vector<std::string> dirs;
  std::string out_dir;
  std::string junit;
  bool wait = false;
};

/// A scenario's shards into --out/<name>/, as `bootsim scenario FILE --out DIR` writes it.
int merge_scenario(const MergeOptions& o, const std::vector<scenario::ShardManifest>& shards) {
  const std::string out_root = out_root_of(o.out_dir);
  check_output_dir(out_root, "--out");
  prepare_out_dir(out_root);
  OutDirLock lock(out_root, o.wait);
  if (!lock.held()) return scenario::interrupt::exit_code();
  scenario::MergedScenario m = scenario::merge_scenario(shards, out_root);
  std::string out_dir = run_folder(out_root, m.id);
  std::printf("scenario %s (%s)\n", m.scenario.name.c_str(), m.path.c_str());
  print_overrides(m.scenario.overrides);
  ScenarioOutcome out{m.scenario, std::move(m.variants), out_dir, m.id};
  int rc = print_verdicts(out);
  write_reports(out);
  if (!o.junit.empty()) write_junit({out}, o.junit);
  std::printf("merged %zu shards\n", shards.size());
  return rc;
}

/// A sweep's shards into --out/sweep-<scenario>/, as `bootsim sweep … --out DIR` writes it.
int merge_sweep(const MergeOptions& o, const std::vector<scenario::ShardManifest>& shards) {
  if (!o.junit.empty()) throw InputError("--junit: a sweep writes JUnit per cell (cells/*/junit.xml), not one file");
  std::string name = shards.front().body.value("scenario", nlohmann::json::object()).value("name", std::string("sweep"));
  const std::string out_root = out_root_of(o.out_dir);
  check_output_dir(out_root, "--out");
  prepare_out_dir(out_root);
  OutDirLock lock(out_root, o.wait);
  if (!lock.held()) return scenario::interrupt::exit_code();
  const std::string out = prepare_out_dir(run_folder(out_root, sweep_folder_name(name)));
  remove_stale_outputs(out_root, out);
  std::string path;
  scenario::SweepResult r = scenario::merge_sweep(shards, out_root, &path);
  print_sweep_header(r.scenario.name, path, r.points.size(), r.judge);
  print_overrides(r.scenario.overrides, r.axes);
  int rc = finish_sweep(r, out);
  std::printf("merged %zu shards\n", shards.size());
  return rc;
}

int run(const MergeOptions& o) {
  scenario::interrupt::Catcher catcher;
  if (!o.junit.empty()) check_output_file(o.junit, "--junit");
  try {
    std::vector<scenario::ShardManifest> shards = scenario::read_shards(o.dirs);
    return shards.front().command == "sweep" ? merge_sweep(o, shards) : merge_scenario(o, shards);
  } catch (const scenario::MergeError& e) {
    std::fprintf(stderr, "bootsim merge: %s\n", e.what());
    return scenario::kExitMergeRefused;
  }
}

}  // namespace

void add_merge_command(CLI::App& app, int& result) {
  auto opts = std::make_shared<MergeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Join the output folders of a sharded scenario or sweep run (--shard K/N) into one run's reports");
  cmd->add_option("dirs", opts->dirs, "the N shards' --out folders (each holds shard.json), in any order")->required();
  cmd->add_option("--out", opts->out_dir,
                  "output root, as the unsharded run's: DIR/<scenario>/ or DIR/sweep-<scenario>/ (default DIR: bootsim-out)")
      ->type_name("DIR");
  cmd->add_option("--junit", opts->junit, "also write the scenario's JUnit XML here (scenario shards only)");
  cmd->add_flag("--wait", opts->wait, "when another run holds the output directory, wait for it instead of failing");
  cmd->callback([opts, &result] { result = run(*opts); });
}

}  // namespace bootsim::cli
