// The timeline of the HTML report: every variant on one shared virtual-time axis, per machine lanes of
// phases, stages, link bars, network, console and calls; every trace event one SVG element.
// Internal to the HTML reports (html_report.cpp); not a public interface.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "reports/html_dom.h"
#include "reports/report_model.h"
#include "reports/timeline.h"

namespace bootsim::reports::html {

/// One lane of a machine in the timeline.
struct Lane {
  std::string name;   // phases, stages, link, net, console, calls, other
  std::string title;  // shown in the left column
  double y = 0, h = 0;
};

// Variants with more booted machines than kFleetMachines (report_model.h) are drawn as a fleet: in the
// shared timeline a header only, each machine's lanes drawn on demand from its row of the machine table
// (html_fleet.h).

/// A variant's run and its timeline, and where draw_timeline() put it.
struct VariantLayout {
  const VariantRun* run;
  std::shared_ptr<const Timeline> tl;  ///< timeline_of(*run): shared with the other reports when the caller built it
  std::vector<std::string> booted;  ///< booted_machines(tl)
  bool fleet = false;               ///< booted.size() > kFleetMachines
  std::vector<std::pair<std::string, std::vector<Lane>>> machines;  // machine -> lanes
  double y = 0, h = 0;
};

/// A stage bar's fill colour, and a marker category's colour ("tx", "drop", …).
const char* stage_fill(const Stage& s);
const char* marker_color(const std::string& category);
/// Every marker category's colour as a JSON object, for the page's script.
std::string marker_colors_json();

/// The shared virtual-time axis of `layouts`: [t0, t1] in ns, t1 rounded up to a whole tick.
std::pair<std::int64_t, std::int64_t> shared_axis(const std::vector<VariantLayout>& layouts);

/// The legend of marker shapes and stage colours.
void draw_legend(xml_node parent);
/// The SVG of all `layouts` on one time axis (lays them out: fills their y, h and lanes).
void draw_timeline(xml_node body, std::vector<VariantLayout>& layouts);

}  // namespace bootsim::reports::html
