#include "reports/html_timeline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

namespace bootsim::reports::html {

namespace {

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

}  // namespace

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

const std::map<std::string, const char*>& marker_colors() {
  static const std::map<std::string, const char*> colors{
      {"tx", "#1f6fb4"},      {"rx", "#2e9e3f"},       {"drop", "#d40000"},   {"dhcp", "#f07800"},
      {"tftp", "#8e3fa3"},    {"http", "#a0522d"},     {"link-up", "#2e9e3f"}, {"link-down", "#d40000"},
      {"key", "#e052a0"},     {"console", "#555555"},  {"call", "#8c8c8c"},   {"call-error", "#f07800"},
      {"phase", "#333333"},   {"fault", "#d40000"},    {"exit", "#000000"},   {"handoff", "#1b7a2a"},
      {"other", "#7a7a7a"}};
  return colors;
}

std::string marker_colors_json() {
  std::string out = "{";
  for (const auto& [cat, color] : marker_colors()) out += (out.size() > 1 ? ",\"" : "\"") + cat + "\":\"" + color + "\"";
  return out + "}";
}

const char* marker_color(const std::string& cat) {
  const auto& colors = marker_colors();
  auto it = colors.find(cat);
  return it == colors.end() ? "#7a7a7a" : it->second;
}

namespace {

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

double lane_height(const std::string& name) {
  if (name == "phases") return 16;
  if (name == "stages") return 20;
  if (name == "link") return 12;
  if (name == "net") return 30;
  if (name == "console") return 40;
  return 16;
}

std::string title_of(const Marker& m, const std::vector<TraceEvent>& trace) {
  return m.label + "\n" + (m.event_index < trace.size() ? marker_detail(m, trace[m.event_index]) : std::string());
}

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
  const Timeline& tl = *v.tl;
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
  if (v.fleet) {
    xml_node note = el(block, "text", std::to_string(v.booted.size()) + " machines: their lanes open from the machine "
                                      "table of variant " + v.run->variant + " (below)");
    attr(note, "class", "lanename"); attr(note, "x", num(kLabelW)); attr(note, "y", num(v.y + 36));
  }

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
      el(g, "title", title_of(m, v.run->trace()));
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

}  // namespace

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

std::pair<std::int64_t, std::int64_t> shared_axis(const std::vector<VariantLayout>& layouts) {
  std::int64_t t0 = 0, t1 = 1;
  bool first = true;
  for (const auto& L : layouts) {
    if (L.tl->markers.empty()) continue;
    if (first) { t0 = L.tl->start_ns; t1 = L.tl->end_ns; first = false; }
    t0 = std::min(t0, L.tl->start_ns);
    t1 = std::max(t1, L.tl->end_ns);
  }
  if (t1 <= t0) t1 = t0 + 1000000000;
  std::int64_t step = nice_step(t1 - t0, 12);
  // Extend to a whole tick so the axis ends on a label.
  return {t0, ((t1 + step - 1) / step) * step};
}

void draw_timeline(xml_node body, std::vector<VariantLayout>& layouts) {
  // The shared time axis.
  Scale sc;
  std::tie(sc.t0, sc.t1) = shared_axis(layouts);
  std::int64_t step = nice_step(sc.t1 - sc.t0, 12);

  double y = kAxisH + 8;
  for (auto& L : layouts) {
    L.y = y;
    y += 24;
    // A fleet's machines get no lanes here: the machine table opens each one on demand.
    if (L.fleet) y += 18;
    else for (const auto& m : L.tl->machines) {
      auto lanes = lanes_for(*L.tl, m);
      for (auto& l : lanes) { l.y = y; y += l.h + 1; }
      L.machines.emplace_back(m, std::move(lanes));
    }
    L.h = y - L.y;
    y += 14;
  }
  double height = y + kAxisH;

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
}

}  // namespace bootsim::reports::html
