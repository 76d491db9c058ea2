// Self-contained HTML timing reports (inline CSS, SVG and a small script; no external resources), written
// as well-formed XHTML so tests and tools can parse them with an XML parser.
#pragma once

#include <string>
#include <vector>

#include "reports/report_model.h"

namespace bootsim::reports {

/// One page for a scenario: a summary comparing the variants, every variant's timeline on one shared
/// virtual-time axis (phases, link bars, packet/frame markers, console, calls, faults; details on hover),
/// then per variant the verdicts, derived stages, rendered console and the event log. Every trace event
/// becomes exactly one SVG element with `data-kind`, `data-t-ns` and `data-i` (its index in the trace).
/// A variant with several machines also gets the fleet view: counts, histograms of DHCP and handoff
/// times, a sortable machine table. A fleet of more than kFleetMachines (8) machines is drawn
/// only that way: its machines' lanes open on demand from the table (drawn by the page's script from
/// compact per-machine data, lane_data.h), its evidence is digested ("98/100 machines: …"), its
/// stages and consoles are in the lanes, its event log lists 1000 events: a few kB per machine.
std::string render_html(const ScenarioReport& report);

/// Index of many scenario reports (a CI run): one row per scenario with pass/fail/skip counts and a link.
std::string render_index_html(const std::vector<IndexEntry>& entries, const std::string& title = "bootsim run");

/// A parameter sweep as a heat map (two parameters: rows x columns; otherwise one row per cell).
std::string render_sweep_html(const SweepReport& sweep);

}  // namespace bootsim::reports
