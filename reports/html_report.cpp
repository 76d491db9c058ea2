#include "reports/html_report.h"

#include <pugixml.hpp>

#include "reports/fleet_rows.h"
#include "reports/html_dom.h"
#include "reports/html_fleet.h"
#include "reports/html_sections.h"
#include "reports/html_timeline.h"
#include "reports/timeline.h"

namespace bootsim::reports {

using namespace html;

std::string render_html(const ScenarioReport& report) {
  pugi::xml_document doc;
  xml_node body = start_page(doc, "bootsim: " + report.scenario);

  xml_node header = el(body, "header");
  el(header, "h1", "Scenario " + report.scenario);
  std::string meta = (report.file.empty() ? "" : report.file + " \u00b7 ") + "seed " + std::to_string(report.seed) +
                     " \u00b7 " + std::to_string(report.variants.size()) + " variant(s)";
  attr(el(header, "p", meta), "class", "meta");
  if (!report.description.empty()) el(header, "p", report.description);
  if (!report.overrides.empty()) {
    std::string text;
    for (const auto& [path, value] : report.overrides) text += (text.empty() ? "" : ", ") + path + "=" + value;
    attr(el(header, "p", "Overrides applied: " + text), "class", "overrides");
  }

  std::vector<VariantLayout> layouts;
  layouts.reserve(report.variants.size());
  for (const auto& v : report.variants) {
    VariantLayout L;
    L.run = &v;
    L.tl = timeline_of(v);
    L.booted = booted_machines(*L.tl);
    L.fleet = L.booted.size() > kFleetMachines;
    layouts.push_back(std::move(L));
  }

  // Summary: one row per variant, the facts that differ between a failing run and its workaround.
  summary_table(body, layouts);

  el(body, "h2", "Timeline (shared virtual-time axis; hover a marker for details)");
  draw_legend(body);
  draw_timeline(body, layouts);
  auto [t0, t1] = shared_axis(layouts);

  // Per variant: artifacts, verdicts, stages, console, event log.
  for (const auto& L : layouts) {
    const VariantRun& v = *L.run;
    xml_node sec = el(body, "section");
    attr(sec, "class", "variant");
    attr(sec, "id", "variant-" + v.variant);
    el(sec, "h2", "Variant " + v.variant);
    if (!v.description.empty()) el(sec, "p", v.description);
    if (!v.clock.empty()) {
      std::string drift = v.pacing ? " Pacing: virtual time at most " + std::to_string(v.pacing->max_ahead_us) +
                                         " \u00b5s ahead of and " + std::to_string(v.pacing->max_behind_us) +
                                         " \u00b5s behind the wall clock."
                                   : "";
      xml_node p = el(sec, "p", "Clock: " + v.clock + " \u2014 not byte-deterministic; timings carry wall-clock jitter." + drift);
      attr(p, "class", "clock");
    }
    if (!v.artifacts.empty()) {
      xml_node p = el(sec, "p");
      attr(p, "class", "artifacts");
      text(p, "Artifacts: ");
      for (const auto& [label, href] : v.artifacts) attr(el(p, "a", label), "href", safe_href(href));
    }
    // A chainload loop is the finding of the run, expected or not: say it above the verdicts.
    for (const auto& mf : L.tl->facts.sources) {
      std::string loop = mf.chainload_loop_note();
      if (!loop.empty()) attr(el(sec, "p", loop), "class", "finding fail");
    }
    el(sec, "h3", "Expectations");
    verdict_table(sec, v, L.fleet ? &L.booted : nullptr);
    // Several machines: counts, histograms and the machine table. A fleet's stages and consoles are in its
    // machines' lanes (too many to list), its event log shorter.
    if (L.booted.size() > 1) fleet_section(sec, L, t0, t1);
    if (!L.fleet) {
      el(sec, "h3", "Stages derived from the trace");
      stage_table(sec, *L.tl);
    }
    if (!L.tl->unknown_kinds.empty()) {
      std::string kinds;
      for (const auto& k : L.tl->unknown_kinds) {
        int n = 0;
        for (const auto& m : L.tl->markers) n += m.kind == k;
        kinds += (kinds.empty() ? "" : ", ") + k + " (" + std::to_string(n) + ")";
      }
      el(sec, "p", "Event kinds this report does not know (drawn in the \u201cother events\u201d lane): " + kinds);
    }
    if (!L.fleet) console_block(sec, *L.tl);
    event_log(sec, v, *L.tl, L.fleet ? 1000 : 4000);
  }

  xml_node det = el(body, "div", "Hover or click a marker in the timeline to see its details here.");
  attr(det, "id", "details");
  return finish_page(doc, true);
}

std::string render_index_html(const std::vector<IndexEntry>& entries, const std::string& title) {
  pugi::xml_document doc;
  xml_node body = start_page(doc, title);
  el(body, "h1", title);
  VerdictCounts total;
  int failed_scenarios = 0;
  for (const auto& e : entries) {
    total.pass += e.counts.pass; total.fail += e.counts.fail; total.skip += e.counts.skip;
    failed_scenarios += e.counts.fail > 0;
  }
  attr(el(body, "p", std::to_string(entries.size()) + " scenario(s), " + std::to_string(failed_scenarios) +
                         " failing; expectations: " + std::to_string(total.pass) + " passed, " +
                         std::to_string(total.fail) + " failed, " + std::to_string(total.skip) + " skipped"),
       "class", total.fail ? "meta fail" : "meta");
  xml_node t = el(body, "table");
  attr(t, "class", "index");
  xml_node hr = el(t, "tr");
  for (const char* h : {"scenario", "result", "pass", "fail", "skip", "failing variants", "description"}) el(hr, "th", h);
  for (const auto& e : entries) {
    xml_node r = el(t, "tr");
    attr(r, "class", e.counts.fail ? "fail" : e.counts.total() ? "pass" : "skip");
    attr(el(el(r, "td"), "a", e.scenario), "href", safe_href(e.href));
    el(r, "td", e.counts.fail ? "FAIL" : e.counts.total() ? "PASS" : "no expectations");
    attr(el(r, "td", std::to_string(e.counts.pass)), "class", "num");
    attr(el(r, "td", std::to_string(e.counts.fail)), "class", "num");
    attr(el(r, "td", std::to_string(e.counts.skip)), "class", "num");
    std::string fv;
    for (const auto& v : e.failed_variants) fv += (fv.empty() ? "" : ", ") + v;
    el(r, "td", fv);
    el(r, "td", e.description);
  }
  attr(el(body, "div", " "), "id", "details");
  return finish_page(doc, true);
}

std::string render_sweep_html(const SweepReport& sweep) {
  pugi::xml_document doc;
  xml_node body = start_page(doc, "bootsim sweep: " + sweep.scenario);
  el(body, "h1", "Sweep of " + sweep.scenario);
  if (!sweep.description.empty()) el(body, "p", sweep.description);
  if (!sweep.boundary.empty()) el(el(body, "p"), "b", "Boundary: " + sweep.boundary);

  auto find_cell = [&](const std::vector<std::string>& values) -> const SweepCell* {
    for (const auto& c : sweep.cells)
      if (c.values == values) return &c;
    return nullptr;
  };
  auto fill_cell = [&](xml_node td, const SweepCell* c) {
    if (!c) { attr(td, "class", "notrun"); text(td, "not run"); return; }
    std::string cls = c->outcome == "pass" || c->outcome == "fail" || c->outcome == "skip" || c->outcome == "error"
                          ? c->outcome
                          : c->outcome == "interrupted" ? "skip" : "fail";
    attr(td, "class", "cell " + cls);
    attr(td, "data-outcome", c->outcome);
    if (!c->detail.empty()) attr(td, "title", c->detail);
    if (!c->href.empty()) attr(el(td, "a", c->outcome), "href", safe_href(c->href));
    else text(td, c->outcome);
  };

  xml_node t = el(body, "table");
  attr(t, "class", "sweep");
  if (sweep.parameters.size() == 2 && sweep.values.size() == 2) {
    xml_node hr = el(t, "tr");
    el(hr, "th", sweep.parameters[0] + " \u2193 / " + sweep.parameters[1] + " \u2192");
    for (const auto& v1 : sweep.values[1]) el(hr, "th", v1);
    for (const auto& v0 : sweep.values[0]) {
      xml_node r = el(t, "tr");
      el(r, "th", v0);
      for (const auto& v1 : sweep.values[1]) fill_cell(el(r, "td"), find_cell({v0, v1}));
    }
  } else if (sweep.parameters.size() == 1 && sweep.values.size() == 1) {
    xml_node hr = el(t, "tr");
    el(hr, "th", sweep.parameters[0]);
    for (const auto& v : sweep.values[0]) el(hr, "th", v);
    xml_node r = el(t, "tr");
    el(r, "th", "outcome");
    for (const auto& v : sweep.values[0]) fill_cell(el(r, "td"), find_cell({v}));
  } else {
    xml_node hr = el(t, "tr");
    for (const auto& p : sweep.parameters) el(hr, "th", p);
    el(hr, "th", "outcome");
    el(hr, "th", "detail");
    for (const auto& c : sweep.cells) {
      xml_node r = el(t, "tr");
      for (const auto& v : c.values) el(r, "td", v);
      fill_cell(el(r, "td"), &c);
      el(r, "td", c.detail);
    }
  }
  xml_node legend = el(body, "p");
  for (const char* o : {"pass", "fail", "skip", "error", "notrun"}) {
    xml_node s = el(legend, "span", std::string(" ") + o + " ");
    attr(s, "class", std::string("badge ") + o);
  }
  attr(el(body, "div", " "), "id", "details");
  return finish_page(doc, true);
}

}  // namespace bootsim::reports
