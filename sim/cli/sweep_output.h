// What `bootsim sweep` prints and writes once its cells have run, and `bootsim merge` for a sharded sweep:
// the table, the boundary, every grid point's report, the heat map per variant and sweep.json.
#pragma once

#include <filesystem>
#include <string>

#include "sim/scenario/sweep.h"

namespace bootsim::cli {

/// The line a sweep starts with: "sweep NAME (PATH): N grid points, judged by …", then `suffix`.
void print_sweep_header(const std::string& name, const std::string& path, size_t points, scenario::SweepJudge judge,
                        const std::string& suffix = "");

/// Prints the table and the boundary, writes each point's report.html/report.json/junit.xml into its cell
/// folder, the heat map(s) (sweep.html, or sweep-<variant>.html with several variants) and sweep.json into
/// `out`. Returns scenario::exit_code(r).
int finish_sweep(const scenario::SweepResult& r, const std::filesystem::path& out);

}  // namespace bootsim::cli
