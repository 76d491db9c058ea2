#include "reports/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include <pugixml.hpp>

#include "reports/timeline.h"
#include "reports/xml_text.h"

namespace bootsim::reports {

namespace {

using pugi::xml_node;

// ---------------------------------------------------------------------------------------------------------
// Small DOM helpers: every string goes through xml_safe, pugixml does the escaping.

xml_node el(xml_node parent, const char* name) { return parent.append_child(name); }

xml_node el(xml_node parent, const char* name, const std::string& text) {
  xml_node n = parent.append_child(name);
  if (!text.empty()) n.append_child(pugi::node_pcdata).set_value(xml_safe(text).c_str());
  return n;
}

xml_node attr(xml_node n, const char* name, const std::string& value) {
  n.append_attribute(name).set_value(xml_safe(value).c_str());
  return n;
}

void text(xml_node n, const std::string& t) { n.append_child(pugi::node_pcdata).set_value(xml_safe(t).c_str()); }

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

/// Relative links only: no scheme (javascript:, http:), so a report cannot point anywhere else.
std::string safe_href(const std::string& href) {
  size_t colon = href.find(':');
  size_t slash = href.find('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon < slash)) return "#unsafe-link";
  return href;
}

const char* kCss = R"CSS(
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 16px 20px; color: #222; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px 0; }
h2 { font-size: 16px; margin: 22px 0 6px 0; border-bottom: 1px solid #ddd; padding-bottom: 2px; }
h3 { font-size: 14px; margin: 14px 0 4px 0; }
.meta { color: #555; }
table { border-collapse: collapse; margin: 4px 0 8px 0; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { background: #d9f2d9; }
.fail { background: #f9d0d0; }
.skip { background: #eeeeee; color: #666; }
.error { background: #f4b183; }
.notrun { background: #fafafa; color: #aaa; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; font-weight: 600; }
.badge.pass { color: #135c13; } .badge.fail { color: #8b0000; } .badge.skip { color: #555; }
.console { font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; background: #111; color: #ddd; padding: 6px 8px; max-height: 420px; overflow: auto; white-space: pre; }
.console .t { color: #7fa7d9; display: inline-block; min-width: 9em; }
.evlog { font: 11px ui-monospace, "DejaVu Sans Mono", monospace; }
.evlog td { padding: 0 4px; }
.evlog tr.hl td { background: #fde0e0; }
.artifacts a { margin-right: 12px; }
#details { position: fixed; right: 12px; bottom: 12px; max-width: 560px; max-height: 40%; overflow: auto; background: #fffbe6; border: 1px solid #d9c77a; padding: 6px 8px; font: 11px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; box-shadow: 0 1px 4px #0003; }
svg text { font: 11px system-ui, sans-serif; }
svg .axis text { fill: #333; }
svg .grid { stroke: #e6e6e6; stroke-width: 1; }
svg .lanebg { fill: #fafafa; }
svg .lanebg.alt { fill: #f2f2f2; }
svg .lanename { fill: #555; font-size: 10px; }
svg .vname { font-weight: 700; font-size: 13px; }
svg .ev:hover { stroke: #000; stroke-width: 1.5; }
svg .stage-label { font-size: 10px; fill: #222; pointer-events: none; }
svg .conlabel { font: 10px ui-monospace, "DejaVu Sans Mono", monospace; fill: #333; pointer-events: none; }
svg .faultline { stroke: #d40000; stroke-width: 2; stroke-dasharray: 4 2; }
svg .cursor { stroke: #0059b3; stroke-width: 1; pointer-events: none; }
)CSS";

// The script runs after the page is parsed. It must not contain the characters less-than, greater-than
// or ampersand: the page is XHTML for parsers and HTML for browsers, and those would be escaped.
const char* kScript = R"JS(
(function () {
  var panel = document.getElementById('details');
  function show(evt) {
    var t = evt.target;
    while (t) {
      if (!t.getAttribute) return;
      if (t.hasAttribute('data-kind')) break;
      t = t.parentNode;
    }
    if (!t) return;
    var title = t.querySelector('title');
    panel.textContent = title ? title.textContent : t.getAttribute('data-kind');
  }
  var svgs = document.querySelectorAll('svg.timeline');
  svgs.forEach(function (svg) {
    svg.addEventListener('mouseover', show);
    svg.addEventListener('click', show);
    var px = Number(svg.getAttribute('data-plot-x')), pw = Number(svg.getAttribute('data-plot-w'));
    var t0 = Number(svg.getAttribute('data-t0')), t1 = Number(svg.getAttribute('data-t1'));
    var line = svg.querySelector('.cursor'), label = svg.querySelector('.cursor-label');
    svg.addEventListener('mousemove', function (evt) {
      var r = svg.getBoundingClientRect();
      var x = evt.clientX - r.left;
      if (Math.min(Math.max(x, px), px + pw) !== x) return;
      var t = t0 + (x - px) / pw * (t1 - t0);
      line.setAttribute('x1', x); line.setAttribute('x2', x);
      label.setAttribute('x', x + 3);
      label.textContent = (t / 1e9).toFixed(3) + ' s';
    });
  });
  var count = document.querySelectorAll('svg.timeline [data-kind]').length;
  document.body.setAttribute('data-marker-count', String(count));
  document.body.setAttribute('data-report-ready', '1');
})();
)JS";

/// A new XHTML document with head (title, CSS) and body; returns body.
xml_node start_page(pugi::xml_document& doc, const std::string& title) {
  doc.append_child(pugi::node_doctype).set_value("html");
  xml_node html = el(doc, "html");
  attr(html, "xmlns", "http://www.w3.org/1999/xhtml");
  attr(html, "lang", "en");
  xml_node head = el(html, "head");
  attr(el(head, "meta"), "charset", "utf-8");
  el(head, "title", title);
  el(head, "style", kCss);
  xml_node body = el(html, "body");
  attr(body, "data-report-ready", "0");
  return body;
}

std::string finish_page(pugi::xml_document& doc, bool with_script) {
  if (with_script) {
    xml_node body = doc.child("html").child("body");
    el(body, "script", kScript);
  }
  std::ostringstream os;
  doc.save(os, "", pugi::format_raw | pugi::format_no_declaration | pugi::format_no_empty_element_tags,
           pugi::encoding_utf8);
  return os.str();
}

std::string status_class(VerdictStatus status) {
  if (status == VerdictStatus::kPass || status == VerdictStatus::kSkip) return to_string(status);
  return "fail";
}

// ---------------------------------------------------------------------------------------------------------
// Timeline drawing.

constexpr double kLabelW = 170;   // left column: variant and lane names
constexpr double kPlotW = 1150;   // the time axis
constexpr double kRight = 30;
constexpr double kAxisH = 26;

struct Scale {
  std::int64_t t0 = 0, t1 = 1;
  double x(std::int64_t t) const { return kLabelW + (double(t - t0) / double(t1 - t0)) * kPlotW; }
};

/// 1, 2 or 5 times a power of ten, giving about `target` ticks over `span` ns.
std::int64_t nice_step(std::int64_t span, int target) {
  double raw = double(span) / target;
  double p = std::pow(10.0, std::floor(std::log10(std::max(raw, 1.0))));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * p >= raw) return std::max<std::int64_t>(1, std::int64_t(m * p));
  return std::int64_t(10 * p);
}

std::string tick_label(std::int64_t t, std::int64_t step) {
  char b[32];
  if (step >= 1000000000) std::snprintf(b, sizeof b, "%g s", t / 1e9);
  else if (step >= 1000000) std::snprintf(b, sizeof b, "%g ms", t / 1e6);
  else std::snprintf(b, sizeof b, "%g us", t / 1e3);
  return b;
}

const char* stage_fill(const Stage& s) {
  static const std::map<std::string, const char*> fills{
      {"ipxe_init", "#9ecae1"},   {"banner", "#a1d99b"},      {"ctrl_b_prompt", "#fdd49e"},
      {"configuring", "#c6b5e0"}, {"download", "#fcae91"},    {"handoff", "#74c476"},
      {"boot_message", "#bdbdbd"}, {"dhcp", "#fdae6b"},       {"tftp", "#c994c7"},
      {"http", "#d9b38c"},        {"rom_dhcp", "#fdae6b"},    {"nbp_download", "#c994c7"},
      {"nbp_start", "#d9d9d9"}};
  auto it = fills.find(s.name);
  return it == fills.end() ? "#e0e0e0" : it->second;
}

const char* marker_color(const std::string& cat) {
  static const std::map<std::string, const char*> colors{
      {"tx", "#1f6fb4"},      {"rx", "#2e9e3f"},       {"drop", "#d40000"},   {"dhcp", "#f07800"},
      {"tftp", "#8e3fa3"},    {"http", "#a0522d"},     {"link-up", "#2e9e3f"}, {"link-down", "#d40000"},
      {"key", "#e052a0"},     {"console", "#555555"},  {"call", "#8c8c8c"},   {"call-error", "#f07800"},
      {"phase", "#333333"},   {"fault", "#d40000"},    {"exit", "#000000"},   {"handoff", "#1b7a2a"},
      {"other", "#7a7a7a"}};
  auto it = colors.find(cat);
  return it == colors.end() ? "#7a7a7a" : it->second;
}

/// Shape of a marker, centred on (0,0); drawn with transform=translate(x,y).
void marker_shape(xml_node g, const std::string& cat, double lane_h) {
  const char* c = marker_color(cat);
  auto path = [&](const std::string& d, bool stroke_only = false, double w = 1.0) {
    xml_node p = el(g, "path");
    attr(p, "d", d);
    if (stroke_only) { attr(p, "fill", "none"); attr(p, "stroke", c); attr(p, "stroke-width", num(w)); }
    else attr(p, "fill", c);
    return p;
  };
  if (cat == "tx") path("M0,-5L4,2L-4,2Z");
  else if (cat == "rx") path("M0,5L4,-2L-4,-2Z");
  else if (cat == "drop") path("M-4,-4L4,4M4,-4L-4,4", true, 2.2);
  else if (cat == "dhcp" || cat == "tftp" || cat == "http") path("M0,-5L5,0L0,5L-5,0Z");
  else if (cat == "link-up" || cat == "link-down") path("M0," + num(-lane_h / 2) + "V" + num(lane_h / 2), true, 2);
  else if (cat == "console") path("M-0.6,-4H0.6V4H-0.6Z");
  else if (cat == "key") path("M-4,-4H4V4H-4Z");
  else if (cat == "call") path("M-0.6,-5H0.6V5H-0.6Z");
  else if (cat == "call-error") path("M-1,-5H1V5H-1Z");
  else if (cat == "fault") { xml_node ci = el(g, "circle"); attr(ci, "r", "6"); attr(ci, "fill", c); }
  else if (cat == "phase" || cat == "exit" || cat == "handoff") path("M0,-6V6M0,-6L7,-3L0,0", true, 1.5);
  else { xml_node ci = el(g, "circle"); attr(ci, "r", "3"); attr(ci, "fill", c); }
}

struct Lane {
  std::string name;   // phases, stages, link, net, console, calls, other
  std::string title;  // shown in the left column
  double y = 0, h = 0;
};

double lane_height(const std::string& name) {
  if (name == "phases") return 16;
  if (name == "stages") return 20;
  if (name == "link") return 12;
  if (name == "net") return 30;
  if (name == "console") return 40;
  return 16;
}

std::string title_of(const Marker& m) { return m.label + "\n" + m.detail; }

struct VariantLayout {
  const VariantRun* run;
  Timeline tl;
  std::vector<std::pair<std::string, std::vector<Lane>>> machines;  // machine -> lanes
  double y = 0, h = 0;
};

std::vector<Lane> lanes_for(const Timeline& tl, const std::string& machine) {
  std::set<std::string> used;
  for (const auto& s : tl.stages)
    if (s.machine == machine) used.insert(s.source == "model" ? "phases" : s.source == "console" ? "stages" : "net");
  for (const auto& l : tl.links) if (l.machine == machine) used.insert("link");
  for (const auto& m : tl.markers) {
    if (m.machine != machine) continue;
    used.insert(m.lane == "stages" ? "phases" : m.lane);
    if (m.kind == "frame_tx" || m.kind == "frame_rx" || m.kind == "frame_drop") used.insert("link");
  }
  static const std::vector<std::pair<std::string, std::string>> order{
      {"phases", "phases"}, {"stages", "firmware stages"}, {"link", "link"}, {"net", "network"},
      {"console", "console / keys"}, {"calls", "PXE/BIOS calls"}, {"other", "other events"}};
  std::vector<Lane> out;
  for (const auto& [name, title] : order)
    if (used.count(name)) out.push_back(Lane{name, title, 0, lane_height(name)});
  return out;
}

void draw_stage_bar(xml_node parent, const Stage& s, const Scale& sc, double y, double h, bool label) {
  double x0 = sc.x(s.start_ns), x1 = sc.x(s.end_ns);
  double w = std::max(1.5, x1 - x0);
  xml_node g = el(parent, "g");
  attr(g, "class", "stage");
  attr(g, "data-stage", s.name);
  std::string tip = s.label + "\n" + format_seconds(s.start_ns) + " - " + format_seconds(s.end_ns) + " (" +
                    format_seconds(s.end_ns - s.start_ns) + ")";
  if (!s.outcome.empty()) tip += "\noutcome: " + s.outcome;
  if (!s.detail.empty()) tip += "\n" + s.detail;
  el(g, "title", tip);
  xml_node r = el(g, "rect");
  attr(r, "x", num(x0)); attr(r, "y", num(y)); attr(r, "width", num(w)); attr(r, "height", num(h));
  attr(r, "fill", stage_fill(s));
  if (s.source == "network") attr(r, "fill-opacity", "0.45");
  if (s.outcome == "failed") { attr(r, "stroke", "#d40000"); attr(r, "stroke-width", "2"); }
  else if (s.outcome == "unfinished") { attr(r, "stroke", "#666"); attr(r, "stroke-dasharray", "4 2"); }
  else if (s.outcome == "ok") { attr(r, "stroke", "#1b7a2a"); attr(r, "stroke-width", "1"); }
  if (label) {
    std::string t = s.label;
    if (s.outcome == "failed") t += " \u2717 failed";
    else if (s.outcome == "ok") t += " \u2713";
    double max_chars = (w - 6) / 5.6;
    if (max_chars >= 4) {
      if (t.size() > max_chars) t = t.substr(0, size_t(max_chars) - 1) + "\u2026";
      xml_node tx = el(g, "text", t);
      attr(tx, "class", "stage-label");
      attr(tx, "x", num(x0 + 3)); attr(tx, "y", num(y + h / 2 + 3.5));
    }
  }
}

void draw_variant(xml_node svg, const VariantLayout& v, const Scale& sc, int vindex) {
  const Timeline& tl = v.tl;
  xml_node block = el(svg, "g");
  attr(block, "class", "variant");
  attr(block, "data-variant", v.run->variant);

  // Header: name, verdict counts, exit reason.
  VerdictCounts c = count_verdicts(*v.run);
  std::string exit = v.run->exit_reason.empty() ? tl.exit_reason : v.run->exit_reason;
  xml_node hb = el(block, "rect");
  attr(hb, "x", "0"); attr(hb, "y", num(v.y)); attr(hb, "width", num(kLabelW + kPlotW + kRight)); attr(hb, "height", "22");
  attr(hb, "fill", c.fail ? "#f9d0d0" : c.total() ? "#d9f2d9" : "#e8eef7");
  xml_node name = el(block, "text", v.run->variant);
  attr(name, "class", "vname"); attr(name, "x", "6"); attr(name, "y", num(v.y + 16));
  std::string summary = std::to_string(c.pass) + " passed, " + std::to_string(c.fail) + " failed, " +
                        std::to_string(c.skip) + " skipped; exit: " + (exit.empty() ? "?" : exit) + " at " +
                        format_seconds(tl.end_ns);
  if (!v.run->description.empty()) summary += " \u2014 " + v.run->description;
  xml_node st = el(block, "text", summary);
  attr(st, "x", num(kLabelW)); attr(st, "y", num(v.y + 15));

  for (const auto& [machine, lanes] : v.machines) {
    std::map<std::string, const Lane*> by_name;
    for (const auto& l : lanes) by_name[l.name] = &l;
    int li = 0;
    for (const auto& l : lanes) {
      xml_node bg = el(block, "rect");
      attr(bg, "class", li++ % 2 ? "lanebg alt" : "lanebg");
      attr(bg, "x", num(kLabelW)); attr(bg, "y", num(l.y)); attr(bg, "width", num(kPlotW)); attr(bg, "height", num(l.h));
      xml_node ln = el(block, "text", machine + " \u00b7 " + l.title);
      attr(ln, "class", "lanename"); attr(ln, "x", "10"); attr(ln, "y", num(l.y + l.h / 2 + 3.5));
    }
    // Stage bars.
    for (const auto& s : tl.stages) {
      if (s.machine != machine) continue;
      const char* lane = s.source == "model" ? "phases" : s.source == "console" ? "stages" : "net";
      auto it = by_name.find(lane);
      if (it == by_name.end()) continue;
      const Lane& l = *it->second;
      if (s.source == "network") draw_stage_bar(block, s, sc, l.y + 2, l.h - 4, false);
      else draw_stage_bar(block, s, sc, l.y + 2, l.h - 4, true);
    }
    // Link bars.
    if (auto it = by_name.find("link"); it != by_name.end()) {
      const Lane& l = *it->second;
      bool any = false;
      for (const auto& li : tl.links) {
        if (li.machine != machine) continue;
        any = true;
        xml_node g = el(block, "g");
        attr(g, "class", "linkbar link-" + li.state);
        el(g, "title", "link " + li.state + (li.inferred ? " (inferred: before the first link event)" : " (" + li.cause + ")") +
                           "\n" + format_seconds(li.start_ns) + " - " + format_seconds(li.end_ns) + " (" +
                           format_seconds(li.end_ns - li.start_ns) + ")");
        xml_node r = el(g, "rect");
        attr(r, "x", num(sc.x(li.start_ns))); attr(r, "y", num(l.y + 2));
        attr(r, "width", num(std::max(1.0, sc.x(li.end_ns) - sc.x(li.start_ns)))); attr(r, "height", num(l.h - 4));
        attr(r, "fill", li.state == "up" ? "#4caf50" : "#e53935");
        if (li.inferred) attr(r, "fill-opacity", "0.45");
      }
      if (!any) {
        xml_node g = el(block, "g");
        attr(g, "class", "linkbar link-assumed");
        el(g, "title", "no link events: link assumed up for the whole run");
        xml_node r = el(g, "rect");
        attr(r, "x", num(sc.x(tl.start_ns))); attr(r, "y", num(l.y + 2));
        attr(r, "width", num(sc.x(tl.end_ns) - sc.x(tl.start_ns))); attr(r, "height", num(l.h - 4));
        attr(r, "fill", "#4caf50"); attr(r, "fill-opacity", "0.35");
        xml_node t = el(g, "text", "no link events: assumed up");
        attr(t, "class", "stage-label"); attr(t, "x", num(sc.x(tl.start_ns) + 4)); attr(t, "y", num(l.y + l.h - 2.5));
      }
    }
    // Markers: one element per trace event of this machine.
    std::vector<double> label_end(2, -1e9);
    for (const auto& m : tl.markers) {
      if (m.machine != machine) continue;
      std::string lane_name = m.lane == "stages" ? "phases" : m.lane;
      const Lane& l = *by_name.at(lane_name);
      double x = sc.x(m.t_ns);
      double y = l.y + l.h / 2;
      if (m.category == "tx") y = l.y + 9;
      else if (m.category == "rx") y = l.y + l.h - 9;
      else if (m.lane == "console") y = l.y + 6;
      xml_node g = el(block, "g");
      attr(g, "class", std::string("ev cat-") + m.category + (m.highlight ? " hl" : ""));
      attr(g, "data-kind", m.kind);
      attr(g, "data-t-ns", std::to_string(m.t_ns));
      attr(g, "data-i", std::to_string(m.event_index));
      attr(g, "data-variant", v.run->variant);
      attr(g, "data-machine", machine);
      el(g, "title", title_of(m));
      if (m.end_ns >= 0) {
        xml_node r = el(g, "rect");
        attr(r, "x", num(x)); attr(r, "y", num(l.y + 8));
        attr(r, "width", num(std::max(2.0, sc.x(m.end_ns) - x))); attr(r, "height", num(l.h - 16));
        attr(r, "fill", marker_color(m.category));
        attr(r, "fill-opacity", "0.8");
        continue;
      }
      attr(g, "transform", "translate(" + num(x) + "," + num(y) + ")");
      marker_shape(g, m.category, l.h);
      if (m.category == "console") {
        // Readable console text where there is room: two staggered rows of labels.
        std::string t = m.label.rfind("console: ", 0) == 0 ? m.label.substr(9) : "";
        if (t.empty()) continue;
        if (t.size() > 48) t = t.substr(0, 46) + "\u2026";
        double w = t.size() * 6.1;
        for (int row = 0; row < 2; ++row) {
          if (x < label_end[row] + 6 || x + w > kLabelW + kPlotW + kRight) continue;
          label_end[row] = x + w;
          xml_node tx = el(block, "text", t);
          attr(tx, "class", "conlabel");
          attr(tx, "x", num(x + 1)); attr(tx, "y", num(l.y + 20 + row * 12));
          break;
        }
      }
    }
    // Faults: a line across the whole variant, so nobody misses them.
    for (const auto& m : tl.markers)
      if (m.machine == machine && m.category == "fault") {
        xml_node fl = el(block, "line");
        attr(fl, "class", "faultline");
        attr(fl, "x1", num(sc.x(m.t_ns))); attr(fl, "x2", num(sc.x(m.t_ns)));
        attr(fl, "y1", num(v.y + 22)); attr(fl, "y2", num(v.y + v.h));
      }
  }
  (void)vindex;
}

void draw_axis(xml_node svg, const Scale& sc, double y, bool top, std::int64_t step, double grid_y0, double grid_y1) {
  xml_node g = el(svg, "g");
  attr(g, "class", "axis");
  xml_node base = el(g, "line");
  attr(base, "x1", num(kLabelW)); attr(base, "x2", num(kLabelW + kPlotW));
  attr(base, "y1", num(y)); attr(base, "y2", num(y)); attr(base, "stroke", "#333");
  std::int64_t first = (sc.t0 / step) * step;
  if (first < sc.t0) first += step;
  for (std::int64_t t = first; t <= sc.t1; t += step) {
    double x = sc.x(t);
    if (grid_y1 > grid_y0) {
      xml_node gl = el(g, "line");
      attr(gl, "class", "grid");
      attr(gl, "x1", num(x)); attr(gl, "x2", num(x)); attr(gl, "y1", num(grid_y0)); attr(gl, "y2", num(grid_y1));
    }
    xml_node tk = el(g, "line");
    attr(tk, "x1", num(x)); attr(tk, "x2", num(x));
    attr(tk, "y1", num(y)); attr(tk, "y2", num(top ? y - 5 : y + 5)); attr(tk, "stroke", "#333");
    xml_node tx = el(g, "text", tick_label(t, step));
    attr(tx, "x", num(x)); attr(tx, "y", num(top ? y - 8 : y + 16)); attr(tx, "text-anchor", "middle");
  }
  xml_node cap = el(g, "text", "virtual time");
  attr(cap, "x", "6"); attr(cap, "y", num(top ? y - 8 : y + 16));
}

void draw_legend(xml_node parent) {
  xml_node svg = el(parent, "svg");
  attr(svg, "xmlns", "http://www.w3.org/2000/svg");
  attr(svg, "class", "legend");
  attr(svg, "width", num(kLabelW + kPlotW + kRight)); attr(svg, "height", "44");
  struct Item { std::string cat, text; };
  const std::vector<Item> markers{{"tx", "frame sent"}, {"rx", "frame received"}, {"drop", "frame dropped"},
                                  {"dhcp", "DHCP/TFTP/HTTP server"}, {"link-down", "link change"},
                                  {"console", "console output"}, {"key", "keystroke"}, {"call", "PXE/BIOS call"},
                                  {"call-error", "call with error status"}, {"fault", "fault"},
                                  {"phase", "phase / exit"}, {"other", "other kind"}};
  double x = 6;
  for (const auto& it : markers) {
    xml_node g = el(svg, "g");
    attr(g, "transform", "translate(" + num(x + 5) + ",12)");
    marker_shape(g, it.cat, 14);
    xml_node t = el(svg, "text", it.text);
    attr(t, "x", num(x + 14)); attr(t, "y", "16");
    x += 24 + it.text.size() * 6.0;
  }
  struct Band { const char* fill; std::string text; const char* stroke; };
  const std::vector<Band> bands{{"#9ecae1", "iPXE init", nullptr}, {"#a1d99b", "banner", nullptr},
                                {"#fdd49e", "Ctrl-B prompt", nullptr}, {"#c6b5e0", "configuring", nullptr},
                                {"#fcae91", "download", nullptr}, {"#74c476", "handoff", nullptr},
                                {"#fdae6b", "DHCP exchange", nullptr}, {"#4caf50", "link up", nullptr},
                                {"#e53935", "link down", nullptr}, {"#ffffff", "failed", "#d40000"},
                                {"#ffffff", "ok", "#1b7a2a"}, {"#ffffff", "unfinished", "#666"}};
  x = 6;
  for (const auto& b : bands) {
    xml_node r = el(svg, "rect");
    attr(r, "x", num(x)); attr(r, "y", "26"); attr(r, "width", "18"); attr(r, "height", "12"); attr(r, "fill", b.fill);
    if (b.stroke) { attr(r, "stroke", b.stroke); attr(r, "stroke-width", "2"); }
    xml_node t = el(svg, "text", b.text);
    attr(t, "x", num(x + 22)); attr(t, "y", "36");
    x += 34 + b.text.size() * 6.0;
  }
}

void verdict_table(xml_node parent, const VariantRun& v) {
  if (v.verdicts.empty()) {
    el(parent, "p", "No expectations for this variant.");
    return;
  }
  xml_node t = el(parent, "table");
  attr(t, "class", "verdicts");
  xml_node hr = el(t, "tr");
  for (const char* h : {"expectation", "verdict", "evidence", "line"}) el(hr, "th", h);
  for (const auto& vd : v.verdicts) {
    xml_node r = el(t, "tr");
    attr(r, "class", status_class(vd.status));
    el(r, "td", vd.expectation);
    el(el(r, "td"), "b", vd.fault.empty() ? to_string(vd.status) : to_string(vd.status) + std::string(" (") + vd.fault + ")");
    xml_node ev = el(r, "td", vd.evidence);
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

void event_log(xml_node parent, const VariantRun& v, const Timeline& tl) {
  constexpr size_t kMaxRows = 4000;
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

}  // namespace

std::string render_html(const ScenarioReport& report) {
  pugi::xml_document doc;
  xml_node body = start_page(doc, "bootsim: " + report.scenario);

  xml_node header = el(body, "header");
  el(header, "h1", "Scenario " + report.scenario);
  std::string meta = (report.file.empty() ? "" : report.file + " \u00b7 ") + "seed " + std::to_string(report.seed) +
                     " \u00b7 " + std::to_string(report.variants.size()) + " variant(s)";
  attr(el(header, "p", meta), "class", "meta");
  if (!report.description.empty()) el(header, "p", report.description);

  std::vector<VariantLayout> layouts;
  layouts.reserve(report.variants.size());
  for (const auto& v : report.variants) {
    VariantLayout L;
    L.run = &v;
    L.tl = build_timeline(v.events);
    layouts.push_back(std::move(L));
  }

  // Summary: one row per variant, the facts that differ between a failing run and its workaround.
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
    // With several machines each fact is given per machine, from that machine's share of the trace:
    // mixed together, every machine's NIC would repeat the broadcasts it saw.
    // Each fact is the machine's own (sim/facts): with several machines, one line per machine.
    std::vector<std::string> machines = machines_of(L.run->events);
    std::vector<std::pair<std::string, Facts>> facts;
    if (machines.size() <= 1) {
      const facts::MachineFacts* mf = machines.empty() ? nullptr : L.tl.facts.find(machines.front());
      facts::MachineFacts merged = mf ? facts::MachineFacts{} : facts::merged_facts(L.run->events);
      facts.push_back({"", facts_of(mf ? *mf : merged, L.tl, L.run->exit_reason)});
    } else {
      for (const auto& m : machines) facts.push_back({m + ": ", facts_of(*L.tl.facts.find(m), L.tl, "")});
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

  // The shared time axis.
  Scale sc;
  bool first = true;
  for (const auto& L : layouts) {
    if (L.tl.markers.empty()) continue;
    if (first) { sc.t0 = L.tl.start_ns; sc.t1 = L.tl.end_ns; first = false; }
    sc.t0 = std::min(sc.t0, L.tl.start_ns);
    sc.t1 = std::max(sc.t1, L.tl.end_ns);
  }
  if (sc.t1 <= sc.t0) sc.t1 = sc.t0 + 1000000000;
  std::int64_t step = nice_step(sc.t1 - sc.t0, 12);
  // Extend to a whole tick so the axis ends on a label.
  sc.t1 = ((sc.t1 + step - 1) / step) * step;

  double y = kAxisH + 8;
  for (auto& L : layouts) {
    L.y = y;
    y += 24;
    for (const auto& m : L.tl.machines) {
      auto lanes = lanes_for(L.tl, m);
      for (auto& l : lanes) { l.y = y; y += l.h + 1; }
      L.machines.emplace_back(m, std::move(lanes));
    }
    L.h = y - L.y;
    y += 14;
  }
  double height = y + kAxisH;

  el(body, "h2", "Timeline (shared virtual-time axis; hover a marker for details)");
  draw_legend(body);
  xml_node svg = el(body, "svg");
  attr(svg, "xmlns", "http://www.w3.org/2000/svg");
  attr(svg, "class", "timeline");
  attr(svg, "width", num(kLabelW + kPlotW + kRight));
  attr(svg, "height", num(height));
  attr(svg, "data-plot-x", num(kLabelW));
  attr(svg, "data-plot-w", num(kPlotW));
  attr(svg, "data-t0", std::to_string(sc.t0));
  attr(svg, "data-t1", std::to_string(sc.t1));
  draw_axis(svg, sc, kAxisH, true, step, kAxisH, height - kAxisH);
  for (size_t i = 0; i < layouts.size(); ++i) draw_variant(svg, layouts[i], sc, int(i));
  draw_axis(svg, sc, height - kAxisH + 2, false, step, 0, 0);
  xml_node cur = el(svg, "line");
  attr(cur, "class", "cursor"); attr(cur, "x1", "-10"); attr(cur, "x2", "-10");
  attr(cur, "y1", num(kAxisH)); attr(cur, "y2", num(height - kAxisH));
  xml_node cl = el(svg, "text", " ");
  attr(cl, "class", "cursor-label"); attr(cl, "x", "-100"); attr(cl, "y", num(kAxisH + 12)); attr(cl, "fill", "#0059b3");

  // Per variant: artifacts, verdicts, stages, console, event log.
  for (const auto& L : layouts) {
    const VariantRun& v = *L.run;
    xml_node sec = el(body, "section");
    attr(sec, "class", "variant");
    attr(sec, "id", "variant-" + v.variant);
    el(sec, "h2", "Variant " + v.variant);
    if (!v.description.empty()) el(sec, "p", v.description);
    if (!v.artifacts.empty()) {
      xml_node p = el(sec, "p");
      attr(p, "class", "artifacts");
      text(p, "Artifacts: ");
      for (const auto& [label, href] : v.artifacts) attr(el(p, "a", label), "href", safe_href(href));
    }
    el(sec, "h3", "Expectations");
    verdict_table(sec, v);
    el(sec, "h3", "Stages derived from the trace");
    stage_table(sec, L.tl);
    if (!L.tl.unknown_kinds.empty()) {
      std::string kinds;
      for (const auto& k : L.tl.unknown_kinds) {
        int n = 0;
        for (const auto& m : L.tl.markers) n += m.kind == k;
        kinds += (kinds.empty() ? "" : ", ") + k + " (" + std::to_string(n) + ")";
      }
      el(sec, "p", "Event kinds this report does not know (drawn in the \u201cother events\u201d lane): " + kinds);
    }
    console_block(sec, L.tl);
    event_log(sec, v, L.tl);
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
