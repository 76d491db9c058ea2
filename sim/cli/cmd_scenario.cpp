// `bootsim scenario FILE.xml… [--variant NAME…] [--out DIR] [--junit FILE]`: runs every variant, prints one line per
// expectation with its verdict and evidence, writes trace/console/pcap per variant, exits 0/1/2/3/4, or
// 128 + the signal when SIGINT/SIGTERM/SIGHUP stopped it (after writing the reports it could). With
// `--shard K/N` it runs a block of the variants and leaves their results for `bootsim merge` (cmd_merge.cpp).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "sim/cli/commands.h"
#include "sim/cli/option_checks.h"
#include "sim/cli/out_lock.h"
#include "sim/cli/out_rule.h"
#include "sim/cli/job_progress.h"
#include "sim/cli/progress.h"
#include "sim/cli/scenario_output.h"
#include "sim/core/errors.h"
#include "sim/core/host_paths.h"
#include "sim/scenario/interrupt.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/shard_merge.h"
#include "sim/scenario/variant_jobs.h"
#include "sim/scenario/worker_pool.h"

namespace bootsim::cli {

namespace fs = std::filesystem;

namespace {

struct ScenarioOptions {
  std::vector<std::string> files;
  std::string out_dir;
  std::string junit;
  std::vector<std::string> set;
  std::vector<std::string> variants;
  bool verbose = false;
  bool wait = false;
  bool keep_staging = false;
  bool allow_servers = false;
  bool quiet = false;
  int jobs = scenario::default_jobs();
  std::string shard;  ///< --shard K/N; empty: every variant
};

/// --variant: only the variants named, in the file's order. A name the file lacks is an input error that
/// lists the ones it has (with several files, a name must exist in each).
void keep_variants(scenario::Scenario& s, const std::vector<std::string>& names, const std::string& path) {
  for (const auto& name : names)
    if (!s.find_variant(name)) {
      std::string have;
      for (const auto& v : s.variants) have += (have.empty() ? "" : ", ") + v.name;
      throw InputError(path + ": --variant " + name + ": no such variant (the file has: " + have + ")");
    }
  std::vector<scenario::Variant> kept;
  for (auto& v : s.variants)
    if (std::find(names.begin(), names.end(), v.name) != names.end()) kept.push_back(std::move(v));
  s.variants = std::move(kept);
}

/// `--shard K/N`: runs the K-th block of the file's variants into out_root/<name>/ (as an unsharded run
/// would), prints their verdicts and writes out_root/shard.json for `bootsim merge`. Reports are the
/// merge's to write: a shard's would show a part of the run as if it were all of it.
int run_shard(const ScenarioOptions& o, const std::string& path, const scenario::Scenario& s,
              const std::vector<std::pair<std::string, std::string>>& overrides, const std::string& out_root) {
  scenario::Shard shard = scenario::parse_shard(o.shard);
  fs::remove(fs::path(out_root) / "shard.json");  // a run that dies must not leave an old, whole manifest
  scenario::RunOptions ro;
  ro.out_dir = run_folder(out_root, s.name);
  ro.echo = o.verbose;
  ro.jobs = o.jobs;
  ro.keep_staging = o.keep_staging;
  auto [first, last] = scenario::shard_range(s.variants.size(), shard);
  std::vector<scenario::VariantJob> jobs;
  for (size_t i = first; i < last; ++i) {
    scenario::check_output_paths(s.variants[i], ro);
    jobs.push_back({&s, &s.variants[i], ro});
  }
  std::printf("scenario %s (%s), shard %s: variants %zu..%zu of %zu\n", s.name.c_str(), path.c_str(), o.shard.c_str(),
              first + (first < last), last, s.variants.size());
  print_overrides(s.overrides);
  ScenarioOutcome out{s, scenario::run_jobs(jobs, ro.jobs), ro.out_dir, s.name};
  int rc = print_verdicts(out);
  if (!o.junit.empty()) write_junit({out}, o.junit);
  scenario::ShardManifest m =
      scenario::scenario_manifest(s, path, s.name, scenario::scenario_inputs_digest(s, path, overrides), shard, out.variants,
                                  out_root, scenario::interrupt::received() == 0);
  scenario::write_manifest(m);
  std::printf("shard %s: manifest %s (merge all %d with bootsim merge)\n", o.shard.c_str(), m.file().c_str(), shard.n);
  if (scenario::interrupt::received()) {
    std::printf("interrupted by signal %d: unfinished variants are marked \"interrupted\"\n", scenario::interrupt::received());
    std::fflush(stdout);
    return scenario::interrupt::exit_code();
  }
  return rc;
}

int run(const ScenarioOptions& o) {
  scenario::interrupt::Catcher catcher;
  if (!o.shard.empty()) {
    scenario::parse_shard(o.shard);  // a bad K/N is exit 2 before anything loads
    if (o.files.size() != 1)
      throw InputError("--shard " + o.shard + ": shards one scenario file; run each file as a sharded run of its own");
  }
  // Everything the user gave is checked before the first variant runs: every scenario file loads, and
  // every output can be written. A mistake costs a second, not a run.
  if (!o.junit.empty()) check_output_file(o.junit, "--junit");
  const std::string out_root = out_root_of(o.out_dir);
  check_output_dir(out_root, "--out");
  std::vector<std::pair<std::string, scenario::Scenario>> loaded;
  std::vector<std::pair<std::string, std::string>> overrides;
  for (const auto& name : o.files) {
    std::string path = resolve_scenario(name);
    scenario::LoadOptions lo = load_options(o.allow_servers);
    lo.overrides = parse_sets(o.set);
    overrides = lo.overrides;
    scenario::Scenario s = scenario::load_scenario(path, lo);
    if (!o.variants.empty()) keep_variants(s, o.variants, path);
    loaded.emplace_back(path, std::move(s));
  }
  prepare_out_dir(out_root);
  OutDirLock lock(out_root, o.wait);
  if (!lock.held()) return scenario::interrupt::exit_code();  // a signal while waiting for it
  if (!o.shard.empty()) return run_shard(o, loaded.front().first, loaded.front().second, overrides, out_root);

  size_t variants = 0;
  for (const auto& l : loaded) variants += l.second.variants.size();
  // -v echoes consoles on stdout: no status line to draw over them.
  Progress progress("variants", variants, progress_style(o.quiet || o.verbose));
  int worst = kExitOk;
  std::vector<ScenarioOutcome> outcomes;
  std::set<std::string> folders;  // claim_output_name(): one folder per file, even when two share a name
  // After a signal the remaining files still get reports, every variant "interrupted" (run_scenario
  // starts nothing then).
  for (auto& [path, s] : loaded) {
    scenario::RunOptions ro;
    std::string id = claim_output_name(s.name, folders);
    ro.out_dir = run_folder(out_root, id);
    ro.echo = o.verbose;
    ro.jobs = o.jobs;
    ro.keep_staging = o.keep_staging;
    std::printf("scenario %s (%s)%s\n", s.name.c_str(), path.c_str(),
                id == s.name ? "" : (", in " + id + "/: an earlier file has that name").c_str());
    print_overrides(s.overrides);
    const std::string prefix = loaded.size() > 1 ? id + "/" : "";
    scenario::JobProgress told =
        job_progress(progress, [prefix](const std::string&, const scenario::Variant* v) { return prefix + v->name; });
    ScenarioOutcome out{s, scenario::run_scenario(s, ro, told), ro.out_dir, id};
    progress.clear();
    int rc = print_verdicts(out);
    write_reports(out);
    worst = std::max(worst, rc);  // 4 (bootsim failed) over 3 (guest fault) over 1 (expectation)
    outcomes.push_back(std::move(out));
  }
  progress.finish();
  if (!o.junit.empty()) write_junit(outcomes, o.junit);
  if (outcomes.size() > 1) write_index(outcomes, out_root);
  if (scenario::interrupt::received()) {
    std::printf("interrupted by signal %d: unfinished variants are marked \"interrupted\"\n", scenario::interrupt::received());
    std::fflush(stdout);
    return scenario::interrupt::exit_code();
  }
  return worst;
}

}  // namespace

void add_scenario_command(CLI::App& app, int& result) {
  auto opts = std::make_shared<ScenarioOptions>();
  CLI::App* cmd = app.add_subcommand("scenario", "Run scenario files: every variant, every expectation (a CI gate)");
  cmd->add_option("files", opts->files, "scenario files (a bare name is also looked up among the shipped ones)")->required();
  cmd->add_option("--out", opts->out_dir, "output root: each scenario writes DIR/<scenario>/ (default DIR: bootsim-out)")
      ->type_name("DIR");
  cmd->add_option("--junit", opts->junit, "write JUnit XML for CI servers here");
  cmd->add_option("--set", opts->set,
                  "PATH=VALUE, repeatable: override a value before the file is read, e.g. @seed=5 or "
                  "machine[r640-01]/nic/@autoneg=8s (scenarios/README.md, \"Overrides and sweeps\"); listed in the "
                  "printout and the reports")
      ->type_name("PATH=VALUE");
  cmd->add_option("--variant", opts->variants, "run only this variant (repeatable); the others are not run or reported")
      ->type_name("NAME");
  cmd->add_flag("--verbose,-v", opts->verbose, "echo each variant's console (runs variants one at a time)");
  cmd->add_option("--jobs,-j", opts->jobs, "variants run at once, each in its own process (default: CPUs)")
      ->check(at_least(1, "variants run at once"));
  cmd->add_flag("--wait", opts->wait, "when another run holds the output directory, wait for it instead of failing");
  cmd->add_flag("--quiet,-q", opts->quiet, "no progress on stderr (README \"Progress\")");
  cmd->add_flag("--allow-servers", opts->allow_servers,
                "let <server command> start its programs on this host (network mode=\"external\"; also BOOTSIM_ALLOW_SERVERS=1)");
  cmd->add_flag("--keep-staging", opts->keep_staging, "keep this run's staging folder (.staging-<pid>) for debugging");
  cmd->add_option("--shard", opts->shard,
                  "K/N: run only the K-th of N contiguous blocks of the variants (1 <= K <= N; one scenario file) and "
                  "write DIR/shard.json; `bootsim merge` joins the N shards' folders into one run's reports")
      ->type_name("K/N");
  cmd->callback([opts, &result] { result = run(*opts); });
}

}  // namespace bootsim::cli
