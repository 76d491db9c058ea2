// `bootsim sweep FILE.xml --vary PATH=RANGE… [--variant NAME…] [--judge boot|expectations] [--out DIR]`:
// runs a scenario over a grid of overridden values and prints the table of outcomes and the boundary
// (e.g. the smallest sleep that boots, per link-up latency). Writes sweep.json, an HTML heat map per
// variant, and each cell's usual artifacts and report under DIR/cells/.
//
// Exit codes: 0 when every cell ran (whatever its outcome: the table is the answer), 2 bad input
// (including a value the scenario language rejects), 3 a guest fault in some cell, 4 internal error,
// 128 + the signal when SIGINT/SIGTERM/SIGHUP stopped it (after writing the table and reports).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "reports/html_report.h"
#include "sim/cli/commands.h"
#include "sim/cli/option_checks.h"
#include "sim/cli/out_lock.h"
#include "sim/cli/progress.h"
#include "sim/cli/scenario_output.h"
#include "sim/core/errors.h"
#include "sim/scenario/interrupt.h"
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
  bool wait = false;
  bool keep_staging = false;
  bool quiet = false;
  int jobs = scenario::default_jobs();
};

const char* mark(scenario::CellOutcome outcome) {
  using O = scenario::CellOutcome;
  switch (outcome) {
    case O::kPass: return "pass";
    case O::kFail: return "FAIL";
    case O::kFault: return "FAULT";
    case O::kError: return "ERROR";
    default: return scenario::to_string(outcome);
  }
}

/// Text tables: a grid for two axes (one per variant), otherwise one row per grid point with a column
/// per variant.
void print_table(const scenario::SweepResult& r) {
  std::map<std::pair<std::vector<std::string>, std::string>, const scenario::SweepCellResult*> at;
  for (const auto& c : r.cells) at[{c.values, c.variant}] = &c;
  if (r.axes.size() == 2) {
    for (const auto& variant : r.variants) {
      std::printf("  [%s] %s down, %s across (%s = boots%s)\n", variant.c_str(), r.axes[0].label.c_str(),
                  r.axes[1].label.c_str(), "pass", r.judge == scenario::SweepJudge::kBoot ? "" : " / all expectations hold");
      std::printf("  %10s", "");
      for (const auto& v : r.axes[1].values) std::printf(" %6s", v.c_str());
      std::printf("\n");
      for (const auto& v0 : r.axes[0].values) {
        std::printf("  %10s", v0.c_str());
        for (const auto& v1 : r.axes[1].values) {
          auto it = at.find({{v0, v1}, variant});
          std::printf(" %6s", it == at.end() ? "-" : mark(it->second->outcome));
        }
        std::printf("\n");
      }
    }
    return;
  }
  std::printf(" ");
  for (const auto& a : r.axes) std::printf(" %10s", a.label.c_str());
  for (const auto& v : r.variants) std::printf("  %-16s", v.c_str());
  std::printf("  detail\n");
  for (const auto& p : r.points) {
    std::printf(" ");
    for (const auto& v : p.values) std::printf(" %10s", v.c_str());
    std::string detail;
    for (const auto& v : r.variants) {
      const auto* c = at.at({p.values, v});
      std::printf("  %-16s", mark(c->outcome));
      detail += (detail.empty() ? "" : " | ") + c->detail;
    }
    std::printf("  %s\n", detail.c_str());
  }
}

nlohmann::json to_json(const scenario::SweepResult& r, const std::vector<std::string>& boundary, const fs::path& out) {
  nlohmann::json j;
  j["scenario"] = r.scenario.name;
  j["file"] = r.scenario.file;
  j["judge"] = r.judge == scenario::SweepJudge::kBoot ? "boot" : "expectations";
  for (const auto& a : r.axes) j["axes"].push_back({{"path", a.path}, {"label", a.label}, {"values", a.values}});
  j["variants"] = r.variants;
  j["cells"] = nlohmann::json::array();
  for (const auto& c : r.cells)
    j["cells"].push_back({{"values", c.values},
                          {"variant", c.variant},
                          {"outcome", scenario::to_string(c.outcome)},
                          {"detail", c.detail},
                          {"ended", stop_reason_name(c.run.result.reason)},
                          {"end_ns", c.run.result.end_time.ns},
                          {"report", fs::relative(fs::path(c.out_dir) / "report.html", out).string()}});
  j["boundary"] = boundary;
  return j;
}

int run(const SweepCliOptions& o) {
  scenario::interrupt::Catcher catcher;
  std::string path = resolve_scenario(o.file);
  std::vector<scenario::SweepAxis> axes;
  for (const auto& v : o.vary) axes.push_back(scenario::parse_vary(v));
  scenario::SweepOptions so;
  so.load = load_options();
  so.judge = o.judge == "boot" ? scenario::SweepJudge::kBoot : scenario::SweepJudge::kExpectations;
  so.jobs = o.jobs;
  // The default directory needs the scenario's name: peek at it through a plain load.
  scenario::Scenario peek = scenario::load_scenario(path, so.load);
  std::string name = peek.name;
  so.out_dir = prepare_out_dir(o.out_dir.empty() ? (fs::path("bootsim-out") / ("sweep-" + name)).string() : o.out_dir);
  so.keep_staging = o.keep_staging;
  OutDirLock lock(so.out_dir, o.wait);
  if (!lock.held()) return scenario::interrupt::exit_code();  // a signal while waiting for it

  size_t cells = 1;
  for (const auto& a : axes) cells *= a.values.size();
  std::printf("sweep %s (%s): %zu grid points, judged by %s\n", name.c_str(), path.c_str(), cells,
              so.judge == scenario::SweepJudge::kBoot ? "handoff (pass = the OS was reached)" : "the variants' expectations");
  std::fflush(stdout);
  size_t runs = o.variants.size();
  if (runs == 0)
    for (const auto& v : peek.variants) runs += v.skip_reason.empty();
  Progress progress("cells", cells * runs, progress_style(o.quiet));
  so.progress = [&](const scenario::JobDone& d) {
    progress.done(fs::path(d.out_dir).filename().string() + " " + d.variant->name, "", d.reached.ns);
  };
  scenario::SweepResult r = scenario::run_sweep(path, axes, o.variants, so);
  progress.finish();
  print_table(r);
  std::vector<std::string> boundary = scenario::describe_boundary(r);
  std::printf("boundary:\n");
  for (const auto& line : boundary) std::printf("  %s\n", line.c_str());

  for (auto& p : r.points) write_reports(ScenarioOutcome{p.scenario, p.runs, p.out_dir}, false);
  fs::path out(so.out_dir);
  for (const auto& variant : r.variants) {
    reports::SweepReport sr;
    sr.scenario = r.scenario.name + " — " + variant;
    sr.description = r.scenario.description + (r.judge == scenario::SweepJudge::kBoot
                                                   ? " A cell passes when the boot reaches the OS (handoff)."
                                                   : " A cell passes when every expectation of the variant holds.");
    for (const auto& a : r.axes) {
      sr.parameters.push_back(a.label);
      sr.values.push_back(a.values);
    }
    for (const auto& c : r.cells) {
      if (c.variant != variant) continue;
      sr.cells.push_back({c.values, scenario::to_string(c.outcome), c.detail, fs::relative(fs::path(c.out_dir) / "report.html", out).string()});
    }
    for (const auto& line : boundary)
      if (line.rfind(variant + ":", 0) == 0 || line.rfind(variant + ",", 0) == 0)
        sr.boundary += (sr.boundary.empty() ? "" : "; ") + line.substr(variant.size() + 1);
    std::string file = r.variants.size() == 1 ? "sweep.html" : "sweep-" + variant + ".html";
    write_text(out / file, reports::render_sweep_html(sr));
    std::printf("report %s\n", (out / file).c_str());
  }
  write_text(out / "sweep.json", to_json(r, boundary, out).dump(2) + "\n");
  std::printf("table %s\n", (out / "sweep.json").c_str());
  if (scenario::interrupt::received()) {
    std::printf("interrupted by signal %d: unfinished cells are marked \"interrupted\"\n", scenario::interrupt::received());
    std::fflush(stdout);
    return scenario::interrupt::exit_code();
  }
  return scenario::exit_code(r);
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
  cmd->add_option("--out", opts->out_dir, "output directory (default bootsim-out/sweep-<scenario>/)");
  cmd->add_option("--jobs,-j", opts->jobs, "boots run at once, each in its own process (default: CPUs)")
      ->check(at_least(1, "boots run at once"));
  cmd->add_flag("--wait", opts->wait, "when another run holds the output directory, wait for it instead of failing");
  cmd->add_flag("--quiet,-q", opts->quiet, "no progress on stderr (README \"Progress\")");
  cmd->add_flag("--keep-staging", opts->keep_staging, "keep the cells' staging folders (.staging-<pid>) for debugging");
  cmd->callback([opts, &result] { result = run(*opts); });
}

}  // namespace bootsim::cli
