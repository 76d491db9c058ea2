// The report's view of one trace: what happened when, per machine, derived from the events alone.
// Both the HTML and the JSON report are drawn from a Timeline, so they always agree.
//
//  - stages: firmware phases as intervals. From `phase` events ("model" source: rom_dhcp, nbp_download,
//    nbp_start, handoff, ...) and from what the firmware printed ("console" source: iPXE init, banner,
//    Ctrl-B prompt, configuring, downloads, with ok/failed outcome), plus DHCP exchanges (by xid) and
//    tftp/http transactions ("network" source).
//  - link: up/down intervals per machine from `link` events (state before the first event inferred).
//  - markers: exactly one per trace event, in trace order, with a short label and full detail.
//  - console: the rendered screen lines (backspace and CR applied) with the time each line got its text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/trace.h"

namespace bootsim::reports {

struct Stage {
  std::string machine;
  std::string source;   ///< "model" (phase events), "console" (derived from output), "network" (transactions)
  std::string name;     ///< machine-readable: rom_dhcp, ipxe_init, banner, ctrl_b_prompt, configuring,
                        ///< download, dhcp, tftp, http, handoff, or a phase event's own name
  std::string label;    ///< human text, e.g. "configuring net0", "download tftp://10.0.2.2/x"
  std::int64_t start_ns = 0, end_ns = 0;
  std::string outcome;  ///< "ok", "failed", "unfinished" (still open at the end of the trace) or ""
  std::string detail;   ///< e.g. the failure text iPXE printed
};

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
  std::string label;            ///< one line
  std::string detail;           ///< every field, multi-line
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
  std::vector<ConsoleLine> console;
  std::string exit_reason;                ///< from the exit event, "" when there is none
  std::vector<std::string> unknown_kinds; ///< kinds this version does not know, sorted
};

Timeline build_timeline(const std::vector<TraceEvent>& events);

/// Renders a raw console byte stream like a terminal would: '\b' moves left, '\r' to column 0, '\n' ends a
/// line, later text overwrites earlier. Returns lines without trailing blanks.
std::vector<std::string> render_console_text(const std::string& raw);
/// All console events of `machine` ("" = all machines) rendered as one screen.
std::string rendered_console(const std::vector<TraceEvent>& events, const std::string& machine = "");

/// Control characters made visible for tooltips: "\b" -> "\\b", "\r" -> "\\r", other C0 as "\\xNN".
std::string visible_controls(const std::string& s);
/// "2.060 s", "17.7 ms", "50 us": a virtual time for humans.
std::string format_seconds(std::int64_t ns);

/// The event kinds this report knows how to draw.
bool is_known_kind(const std::string& kind);

}  // namespace bootsim::reports
