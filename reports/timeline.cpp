#include "reports/timeline.h"

#include <algorithm>
#include <cstdio>
#include <future>
#include <map>
#include <set>
#include <unordered_set>

#include "reports/frame_summary.h"
#include "sim/core/beside.h"
#include "sim/core/trace_kinds.h"
#include "sim/machine/console.h"

namespace bootsim::reports {

namespace {

/// Traces at least this long make their markers on two threads (build_timeline): below it a thread's
/// start costs more than it saves.
constexpr size_t kParallelMarkers = 20000;

std::string str_field(const TraceEvent& e, const char* key) {
  auto it = e.find(key);
  if (it == e.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_null()) return {};
  return it->dump();
}

bool has_int(const TraceEvent& e, const char* key) {
  auto it = e.find(key);
  return it != e.end() && it->is_number();
}

std::int64_t int_field(const TraceEvent& e, const char* key, std::int64_t def = 0) {
  auto it = e.find(key);
  if (it == e.end() || !it->is_number()) return def;
  if (it->is_number_float()) return static_cast<std::int64_t>(it->get<double>());
  if (it->is_number_unsigned()) return static_cast<std::int64_t>(it->get<std::uint64_t>());
  return it->get<std::int64_t>();
}

std::int64_t t_of(const TraceEvent& e) { return int_field(e, "t_ns"); }

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string hex32(std::uint32_t v) {
  char b[12];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

std::string truncate(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return s.substr(0, cut) + "...";
}

std::string event_detail(const TraceEvent& e) {
  std::string d;
  for (auto it = e.begin(); it != e.end(); ++it) {
    if (it.key() == "t_ns") {
      d += "t: " + format_seconds(it->get<std::int64_t>()) + " (" + it->dump() + " ns)\n";
      continue;
    }
    std::string v = it->is_string() ? it->get<std::string>() : it->dump();
    if (it.key() == "hex") v = truncate(v, 96) + " (" + std::to_string(v.size() / 2) + " bytes)";
    d += it.key() + ": " + truncate(visible_controls(v), 400) + "\n";
  }
  if (!d.empty()) d.pop_back();
  return d;
}

/// The kinds the trace's vocabulary declares (sim/core/trace_kinds.h): a report knows every kind bootsim emits.
const std::set<std::string>& known_kinds() {
  static const std::set<std::string> k = [] {
    std::set<std::string> names;
    for (const auto& decl : trace_vocabulary()) names.insert(decl.name);
    return names;
  }();
  return k;
}

/// Interval of a transaction event (tftp/http): explicit start/end fields or a duration ending at t.
void transaction_span(const TraceEvent& e, std::int64_t* start, std::int64_t* end) {
  std::int64_t t = t_of(e);
  *start = t;
  *end = -1;
  if (has_int(e, "start_ns")) *start = int_field(e, "start_ns");
  else if (has_int(e, "start")) *start = int_field(e, "start");
  if (has_int(e, "end_ns")) *end = int_field(e, "end_ns");
  else if (has_int(e, "end")) *end = int_field(e, "end");
  else if (has_int(e, "duration_ns")) { *end = t; *start = t - int_field(e, "duration_ns"); }
  else if (*start != t) *end = t;
}

Marker make_marker(const TraceEvent& e, size_t index) {
  Marker m;
  m.event_index = index;
  m.t_ns = t_of(e);
  m.machine = str_field(e, "machine");
  m.kind = str_field(e, "kind");
  const std::string& k = m.kind;
  if (k == "phase") {
    m.lane = "stages"; m.category = "phase";
    m.label = "phase " + str_field(e, "phase");
  } else if (k == "console") {
    m.lane = "console"; m.category = "console";
    std::string text = str_field(e, "text");
    std::string shown;
    for (const auto& l : Console::render(text)) if (!trim(l).empty()) { shown = trim(l); break; }
    m.label = shown.empty() ? "console " + truncate(visible_controls(text), 60) : "console: " + truncate(shown, 100);
  } else if (k == "pxe_call") {
    m.lane = "calls";
    std::int64_t st = int_field(e, "status");
    m.category = st == 0 ? "call" : "call-error";
    m.label = "PXE " + str_field(e, "op") + " status " + str_field(e, "status");
  } else if (k == "bios_call") {
    m.lane = "calls"; m.category = "call";
    m.label = "BIOS INT " + str_field(e, "int") + " " + str_field(e, "result");
  } else if (k == "frame_tx" || k == "frame_rx" || k == "frame_drop") {
    m.lane = "net";
    const std::string* hex = string_field(e, "hex");  // read in place: a fleet's trace holds 60 MB of it
    FrameSummary s = summarize_frame_hex(hex ? *hex : str_field(e, "hex"));
    if (k == "frame_drop") {
      m.category = "drop";
      m.highlight = true;
      m.label = "DROPPED " + str_field(e, "dir") + " (" + str_field(e, "reason") + "): " + s.label;
    } else {
      m.category = k == "frame_tx" ? "tx" : "rx";
      m.label = std::string(k == "frame_tx" ? "TX " : "RX ") + s.label;
    }
  } else if (k == "link") {
    m.lane = "link";
    m.category = str_field(e, "state") == "up" ? "link-up" : "link-down";
    m.label = "link " + str_field(e, "state") + " (" + str_field(e, "cause") + ")";
  } else if (k == "key") {
    m.lane = "console"; m.category = "key";
    m.label = "key " + visible_controls(str_field(e, "keys")) + " (" + str_field(e, "trigger") + ")";
  } else if (k == "dhcp") {
    m.lane = "net"; m.category = "dhcp";
    m.label = "DHCP " + str_field(e, "msg");
    if (has_int(e, "xid")) m.label += " xid " + hex32(static_cast<std::uint32_t>(int_field(e, "xid")));
    if (!str_field(e, "yiaddr").empty()) m.label += " " + str_field(e, "yiaddr");
    if (!str_field(e, "dir").empty()) m.label += " (" + str_field(e, "dir") + ")";
  } else if (k == "tftp" || k == "http") {
    m.lane = "net"; m.category = k;
    std::int64_t s, en;
    transaction_span(e, &s, &en);
    if (en >= 0) { m.t_ns = std::min(s, en); m.end_ns = std::max(s, en); }
    if (k == "tftp") m.label = "TFTP " + str_field(e, "file");
    else m.label = "HTTP " + str_field(e, "method") + " " + str_field(e, "path") + " -> " + str_field(e, "status");
    if (has_int(e, "bytes")) m.label += " (" + str_field(e, "bytes") + " B)";
    if (!str_field(e, "error").empty()) { m.label += " error " + str_field(e, "error"); m.highlight = true; }
  } else if (k == "handoff") {
    m.lane = "stages"; m.category = "handoff";
    m.label = "handoff " + str_field(e, "protocol") + " " + truncate(str_field(e, "cmdline"), 80);
  } else if (k == "fault") {
    m.lane = "calls"; m.category = "fault"; m.highlight = true;
    m.label = "FAULT " + str_field(e, "fault") + ": " + truncate(str_field(e, "message"), 120);
  } else if (k == "exit") {
    m.lane = "stages"; m.category = "exit";
    m.label = "exit: " + str_field(e, "reason");
  } else {
    m.lane = "other"; m.category = "other";
    m.label = k.empty() ? "event without kind" : k;
    std::string extra;
    for (auto it = e.begin(); it != e.end() && extra.size() < 80; ++it)
      if (it.key() != "t_ns" && it.key() != "machine" && it.key() != "kind")
        extra += " " + it.key() + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
    m.label += truncate(visible_controls(extra), 90);
  }
  return m;
}

}  // namespace

bool is_known_kind(const std::string& kind) { return known_kinds().count(kind) != 0; }

std::string marker_detail(const Marker& m, const TraceEvent& e) {
  if (!e.is_object()) return std::string();  // drawn as "not an object"
  if (m.kind == "frame_tx" || m.kind == "frame_rx" || m.kind == "frame_drop")
    return m.label + "\n" + summarize_frame_hex(str_field(e, "hex")).detail + "\n" + event_detail(e);
  return event_detail(e);
}

std::string visible_controls(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\b') out += "\\b";
    else if (c == '\r') out += "\\r";
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    } else out += char(c);
  }
  return out;
}

std::string format_seconds(std::int64_t ns) {
  char b[40];
  std::int64_t a = ns < 0 ? -ns : ns;
  if (a >= 1000000000) std::snprintf(b, sizeof b, "%.3f s", ns / 1e9);
  else if (a >= 1000000) std::snprintf(b, sizeof b, "%.3f ms", ns / 1e6);
  else if (a >= 1000) std::snprintf(b, sizeof b, "%.1f us", ns / 1e3);
  else std::snprintf(b, sizeof b, "%lld ns", static_cast<long long>(ns));
  return b;
}

Timeline build_timeline(const std::vector<TraceEvent>& events, const facts::TraceFacts* facts) {
  Timeline tl;
  tl.facts = facts ? *facts : facts::derive_facts(events);
  tl.markers.reserve(events.size());
  // Each event's time read once: a field lookup is a walk over the event's keys, and a comparison sort of a
  // fleet's 300k events would do 11 million of them.
  std::vector<std::int64_t> times(events.size());
  for (size_t i = 0; i < events.size(); ++i) times[i] = t_of(events[i]);
  std::vector<size_t> order(events.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&times](size_t a, size_t b) { return times[a] < times[b]; });

  // Making the markers (every event's label and detail) is most of a fleet's timeline, and each depends on
  // its own event alone: a long trace's second half is made on the other core meanwhile. The markers are
  // the same either way; the rest (lanes, machines, span) is built from them in order below.
  std::vector<Marker> made(events.size());
  auto make_range = [&events, &made](size_t from, size_t to) {
    for (size_t i = from; i < to; ++i)
      if (events[i].is_object()) made[i] = make_marker(events[i], i);
  };
  const size_t split = events.size() >= kParallelMarkers ? events.size() / 2 : events.size();
  std::future<void> second_half;
  if (split < events.size()) second_half = run_beside([&make_range, split, n = events.size()] { make_range(split, n); });
  make_range(0, split);
  if (second_half.valid()) second_half.get();

  std::set<std::string> unknown;
  std::unordered_set<std::string> seen;  // tl.machines, for lookups
  bool first = true;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (!e.is_object()) {  // defensive: a reader may hand us anything
      Marker m;
      m.event_index = i;
      m.kind = "invalid";
      m.lane = "other";
      m.category = "other";
      m.label = "not an object";
      tl.machine_markers[m.machine].push_back(i);
      tl.markers.push_back(m);
      continue;
    }
    Marker m = std::move(made[i]);
    if (seen.insert(m.machine).second) tl.machines.push_back(m.machine);
    std::int64_t lo = std::min(m.t_ns, times[i]), hi = std::max(m.end_ns, times[i]);
    if (first) { tl.start_ns = std::min<std::int64_t>(0, lo); tl.end_ns = hi; first = false; }
    tl.start_ns = std::min(tl.start_ns, lo);
    tl.end_ns = std::max(tl.end_ns, hi);
    if (!is_known_kind(m.kind)) unknown.insert(m.kind);
    if (m.kind == "exit") tl.exit_reason = str_field(e, "reason");
    tl.machine_markers[m.machine].push_back(i);
    tl.markers.push_back(std::move(m));
  }
  tl.unknown_kinds.assign(unknown.begin(), unknown.end());

  // Each machine's phase and link events in time order, in one pass: a fleet's trace has hundreds of
  // thousands of events, too many to scan once per machine.
  struct MachineEvents {
    std::vector<size_t> phases, links;
  };
  std::map<std::string, MachineEvents> per_machine;
  for (size_t i : order) {
    const Marker& m = tl.markers[i];
    if (m.kind == "phase") per_machine[m.machine].phases.push_back(i);
    else if (m.kind == "link") per_machine[m.machine].links.push_back(i);
  }

  for (const auto& machine : tl.machines) {
    const MachineEvents& mine = per_machine[machine];
    // Model phases: a phase lasts until the machine's next phase (or an explicit end).
    const std::vector<size_t>& phase_idx = mine.phases;
    for (size_t p = 0; p < phase_idx.size(); ++p) {
      const auto& e = events[phase_idx[p]];
      std::string state = str_field(e, "state");
      if (state == "end" || state == "done" || state == "finished") continue;  // closes a phase below
      Stage s;
      s.machine = machine;
      s.source = "model";
      s.name = str_field(e, "phase");
      s.label = s.name;
      s.start_ns = t_of(e);
      s.end_ns = tl.end_ns;
      if (has_int(e, "end_ns")) s.end_ns = int_field(e, "end_ns");
      else if (p + 1 < phase_idx.size()) s.end_ns = t_of(events[phase_idx[p + 1]]);
      s.outcome = str_field(e, "outcome");
      tl.stages.push_back(std::move(s));
    }

    // What the machine's console showed: iPXE's stages and the rendered lines (sim/facts).
    const facts::MachineFacts* mf = tl.facts.find(machine);
    if (mf) {
      tl.stages.insert(tl.stages.end(), mf->stages.begin(), mf->stages.end());
      // Each line at the time its text was complete (its last character written), as expectations judge it.
      const auto& lines = mf->console.lines();
      for (size_t i = 0; i < lines.size(); ++i)
        tl.console.push_back({machine, i < mf->line_done_ns.size() ? mf->line_done_ns[i] : lines[i].t.ns, lines[i].text});
      std::string current = mf->console.current_line();
      while (!current.empty() && current.back() == ' ') current.pop_back();
      if (!current.empty())
        tl.console.push_back({machine, mf->current_line_done_ns >= 0 ? mf->current_line_done_ns
                                                                      : mf->console.current_line_time().ns, current});
    }

    // Link intervals.
    const std::vector<size_t>& link_idx = mine.links;
    if (!link_idx.empty()) {
      const auto& f = events[link_idx.front()];
      if (t_of(f) > tl.start_ns) {
        LinkInterval li;
        li.machine = machine;
        li.state = str_field(f, "state") == "up" ? "down" : "up";
        li.start_ns = tl.start_ns;
        li.end_ns = t_of(f);
        li.inferred = true;
        tl.links.push_back(li);
      }
      for (size_t k = 0; k < link_idx.size(); ++k) {
        const auto& e = events[link_idx[k]];
        std::string st = str_field(e, "state");
        if (!tl.links.empty() && tl.links.back().machine == machine && tl.links.back().state == st &&
            !tl.links.back().inferred)
          continue;  // repeated state: the interval just continues
        if (!tl.links.empty() && tl.links.back().machine == machine) tl.links.back().end_ns = t_of(e);
        LinkInterval li;
        li.machine = machine;
        li.state = st;
        li.start_ns = t_of(e);
        li.end_ns = tl.end_ns;
        li.cause = str_field(e, "cause");
        tl.links.push_back(li);
      }
    }

    // DHCP exchanges this machine took part in, by xid (sim/facts).
    for (const auto& x : mf ? mf->dhcp : std::vector<facts::DhcpExchange>{}) {
      Stage s;
      s.machine = machine;
      s.source = "network";
      s.name = "dhcp";
      s.label = "DHCP xid " + hex32(x.xid);
      s.start_ns = x.first_ns;
      s.end_ns = x.result_ns >= 0 ? x.result_ns : x.last_ns;
      s.outcome = x.result_ns < 0 ? "failed" : x.acked ? "ok" : "failed";
      s.detail = std::to_string(x.sent) + " sent, " + std::to_string(x.received) + " received, " +
                 std::to_string(x.dropped) + " dropped" + (x.result_ns < 0 ? "; no ACK" : "");
      tl.stages.push_back(std::move(s));
    }
  }

  // Transactions reported by the servers (tftp/http) and handoffs.
  for (const auto& m : tl.markers) {
    const TraceEvent& e = events[m.event_index];
    if (!e.is_object()) continue;
    if ((m.kind == "tftp" || m.kind == "http") && m.end_ns >= 0) {
      Stage s;
      s.machine = m.machine;
      s.source = "network";
      s.name = m.kind;
      s.label = m.label;
      s.start_ns = m.t_ns;
      s.end_ns = m.end_ns;
      std::string status = str_field(e, "status");
      bool err = !str_field(e, "error").empty() || (m.kind == "http" && !status.empty() && status[0] != '2');
      s.outcome = err ? "failed" : "ok";
      tl.stages.push_back(std::move(s));
    } else if (m.kind == "handoff") {
      Stage s;
      s.machine = m.machine;
      s.source = "model";
      s.name = "handoff";
      s.label = m.label;
      s.start_ns = m.t_ns;
      s.end_ns = tl.end_ns;
      s.outcome = "ok";
      tl.stages.push_back(std::move(s));
    }
  }
  return tl;
}

}  // namespace bootsim::reports
