#include "reports/html_sections.h"

#include <algorithm>
#include <map>

#include "reports/evidence_digest.h"
#include "reports/fleet_rows.h"

namespace bootsim::reports::html {

namespace {

/// Facts that answer "why did it fail, what did the workaround change" for the summary table: one
/// machine's, from its facts (sim/facts) and its stages and link intervals in the variant's timeline.
struct Facts {
  std::string exit, configuring, dhcp, link, drops, faults, last_line;
};

Facts facts_of(const facts::MachineFacts& mf, const Timeline& tl, const std::string& exit_reason) {
  Facts f;
  std::string reason = exit_reason.empty() && mf.exit ? mf.exit->reason : exit_reason;
  f.exit = reason + " at " + format_seconds(mf.exit ? mf.exit->t_ns : tl.end_ns);
  if (const Stage* s = mf.stage("configuring"))
    f.configuring = format_seconds(s->start_ns) + " \u2192 " + format_seconds(s->end_ns) + ": " +
                    (s->outcome.empty() ? "?" : s->outcome) + (s->detail.empty() ? "" : " (" + s->detail + ")");
  for (const auto& s : tl.stages)
    if (s.machine == mf.name && s.source == "network" && s.name == "dhcp") {
      if (!f.dhcp.empty()) f.dhcp += "; ";
      f.dhcp += s.label.substr(5) + " " + s.outcome + " at " + format_seconds(s.end_ns) + " (" + s.detail + ")";
    }
  std::int64_t down = 0;
  int downs = 0, changes = 0;
  for (const auto& l : tl.links) {
    if (l.machine != mf.name) continue;
    ++changes;
    if (l.state == "down") { down += l.end_ns - l.start_ns; ++downs; }
  }
  if (downs) f.link = "down " + std::to_string(downs) + "x, " + format_seconds(down) + " in total";
  else f.link = changes ? "up" : "no link events";
  f.drops = std::to_string(mf.link_down_drops);
  f.faults = std::to_string(mf.faults.size());
  f.last_line = mf.last_console_line();
  return f;
}

/// The machines of a run, in order of their first event: every `machine` with an exit event.
std::vector<std::string> machines_of(const std::vector<TraceEvent>& events) {
  std::vector<std::string> names;
  for (const auto& ev : events)
    if (ev.value("kind", std::string()) == "exit") {
      std::string m = ev.value("machine", std::string());
      if (std::find(names.begin(), names.end(), m) == names.end()) names.push_back(m);
    }
  return names;
}

/// "60 handoff, 40 nbp_returned": how many machines gave each answer, most first.
std::string tally(const std::vector<std::string>& answers) {
  std::map<std::string, int> n;
  for (const auto& a : answers) ++n[a];
  std::vector<std::pair<int, std::string>> by_count;
  for (const auto& [a, c] : n) by_count.push_back({-c, a});
  std::sort(by_count.begin(), by_count.end());
  std::string out;
  for (const auto& [c, a] : by_count) out += (out.empty() ? "" : ", ") + std::to_string(-c) + " " + (a.empty() ? "none" : a);
  return out;
}

/// A fleet's summary row: each cell counts the machines' answers instead of listing 100 lines.
void fleet_summary_cells(xml_node r, const VariantLayout& L) {
  std::vector<MachineRow> rows = fleet_rows(*L.run, *L.tl);
  std::vector<std::string> exits, configuring, dhcp, link;
  std::uint64_t drops = 0;
  int faults = 0;
  for (const auto& m : rows) {
    const facts::MachineFacts& mf = *L.tl->facts.find(m.name);
    exits.push_back(m.exit);
    const Stage* s = mf.stage("configuring");
    configuring.push_back(s ? s->outcome : "");
    dhcp.push_back(m.ipxe_dhcp_ns >= 0 ? "iPXE lease" : m.rom_dhcp_ns >= 0 ? "ROM lease only" : "no lease");
    bool down = false;
    for (const auto& l : mf.links) down |= l.state == "down";
    link.push_back(down ? "went down" : "stayed up");
    drops += m.drops;
    faults += m.faults;
  }
  el(r, "td", std::to_string(rows.size()) + " machines: " + tally(exits));
  el(r, "td", tally(configuring));
  el(r, "td", tally(dhcp));
  el(r, "td", tally(link));
  attr(el(r, "td", std::to_string(drops)), "class", drops ? "num fail" : "num");
  attr(el(r, "td", std::to_string(faults)), "class", faults ? "num fail" : "num");
  attr(el(el(r, "td"), "a", "see the machine table"), "href", "#variant-" + L.run->variant);
}

}  // namespace

void summary_table(xml_node body, const std::vector<VariantLayout>& layouts) {
  el(body, "h2", "Summary");
  xml_node st = el(body, "table");
  attr(st, "class", "summary");
  xml_node hr = el(st, "tr");
  for (const char* h : {"variant", "verdicts", "exit", "configuring", "DHCP", "link", "drops", "faults", "last console line"})
    el(hr, "th", h);
  for (const auto& L : layouts) {
    VerdictCounts c = count_verdicts(*L.run);
    xml_node r = el(st, "tr");
    xml_node a = el(el(r, "td"), "a", L.run->variant);
    attr(a, "href", "#variant-" + L.run->variant);
    xml_node vc = el(r, "td", std::to_string(c.pass) + " pass / " + std::to_string(c.fail) + " fail / " +
                                   std::to_string(c.skip) + " skip");
    attr(vc, "class", c.fail ? "fail" : c.total() ? "pass" : "skip");
    if (L.fleet) { fleet_summary_cells(r, L); continue; }
    // Each fact is the machine's own (sim/facts): with several machines, one line per machine.
    std::vector<std::string> machines = machines_of(L.run->trace());
    std::vector<std::pair<std::string, Facts>> facts;
    if (machines.size() <= 1) {
      const facts::MachineFacts* mf = machines.empty() ? nullptr : L.tl->facts.find(machines.front());
      facts::MachineFacts merged = mf ? facts::MachineFacts{} : facts::merged_facts(L.run->trace());
      facts.push_back({"", facts_of(mf ? *mf : merged, *L.tl, L.run->exit_reason)});
    } else {
      for (const auto& m : machines) facts.push_back({m + ": ", facts_of(*L.tl->facts.find(m), *L.tl, "")});
    }
    // One machine: the text itself; several: one line (div) per machine.
    auto cell = [&](const std::string& cls, auto text_of) {
      xml_node td = facts.size() == 1 ? el(r, "td", text_of(facts.front().second)) : el(r, "td");
      if (!cls.empty()) attr(td, "class", cls);
      if (facts.size() > 1)
        for (const auto& [label, f] : facts) el(td, "div", label + text_of(f));
      return td;
    };
    cell("", [](const Facts& f) { return f.exit; });
    cell("", [](const Facts& f) { return f.configuring; });
    cell("", [](const Facts& f) { return f.dhcp; });
    cell("", [](const Facts& f) { return f.link; });
    bool dropped = false, faulted = false;
    for (const auto& mf : facts) {
      dropped |= mf.second.drops != "0";
      faulted |= mf.second.faults != "0";
    }
    cell(dropped ? "num fail" : "num", [](const Facts& f) { return f.drops; });
    cell(faulted ? "num fail" : "num", [](const Facts& f) { return f.faults; });
    xml_node last = el(r, "td");
    if (facts.size() == 1) attr(el(last, "code", facts.front().second.last_line), "style", "white-space: pre");
    else
      for (const auto& [label, f] : facts) attr(el(el(last, "div"), "code", label + f.last_line), "style", "white-space: pre");
  }
}

void verdict_table(xml_node parent, const VariantRun& v, const std::vector<std::string>* fleet) {
  if (v.verdicts.empty()) {
    el(parent, "p", "No expectations for this variant.");
    return;
  }
  xml_node t = el(parent, "table");
  attr(t, "class", "verdicts");
  xml_node hr = el(t, "tr");
  for (const char* h : {"expectation", "verdict", "evidence", "line"}) el(hr, "th", h);
  // A fleet's group expectations are one row per outcome, not one per machine (group_verdicts).
  std::vector<VerdictGroup> rows;
  if (fleet) rows = group_verdicts(v.verdicts, *fleet);
  else
    for (const auto& vd : v.verdicts) rows.push_back({&vd, 1, vd.expectation, vd.evidence, {}});
  for (const auto& g : rows) {
    const scenario::Verdict& vd = *g.first;
    xml_node r = el(t, "tr");
    attr(r, "class", status_class(vd.status));
    el(r, "td", g.expectation);
    el(el(r, "td"), "b", vd.fault.empty() ? to_string(vd.status) : to_string(vd.status) + std::string(" (") + vd.fault + ")");
    xml_node ev = el(r, "td", fleet ? digest_evidence(g.evidence, g.machines.empty() ? *fleet : g.machines) : g.evidence);
    attr(ev, "style", "white-space: pre-wrap");
    attr(el(r, "td", vd.where.line ? std::to_string(vd.where.line) : ""), "class", "num");
  }
}

void stage_table(xml_node parent, const Timeline& tl) {
  if (tl.stages.empty()) return;
  xml_node t = el(parent, "table");
  attr(t, "class", "stages");
  xml_node hr = el(t, "tr");
  for (const char* h : {"machine", "stage", "from", "to", "duration", "outcome", "detail"}) el(hr, "th", h);
  std::vector<const Stage*> sorted;
  for (const auto& s : tl.stages) sorted.push_back(&s);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Stage* a, const Stage* b) { return a->start_ns < b->start_ns; });
  for (const Stage* s : sorted) {
    xml_node r = el(t, "tr");
    if (s->outcome == "failed") attr(r, "class", "fail");
    else if (s->outcome == "ok") attr(r, "class", "pass");
    el(r, "td", s->machine);
    el(r, "td", s->label);
    attr(el(r, "td", format_seconds(s->start_ns)), "class", "num");
    attr(el(r, "td", format_seconds(s->end_ns)), "class", "num");
    attr(el(r, "td", format_seconds(s->end_ns - s->start_ns)), "class", "num");
    el(r, "td", s->outcome);
    el(r, "td", s->detail);
  }
}

void console_block(xml_node parent, const Timeline& tl) {
  for (const auto& machine : tl.machines) {
    std::vector<const ConsoleLine*> lines;
    for (const auto& l : tl.console)
      if (l.machine == machine) lines.push_back(&l);
    if (lines.empty()) continue;
    el(parent, "h3", "Console of " + machine + " (rendered: backspace and CR applied)");
    xml_node div = el(parent, "div");
    attr(div, "class", "console");
    for (const ConsoleLine* l : lines) {
      xml_node row = el(div, "div");
      attr(el(row, "span", format_seconds(l->t_ns)), "class", "t");
      text(row, l->text.empty() ? " " : l->text);
    }
  }
}

void event_log(xml_node parent, const VariantRun& v, const Timeline& tl, size_t max_rows) {
  const size_t kMaxRows = max_rows;
  xml_node det = el(parent, "details");
  el(det, "summary", "Event log (" + std::to_string(tl.markers.size()) + " events" +
                         (tl.markers.size() > kMaxRows ? ", first " + std::to_string(kMaxRows) + " listed" : "") + ")");
  xml_node t = el(det, "table");
  attr(t, "class", "evlog");
  xml_node hr = el(t, "tr");
  for (const char* h : {"#", "t", "machine", "kind", "what"}) el(hr, "th", h);
  for (size_t i = 0; i < tl.markers.size() && i < kMaxRows; ++i) {
    const Marker& m = tl.markers[i];
    xml_node r = el(t, "tr");
    if (m.highlight) attr(r, "class", "hl");
    attr(el(r, "td", std::to_string(m.event_index)), "class", "num");
    attr(el(r, "td", format_seconds(m.t_ns)), "class", "num");
    el(r, "td", m.machine);
    el(r, "td", m.kind);
    el(r, "td", m.label);
  }
  (void)v;
}

}  // namespace bootsim::reports::html
