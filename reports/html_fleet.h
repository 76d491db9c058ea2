// The fleet view of a variant with several machines: counts, histograms of DHCP and handoff times, and a
// sortable machine table whose rows open that machine's timeline lanes, drawn by the page's script from
// data embedded in the row (lane_data.h). Readable at 100 machines, a few kB per machine.
// Internal to the HTML reports (html_report.cpp); not a public interface.
#pragma once

#include <cstdint>

#include "reports/html_timeline.h"

namespace bootsim::reports::html {

/// Counts, histograms and the machine table of `L` into `parent`; [t0_ns, t1_ns]: the report's shared axis.
void fleet_section(xml_node parent, const VariantLayout& L, std::int64_t t0_ns, std::int64_t t1_ns);

}  // namespace bootsim::reports::html
