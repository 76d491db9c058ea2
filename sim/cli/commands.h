// The bootsim subcommands. Each registers its options on the app and sets `result` when it runs.
#pragma once

#include <CLI/CLI.hpp>

namespace bootsim::cli {

void add_run_command(CLI::App& app, int& result);
void add_bench_command(CLI::App& app, int& result);
void add_scenario_command(CLI::App& app, int& result);
void add_sweep_command(CLI::App& app, int& result);
void add_check_command(CLI::App& app, int& result);
void add_list_command(CLI::App& app, int& result);
void add_merge_command(CLI::App& app, int& result);
void add_profiles_command(CLI::App& app, int& result);

}  // namespace bootsim::cli
