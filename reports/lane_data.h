// One machine's timeline lanes as compact JSON, embedded in the report's machine table and drawn by the
// page's own script when the user opens the lane (reports/assets/report.js): a fleet's report carries
// each machine's timeline without one SVG element per trace event.
//
//   {"s": [[start_us, end_us, lane, fill, label, outcome], …],   stages; lane 0 phases, 1 firmware stages,
//                                                              2 network; fill: its colour
//    "l": [[start_us, end_us, up, inferred], …],                 link intervals (up, inferred: 0/1)
//    "m": [[t_us, category, label, end_us?], …],                 one trace event
//         [t_us, category, count], …                             `count` events of that category in one bin
//    "c": [[t_us, text], …], "cn": lines left out}               the last console lines
//
// Bounded per machine: drops, faults, DHCP/TFTP/HTTP, link, keys, phases, failing calls are listed one by
// one (up to LaneDataLimits::individual); frames, calls, console writes and other kinds are counted per bin of the
// axis (LaneDataLimits::bins), so a machine costs a few kB however long it polled. Internal to the
// HTML reports, like html_timeline.h.
#pragma once

#include <cstdint>
#include <string>

#include "reports/timeline.h"

namespace bootsim::reports {

struct LaneDataLimits {
  size_t individual = 200;     ///< events listed one by one, at most
  int bins = 160;              ///< bins over [t0, t1] for the counted categories
  size_t console_lines = 40;   ///< the last this many rendered lines
  size_t label_chars = 90;
};

/// `machine`'s lanes from `tl`, on the axis [t0_ns, t1_ns] the report shares between its variants.
std::string lane_data_json(const Timeline& tl, const std::string& machine, std::int64_t t0_ns, std::int64_t t1_ns,
                           const LaneDataLimits& limits = {});

}  // namespace bootsim::reports
