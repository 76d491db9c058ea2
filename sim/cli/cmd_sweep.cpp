// `bootsim sweep FILE.xml --vary PATH=RANGE… [--variant NAME…] [--judge boot|expectations] [--out DIR]`:
// runs a scenario over a grid of overridden values and prints the table of outcomes and the boundary
// (e.g. the smallest sleep that boots, per link-up latency). Writes sweep.json, an HTML heat map per
// variant, and each cell's usual artifacts and report under DIR/sweep-<scenario>/cells/ (the --out rule,
// out_rule.h). With `--shard K/N` it runs the K-th block of the cells and writes DIR/shard.json instead of
// the table and reports (`bootsim merge`). A re-run replaces the cells an earlier sweep there wrote.
//
// Exit codes: 0 when every cell ran (whatever its outcome: the table is the answer), 2 bad input
// (including a value the scenario language rejects), 3 a guest fault in some cell, 4 internal error,
// 128 + the signal when SIGINT/SIGTERM/SIGHUP stopped it (after writing the table and reports).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "sim/cli/commands.h"
#include "sim/cli/option_checks.h"
#include "sim/cli/out_lock.h"
#include "sim/cli/out_rule.h"
#include "sim/cli/job_progress.h"
#include "sim/cli/progress.h"
#include "sim/cli/scenario_output.h"
#include "sim/cli/stale_outputs.h"
#include "sim/cli/sweep_output.h"
#include "sim/core/errors.h"
#include "sim/core/host_paths.h"
#include "sim/scenario/interrupt.h"
#include "sim/scenario/shard_merge.h"
#include "sim/scenario/sweep.h"
#include "sim/scenario/worker_pool.h"

namespace bootsim::cli {

namespace fs = std::filesystem;

namespace {

struct SweepCliOptions {
  std::string file;
  std::vector<std::string> vary;
  std::vector<std::string> variants;
  std::string judge = "boot";
  std::string out_dir;
  std::vector<std::string> set;
  bool wait = false;
  bool keep_staging = false;
  bool allow_servers = false;
  bool quiet = false;
  int jobs = scenario::default_jobs();
  std::string shard;  ///< --shard K/N; empty: every cell
};

/// A shard's part: one line per cell it ran, then its manifest (shard.h) for `bootsim merge`, in the
/// --out root beside the sweep's folder (as a scenario shard's), its paths relative to that root.
int finish_shard(const scenario::SweepResult& r, const std::string& path, const scenario::Shard& shard,
                 const std::string& out_dir) {
  for (const auto& c : r.cells)
    std::printf("  %s [%s] %s  %s\n", scenario::cell_dir_name(r.axes, c.values).c_str(), c.variant.c_str(),
                scenario::to_string(c.outcome), c.detail.c_str());
  scenario::ShardManifest m =
      scenario::sweep_manifest(r, path, shard, out_dir, scenario::interrupt::received() == 0);
  scenario::write_manifest(m);
  std::printf("shard %d/%d: cells %zu..%zu of %zu; manifest %s (merge all %d with bootsim merge)\n", shard.k, shard.n,
              m.first + (m.first < m.last), m.last, m.jobs.size(), m.file().c_str(), shard.n);
  return scenario::exit_code(r);
}

int run(const SweepCliOptions& o) {
  scenario::interrupt::Catcher catcher;
  std::optional<scenario::Shard> shard;
  if (!o.shard.empty()) shard = scenario::parse_shard(o.shard);
  std::string path = resolve_scenario(o.file);
  std::vector<scenario::SweepAxis> axes;
  for (const auto& v : o.vary) axes.push_back(scenario::parse_vary(v));
  scenario::SweepOptions so;
  so.load = load_options(o.allow_servers);
  so.load.overrides = parse_sets(o.set);
  so.judge = o.judge == "boot" ? scenario::SweepJudge::kBoot : scenario::SweepJudge::kExpectations;
  so.jobs = o.jobs;
  so.shard = shard;
  // The default directory needs the scenario's name: peek at it through a plain load.
  scenario::Scenario peek = scenario::load_scenario(path, so.load);
  std::string name = peek.name;
  const std::string out_root = out_root_of(o.out_dir);
  check_output_dir(out_root, "--out");
  prepare_out_dir(out_root);
  OutDirLock lock(out_root, o.wait);
  if (!lock.held()) return scenario::interrupt::exit_code();  // a signal while waiting for it
  so.out_dir = prepare_out_dir(run_folder(out_root, sweep_folder_name(name)));
  so.keep_staging = o.keep_staging;

  size_t cells = 1;
  for (const auto& a : axes) cells *= a.values.size();
  print_sweep_header(name, path, cells, so.judge, shard ? ", shard " + o.shard : "");
  print_overrides(so.load.overrides, axes);
  // What an earlier sweep (or shard) wrote here goes first, so the folder holds this grid's cells only:
  // the cell folders and heat maps its sweep.json/shard.json listed, nothing else (stale_outputs.h).
  remove_stale_outputs(out_root, so.out_dir);
  if (shard) fs::remove(fs::path(out_root) / "shard.json");  // a run that dies must not leave an old, whole manifest
  size_t runs = o.variants.size();
  if (runs == 0)
    for (const auto& v : peek.variants) runs += v.skip_reason.empty();
  size_t total = cells * runs;
  if (shard) {
    auto [first, last] = scenario::shard_range(total, *shard);
    total = last - first;
  }
  Progress progress("cells", total, progress_style(o.quiet));
  so.progress = job_progress(progress, [](const std::string& out_dir, const scenario::Variant* v) {
    return fs::path(out_dir).filename().string() + " " + v->name;
  });
  scenario::SweepResult r = scenario::run_sweep(path, axes, o.variants, so);
  progress.finish();
  int rc = shard ? finish_shard(r, path, *shard, out_root) : finish_sweep(r, so.out_dir);
  if (scenario::interrupt::received()) {
    std::printf("interrupted by signal %d: unfinished cells are marked \"interrupted\"\n", scenario::interrupt::received());
    std::fflush(stdout);
    return scenario::interrupt::exit_code();
  }
  return rc;
}

}  // namespace

void add_sweep_command(CLI::App& app, int& result) {
  auto opts = std::make_shared<SweepCliOptions>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run a scenario across a grid of values and print where it starts to boot");
  cmd->add_option("file", opts->file, "scenario file (a bare name is also looked up among the shipped ones)")->required();
  cmd->add_option("--vary", opts->vary,
                  "PATH=RANGE, repeatable: an override path into the scenario and FROM..TO/STEP, a list A,B,C "
                  "or one value (scenarios/README.md, \"Overrides and sweeps\")")
      ->required();
  cmd->add_option("--variant", opts->variants, "run only these variants (repeatable; default: every variant)");
  cmd->add_option("--judge", opts->judge, "a cell passes when it boots (reaches the OS) or when its expectations hold")
      ->check(CLI::IsMember({"boot", "expectations"}));
  cmd->add_option("--out", opts->out_dir, "output root: the sweep writes DIR/sweep-<scenario>/ (default DIR: bootsim-out)")
      ->type_name("DIR");
  cmd->add_option("--set", opts->set,
                  "PATH=VALUE, repeatable: override a value in every cell before the file is read (as `scenario --set`)")
      ->type_name("PATH=VALUE");
  cmd->add_option("--jobs,-j", opts->jobs, "boots run at once, each in its own process (default: CPUs)")
      ->check(at_least(1, "boots run at once"));
  cmd->add_flag("--wait", opts->wait, "when another run holds the output directory, wait for it instead of failing");
  cmd->add_flag("--quiet,-q", opts->quiet, "no progress on stderr (README \"Progress\")");
  cmd->add_flag("--allow-servers", opts->allow_servers,
                "let <server command> start its programs on this host (network mode=\"external\"; also BOOTSIM_ALLOW_SERVERS=1)");
  cmd->add_flag("--keep-staging", opts->keep_staging, "keep the cells' staging folders (.staging-<pid>) for debugging");
  cmd->add_option("--shard", opts->shard,
                  "K/N: run only the K-th of N contiguous blocks of the cells (1 <= K <= N) and write DIR/shard.json; "
                  "`bootsim merge` joins the N shards' folders into the sweep's outputs")
      ->type_name("K/N");
  cmd->callback([opts, &result] { result = run(*opts); });
}

}  // namespace bootsim::cli
