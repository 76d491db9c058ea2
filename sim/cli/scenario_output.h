// What `bootsim scenario` and `bootsim sweep` print and write after running scenarios.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"

namespace bootsim::cli {

struct ScenarioOutcome {
  scenario::Scenario scenario;
  std::vector<scenario::VariantResult> variants;
  std::string out_dir;
};

/// One line per expectation ("  [stock] PASS console contains … — seen at 17.2s"); returns the exit code
/// the outcome deserves: 0 all hold, 1 an expectation failed, 3 a guest fault no expectation covered.
int print_verdicts(const ScenarioOutcome& o);
/// HTML, JSON and JUnit reports into the outcome's out_dir (report.html, report.json, junit.xml).
void write_reports(const ScenarioOutcome& o, bool announce = true);
void write_text(const std::string& path, const std::string& text);
/// Creates the output directory; InputError (exit 2) naming --out when it is a file or cannot be made.
std::string prepare_out_dir(const std::string& dir);
void write_junit(const std::vector<ScenarioOutcome>& all, const std::string& path);
void write_index(const std::vector<ScenarioOutcome>& all, const std::string& dir);

/// Shared by scenario and sweep.
std::string resolve_scenario(const std::string& name);
scenario::LoadOptions load_options();
std::string exe_dir();

}  // namespace bootsim::cli
