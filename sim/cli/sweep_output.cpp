#include "sim/cli/sweep_output.h"

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "reports/html_report.h"
#include "sim/cli/scenario_output.h"

namespace bootsim::cli {

namespace fs = std::filesystem;

namespace {

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

}  // namespace

void print_sweep_header(const std::string& name, const std::string& path, size_t points, scenario::SweepJudge judge,
                        const std::string& suffix) {
  std::printf("sweep %s (%s): %zu grid points, judged by %s%s\n", name.c_str(), path.c_str(), points,
              judge == scenario::SweepJudge::kBoot ? "handoff (pass = the OS was reached)" : "the variants' expectations",
              suffix.c_str());
  std::fflush(stdout);
}

int finish_sweep(const scenario::SweepResult& r, const fs::path& out) {
  print_table(r);
  std::vector<std::string> boundary = scenario::describe_boundary(r);
  std::printf("boundary:\n");
  for (const auto& line : boundary) std::printf("  %s\n", line.c_str());

  for (auto& p : r.points) write_reports(ScenarioOutcome{p.scenario, p.runs, p.out_dir}, false);
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
  return scenario::exit_code(r);
}

}  // namespace bootsim::cli
