// The timeline of the HTML report: every variant on one shared virtual-time axis, per machine lanes of
// phases, stages, link bars, network, console and calls; every trace event one SVG element.
// Internal to the HTML reports (html_report.cpp); not a public interface.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "reports/html_dom.h"
#include "reports/timeline.h"

namespace bootsim::reports::html {

/// One lane of a machine in the timeline.
struct Lane {
  std::string name;   // phases, stages, link, net, console, calls, other
  std::string title;  // shown in the left column
  double y = 0, h = 0;
};

/// A variant's run and its timeline, and where draw_timeline() put it.
struct VariantLayout {
  const VariantRun* run;
  Timeline tl;
  std::vector<std::pair<std::string, std::vector<Lane>>> machines;  // machine -> lanes
  double y = 0, h = 0;
};

/// The legend of marker shapes and stage colours.
void draw_legend(xml_node parent);
/// The SVG of all `layouts` on one time axis (lays them out: fills their y, h and lanes).
void draw_timeline(xml_node body, std::vector<VariantLayout>& layouts);

}  // namespace bootsim::reports::html
