// `bootsim sweep`: one scenario run across a grid of overridden values, e.g. the NIC's link-up latency
// against the embedded script's sleep, to find where a workaround starts to work.
//
//   std::vector<SweepAxis> axes = {parse_vary("machine[r640-01]/nic/@autoneg=1s..20s/1s")};
//   SweepResult r = run_sweep("scenarios/broadcom_timeout.xml", axes, {"stock"}, options);
//   for (auto& line : describe_boundary(r)) puts(line.c_str());
//
// Every cell is a separate load of the file with the cell's values as overrides (LoadOptions::overrides),
// so a value is validated exactly like one written in the file. Cells run through the worker pool.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/shard.h"

namespace bootsim::scenario {

struct SweepAxis {
  std::string path;                 ///< override path, e.g. machine[r640-01]/nic/@autoneg
  std::string label;                ///< short name for tables: "autoneg", "sleep" for param[sleep]/@value
  std::vector<std::string> values;  ///< parse_range's values, in order
};

/// Parses "PATH=RANGE" (the last '=' splits them). Throws InputError naming the text when malformed.
SweepAxis parse_vary(const std::string& spec);

/// How a cell's outcome is decided.
enum class SweepJudge {
  kBoot,          ///< pass when the run ended in a handoff to the OS
  kExpectations,  ///< pass when every expectation of the variant holds
};

enum class CellOutcome {
  kPass,
  kFail,
  kSkip,
  kFault,        ///< a guest fault
  kError,        ///< bootsim failed
  kInterrupted,  ///< a signal stopped the sweep before this cell finished
};
/// "pass", "fail", "skip", "fault", "error", "interrupted": as the table, sweep.json and the HTML spell them.
const char* to_string(CellOutcome o);

struct SweepCellResult {
  std::vector<std::string> values;  ///< one per axis
  std::string variant;
  CellOutcome outcome = CellOutcome::kFail;
  std::string detail;   ///< one line: how the run ended and when, or the failed expectations
  VariantResult run;
  std::string out_dir;  ///< the cell's directory (artifacts, report)
};

struct SweepResult {
  Scenario scenario;  ///< as loaded without overrides
  std::vector<SweepAxis> axes;
  std::vector<std::string> variants;  ///< in the scenario's order
  SweepJudge judge = SweepJudge::kBoot;
  std::vector<SweepCellResult> cells;  ///< grid order (first axis slowest), variants innermost
  /// The per-cell scenarios and runs, for per-cell reports: one entry per grid point.
  struct Point {
    std::vector<std::string> values;
    Scenario scenario;
    std::vector<VariantResult> runs;
    std::string out_dir;
  };
  std::vector<Point> points;
};

struct SweepOptions {
  LoadOptions load;
  std::string out_dir;  ///< cells go to out_dir/cells/<label>=<value>,…
  SweepJudge judge = SweepJudge::kBoot;
  int jobs = 1;
  bool keep_staging = false;  ///< RunOptions::keep_staging for every cell
  /// Run only this shard's block of the jobs (shard.h; jobs are grid points x variants, in cell order):
  /// the result then holds only those cells, and only the points with one of them.
  std::optional<Shard> shard;
  JobProgress progress;       ///< run_jobs' progress callback (display only)
};

/// Runs every grid point (the Cartesian product of the axes' values) for each selected variant (all
/// variants that are not skipped when `variants` is empty). Throws ScenarioError for a bad file or a
/// value an axis sets that the scenario language rejects; InputError for an unknown variant.
SweepResult run_sweep(const std::string& path, const std::vector<SweepAxis>& axes,
                      const std::vector<std::string>& variants, const SweepOptions& options);

/// The sweep's exit code (DESIGN.md "Exit codes"): every cell ran, so its outcome is the answer and not a
/// failure; but kExitInternalError when bootsim failed in a cell, else kExitGuestFault when a guest faulted.
int exit_code(const SweepResult& r);

/// The boundary in words, one line per variant (and per value of the leading axes):
///   one axis:  "stock: pass for autoneg 1s..8s; fail for 9s..20s"
///   more axes: "embedded-sleep, autoneg=12s: passes from sleep=9 (fails below)" — the smallest value of
///              the last axis that passes, for every combination of the others.
std::vector<std::string> describe_boundary(const SweepResult& r);

/// The grid points of `axes` in cell order (first axis slowest): the Cartesian product of their values.
std::vector<std::vector<std::string>> grid_points(const std::vector<SweepAxis>& axes);

/// The directory name of a grid point: "autoneg=12s,sleep=9" with anything but [A-Za-z0-9._=,-] as '_'.
std::string cell_dir_name(const std::vector<SweepAxis>& axes, const std::vector<std::string>& values);

}  // namespace bootsim::scenario
