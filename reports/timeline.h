// The report's view of one trace: what happened when, per machine, derived from the events alone.
// Both the HTML and the JSON report are drawn from a Timeline, so they always agree.
//
//  - stages: firmware phases as intervals. From `phase` events ("model" source: rom_dhcp, nbp_download,
//    nbp_start, handoff, ...) and from what the firmware printed ("console" source: iPXE init, banner,
//    Ctrl-B prompt, configuring, downloads, with ok/failed outcome), plus DHCP exchanges (by xid) and
//    tftp/http transactions ("network" source).
//  - link: up/down intervals per machine from `link` events (state before the first event inferred).
//  - markers: exactly one per trace event, in trace order, with a short label (full detail: marker_detail).
//  - console: the rendered screen lines (backspace and CR applied; sim/machine/console's renderer) with the
//    time each line was started.
// Console stages, DHCP exchanges and rendered lines come from sim/facts (derived once, shared with the
// expectations).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/core/trace.h"
#include "sim/facts/trace_facts.h"

namespace bootsim::reports {

using facts::Stage;

struct LinkInterval {
  std::string machine;
  std::string state;    ///< "up" or "down"
  std::int64_t start_ns = 0, end_ns = 0;
  std::string cause;    ///< cause of the change that started the interval
  bool inferred = false;  ///< state before the first link event, inferred as the opposite of it
};

struct Marker {
  std::size_t event_index = 0;  ///< index into the trace
  std::int64_t t_ns = 0;
  std::int64_t end_ns = -1;     ///< transactions with a duration (tftp/http start/end); -1 = instant
  std::string machine, kind;
  std::string lane;             ///< "stages", "link", "net", "console", "calls", "other"
  std::string category;         ///< colour/legend class: tx, rx, drop, dhcp, tftp, http, link-up, link-down,
                                ///< key, console, call, call-error, phase, fault, exit, handoff, other
  std::string label;            ///< one line (the whole event: marker_detail)
  bool highlight = false;       ///< drops, faults, failing calls: drawn prominently
};

struct ConsoleLine {
  std::string machine;
  std::int64_t t_ns = 0;        ///< when the line's visible text was (last) written
  std::string text;             ///< rendered: backspace and CR applied, trailing blanks removed
};

struct Timeline {
  std::int64_t start_ns = 0, end_ns = 0;  ///< span of the trace (end includes the exit event)
  std::vector<std::string> machines;      ///< in order of first appearance
  std::vector<Stage> stages;
  std::vector<LinkInterval> links;
  std::vector<Marker> markers;            ///< markers.size() == number of events
  /// Per machine, the indices of its markers in trace order (a fleet's lanes are drawn one machine at a time).
  std::map<std::string, std::vector<size_t>> machine_markers;
  std::vector<ConsoleLine> console;
  std::string exit_reason;                ///< from the exit event, "" when there is none
  std::vector<std::string> unknown_kinds; ///< kinds this version does not know, sorted
  facts::TraceFacts facts;                ///< per source, derived once (sim/facts): what the summary reads
};

/// `facts`: derive_facts(events) when the caller has it already (VariantRun::facts); null derives them here.
Timeline build_timeline(const std::vector<TraceEvent>& events, const facts::TraceFacts* facts = nullptr);

/// Every field of marker `m`'s event `e`, multi-line, for a tooltip (a frame's decoded headers first).
/// Made on demand rather than with the markers: a fleet's report draws few of its 300k.
std::string marker_detail(const Marker& m, const TraceEvent& e);

/// Control characters made visible for tooltips: "\b" -> "\\b", "\r" -> "\\r", other C0 as "\\xNN".
std::string visible_controls(const std::string& s);
/// "2.060 s", "17.7 ms", "50 us": a virtual time for humans.
std::string format_seconds(std::int64_t ns);

/// The event kinds this report knows how to draw.
bool is_known_kind(const std::string& kind);

}  // namespace bootsim::reports
