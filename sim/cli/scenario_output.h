// What `bootsim scenario` and `bootsim sweep` print and write after running scenarios.
#pragma once

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/sweep.h"

namespace bootsim::cli {

struct ScenarioOutcome {
  scenario::Scenario scenario;
  std::vector<scenario::VariantResult> variants;
  std::string out_dir;
  std::string id = {};  ///< claim_output_name() of the scenario's name (its folder, JUnit suite); empty: the name
};

/// The folder a scenario's outputs go in on one command line: its name, or when an earlier file on the
/// command line already took it, the first of NAME-2, NAME-3, … not taken. Adds the result to `taken`.
std::string claim_output_name(const std::string& name, std::set<std::string>& taken);

/// One line per verdict ("  [stock] PASS  console contains … — seen at 17.2s"; a guest fault no expectation
/// foresaw is "FAULT  runs without a guest fault — watchdog: …"); returns the exit code the outcome
/// deserves (scenario::exit_code): 0 all hold, 1 an expectation failed, 3 a guest fault no expectation
/// covered, 4 bootsim failed.
int print_verdicts(const ScenarioOutcome& o);
/// "PATH=VALUE, PATH=VALUE": the overrides applied, in the order they were applied.
std::string overrides_text(const std::vector<std::pair<std::string, std::string>>& overrides);
/// The header's override lines: "  overrides: PATH=VALUE, …" for --set (none: no line), and for a sweep
/// one "  overrides per cell: PATH=V1,V2,…" per axis (each cell's report lists its own values).
void print_overrides(const std::vector<std::pair<std::string, std::string>>& overrides,
                     const std::vector<scenario::SweepAxis>& axes = {});
/// HTML, JSON and JUnit reports into the outcome's out_dir (report.html, report.json, junit.xml).
void write_reports(const ScenarioOutcome& o, bool announce = true);
void write_text(const std::string& path, const std::string& text);
/// Creates the output directory; InputError (exit 2) naming --out when it is a file or cannot be made.
std::string prepare_out_dir(const std::string& dir);
void write_junit(const std::vector<ScenarioOutcome>& all, const std::string& path);
void write_index(const std::vector<ScenarioOutcome>& all, const std::string& dir);

/// Shared by scenario, sweep, check and list.
/// A scenario named on the command line: a path, or a bare name with or without ".xml", looked up in the
/// current directory and then among the shipped scenarios. InputError when none exists.
std::string resolve_scenario(const std::string& name);
/// Where the shipped scenarios are, in lookup order (the source tree's, then the installed ones); some
/// may not exist.
std::vector<std::string> shipped_scenario_dirs();
/// --set PATH=VALUE options as override pairs; InputError for one without '='.
std::vector<std::pair<std::string, std::string>> parse_sets(const std::vector<std::string>& sets);
/// Where ${payloads} and ${ipxe} point; <server command> is allowed when `allow_servers` (the command's
/// --allow-servers) or BOOTSIM_ALLOW_SERVERS=1 says so.
scenario::LoadOptions load_options(bool allow_servers = false);
std::string exe_dir();

}  // namespace bootsim::cli
