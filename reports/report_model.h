// The input of every report: what ran (scenario, variants), what happened (each variant's trace) and what
// was judged (verdicts). Plain structs filled by the scenario runner (or by tests from `bootsim run`
// traces); the renderers in this folder only read them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "reports/timeline.h"
#include "sim/core/trace.h"
#include "sim/facts/trace_facts.h"
#include "sim/scenario/verdict.h"

namespace bootsim::reports {

/// One expectation of a variant (or the run itself) judged against its trace: the runner's own type.
using scenario::Verdict;
using scenario::VerdictStatus;

/// A variant with more machines than this is shown as a fleet: the HTML draws each machine's lanes on
/// demand, and the printout and the HTML group the machines' verdict evidence (evidence_digest.h).
constexpr std::size_t kFleetMachines = 8;

/// One variant of a scenario as it ran.
struct VariantRun {
  std::string variant;      ///< e.g. "stock", "embedded-sleep"
  std::string description;
  std::vector<TraceEvent> events;  ///< the whole trace, in file order (or see `borrowed`)
  /// When set, the trace is this vector instead of `events`: the CLI lends each variant's events to the
  /// reports rather than copying them (300k JSON events for a 100-machine fleet). It must outlive the run.
  const std::vector<TraceEvent>* borrowed = nullptr;
  const std::vector<TraceEvent>& trace() const { return borrowed ? *borrowed : events; }
  /// Facts of `events` per source as the runner derived them (sim/facts); null: the reports derive them.
  std::shared_ptr<const facts::TraceFacts> facts;
  /// build_timeline(events, facts) when the caller built it once for every report (a fleet's timeline is
  /// the costliest part of its reports); null: each report builds its own (timeline_of).
  std::shared_ptr<const Timeline> timeline;
  std::vector<Verdict> verdicts;
  std::string exit_reason;  ///< e.g. "time_limit", "nbp_returned", "fault"; empty = take it from the exit event
  /// Label -> path relative to the report's own location ("trace" -> "stock/trace.jsonl",
  /// "console log", "pcap"). Shown as links; never read.
  std::map<std::string, std::string> artifacts;
  /// Machine -> the NIC profile it started from ("broadcom-like"), for the fleet view's machine table;
  /// machines not listed show none.
  std::map<std::string, std::string> nic_profiles;
  /// How virtual time ran when not the usual free-running virtual clock: "real-time (external server)"
  /// (paced to wall time; such a run is not byte-deterministic). Empty: virtual time.
  std::string clock;
  /// With `clock` real-time: how far virtual time strayed from the wall clock when it moved (TapHost's
  /// stats, sim/net/tap_host.h), in microseconds. Absent: not paced.
  struct Pacing {
    std::int64_t max_ahead_us = 0, max_behind_us = 0;
    std::uint64_t waits = 0;
  };
  std::optional<Pacing> pacing;
};

/// `v.timeline`, or one built from its events when it has none.
std::shared_ptr<const Timeline> timeline_of(const VariantRun& v);

/// A scenario file's run: every variant, shown on one shared time axis.
struct ScenarioReport {
  std::string scenario;     ///< scenario name
  /// The name made unique among the scenarios of one run, as its output folder is ("x", then "x-2"): the
  /// JUnit testsuite and the index row. Empty = `scenario`.
  std::string id;
  std::string file;         ///< scenario file path as given
  std::string description;
  std::uint64_t seed = 0;
  /// (path, value) overrides applied before the file was read (`--set`, a sweep cell's values), in order.
  std::vector<std::pair<std::string, std::string>> overrides;
  std::vector<VariantRun> variants;
};

/// Verdict counts of a variant or scenario.
struct VerdictCounts {
  int pass = 0, fail = 0, skip = 0;
  int total() const { return pass + fail + skip; }
};
VerdictCounts count_verdicts(const VariantRun& v);
VerdictCounts count_verdicts(const ScenarioReport& r);

/// One line of the index page (a CI run of many scenarios).
struct IndexEntry {
  std::string scenario;
  std::string description;
  std::string href;          ///< relative link to the scenario's HTML report
  VerdictCounts counts;
  std::vector<std::string> failed_variants;
};
/// Summarises `r` for the index page; `href` is where its report will be, relative to the index.
IndexEntry make_index_entry(const ScenarioReport& r, const std::string& href);

/// A parameter sweep: the same scenario run over a grid of parameter values.
struct SweepCell {
  std::vector<std::string> values;  ///< one value per parameter, in SweepReport::parameters order
  std::string outcome;              ///< "pass", "fail", "skip", "error"
  std::string detail;               ///< short text shown on hover (e.g. "DHCP ok at 13.5 s")
  std::string href;                 ///< optional relative link to that cell's scenario report
};

struct SweepReport {
  std::string scenario;
  std::string description;
  std::vector<std::string> parameters;               ///< e.g. {"link_up_delay", "sleep"}
  std::vector<std::vector<std::string>> values;      ///< values[i] = the grid values of parameters[i]
  std::vector<SweepCell> cells;                      ///< any order; missing cells are shown as "not run"
  std::string boundary;  ///< the boundary in words, e.g. "passes when sleep >= link_up_delay - 3 s"
};

}  // namespace bootsim::reports
