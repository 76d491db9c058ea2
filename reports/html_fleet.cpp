#include "reports/html_fleet.h"

#include <algorithm>
#include <map>

#include "reports/fleet_rows.h"
#include "reports/lane_data.h"

namespace bootsim::reports::html {

namespace {

constexpr int kHistBins = 40;
constexpr double kHistLabelW = 170, kHistPlotW = 1150, kHistRowH = 46;

std::string at(std::int64_t ns) { return ns < 0 ? "" : format_seconds(ns); }

/// "a/N"
std::string of(size_t a, size_t n) { return std::to_string(a) + "/" + std::to_string(n); }

struct Series {
  std::string name, title;
  std::vector<std::int64_t> times;  // one per machine that got there
};

/// One row per series: a bar per bin of the axis, its height the machines that got there in that bin.
void histogram(xml_node parent, const std::vector<Series>& series, size_t machines, std::int64_t t0, std::int64_t t1) {
  xml_node svg = el(parent, "svg");
  attr(svg, "xmlns", "http://www.w3.org/2000/svg");
  attr(svg, "class", "histogram");
  double height = series.size() * kHistRowH + 20;
  attr(svg, "width", num(kHistLabelW + kHistPlotW + 30));
  attr(svg, "height", num(height));
  const std::int64_t span = std::max<std::int64_t>(1, t1 - t0);
  const double bw = kHistPlotW / kHistBins;
  double y = 4;
  for (const auto& s : series) {
    std::vector<int> counts(kHistBins, 0);
    for (std::int64_t t : s.times)
      ++counts[std::clamp<std::int64_t>((t - t0) * kHistBins / span, 0, kHistBins - 1)];
    int peak = std::max(1, *std::max_element(counts.begin(), counts.end()));
    xml_node g = el(svg, "g");
    attr(g, "data-series", s.name);
    attr(g, "data-count", std::to_string(s.times.size()));
    xml_node name = el(g, "text", s.title);
    attr(name, "x", "6"); attr(name, "y", num(y + 18));
    xml_node sub = el(g, "text", of(s.times.size(), machines) + " machines" +
                                     (s.times.size() < machines ? ", " + std::to_string(machines - s.times.size()) + " never" : ""));
    attr(sub, "class", "lanename"); attr(sub, "x", "6"); attr(sub, "y", num(y + 32));
    xml_node bg = el(g, "rect");
    attr(bg, "class", "lanebg");
    attr(bg, "x", num(kHistLabelW)); attr(bg, "y", num(y)); attr(bg, "width", num(kHistPlotW)); attr(bg, "height", num(kHistRowH - 6));
    for (int b = 0; b < kHistBins; ++b) {
      if (!counts[b]) continue;
      double h = (kHistRowH - 16) * counts[b] / peak;
      xml_node bar = el(g, "g");
      attr(bar, "class", "bin");
      el(bar, "title", std::to_string(counts[b]) + " machine(s): " + s.title + " between " +
                           format_seconds(t0 + span * b / kHistBins) + " and " + format_seconds(t0 + span * (b + 1) / kHistBins));
      xml_node r = el(bar, "rect");
      attr(r, "x", num(kHistLabelW + b * bw + 1)); attr(r, "y", num(y + kHistRowH - 6 - h));
      attr(r, "width", num(bw - 2)); attr(r, "height", num(h)); attr(r, "fill", "#5b8fd1");
      xml_node c = el(bar, "text", std::to_string(counts[b]));
      attr(c, "class", "lanename"); attr(c, "x", num(kHistLabelW + b * bw + 2)); attr(c, "y", num(y + kHistRowH - 8 - h));
    }
    y += kHistRowH;
  }
  // The axis, labelled at its ends and quarters.
  for (int q = 0; q <= 4; ++q) {
    xml_node t = el(svg, "text", format_seconds(t0 + span * q / 4));
    attr(t, "x", num(kHistLabelW + kHistPlotW * q / 4)); attr(t, "y", num(y + 12));
    attr(t, "text-anchor", q == 0 ? "start" : q == 4 ? "end" : "middle");
  }
}

/// A table cell; `sort` is the value the page's script sorts by (numbers as numbers, "" last).
xml_node cell(xml_node row, const std::string& text, const std::string& sort, bool numeric) {
  xml_node td = el(row, "td", text);
  attr(td, "data-v", sort);
  if (numeric) attr(td, "class", "num");
  return td;
}

xml_node time_cell(xml_node row, std::int64_t ns) { return cell(row, at(ns), ns < 0 ? "" : std::to_string(ns), true); }

}  // namespace

void fleet_section(xml_node parent, const VariantLayout& L, std::int64_t t0_ns, std::int64_t t1_ns) {
  std::vector<MachineRow> rows = fleet_rows(*L.run, *L.tl);
  const size_t n = rows.size();
  xml_node sec = el(parent, "div");
  attr(sec, "class", "fleet");
  el(sec, "h3", "Fleet: " + std::to_string(n) + " machines");

  // Counts: how many got how far.
  size_t rom = 0, ipxe = 0, handoff = 0, dropped = 0, faulted = 0, failing = 0;
  std::map<std::string, size_t> exits;
  Series s_rom{"rom_dhcp", "ROM DHCP lease", {}}, s_ipxe{"ipxe_dhcp", "iPXE DHCP lease", {}}, s_handoff{"handoff", "handoff", {}};
  for (const auto& r : rows) {
    if (r.rom_dhcp_ns >= 0) { ++rom; s_rom.times.push_back(r.rom_dhcp_ns); }
    if (r.ipxe_dhcp_ns >= 0) { ++ipxe; s_ipxe.times.push_back(r.ipxe_dhcp_ns); }
    if (r.handoff_ns >= 0) { ++handoff; s_handoff.times.push_back(r.handoff_ns); }
    dropped += r.drops > 0;
    faulted += r.faults > 0;
    failing += r.own_fail > 0;
    ++exits[r.exit];
  }
  std::string exit_text;
  for (const auto& [reason, count] : exits) exit_text += (exit_text.empty() ? "" : ", ") + of(count, n) + " " + reason;
  xml_node counts = el(sec, "ul");
  attr(counts, "class", "fleet-counts");
  el(counts, "li", "ROM DHCP lease: " + of(rom, n) + "; iPXE DHCP lease: " + of(ipxe, n) + "; handoff: " + of(handoff, n));
  el(counts, "li", "exit: " + exit_text);
  attr(el(counts, "li", "dropped frames while the link was down: " + of(dropped, n) + " machines; faults: " + of(faulted, n) +
                            " machines; failing expectations of their own: " + of(failing, n) + " machines"),
       "class", faulted || failing ? "fail" : "");

  // Histograms: only the series some machine reached (a PXELINUX fleet has no iPXE DHCP).
  std::vector<Series> series;
  for (Series* s : {&s_rom, &s_ipxe, &s_handoff})
    if (!s->times.empty()) series.push_back(*s);
  if (!series.empty()) histogram(sec, series, n, t0_ns, t1_ns);

  // The machine table: click a heading to sort, a machine to open its lanes.
  el(sec, "p", "Click a column heading to sort; click a machine to open its timeline lanes (its console below them).");
  xml_node t = el(sec, "table");
  attr(t, "class", "machines");
  attr(t, "data-variant", L.run->variant);
  attr(t, "data-t0", std::to_string(t0_ns));
  attr(t, "data-t1", std::to_string(t1_ns));
  attr(t, "data-colors", marker_colors_json());
  xml_node hr = el(t, "tr");
  struct Head { const char* key; const char* title; };
  for (const Head& h : {Head{"name", "machine"}, {"nic", "NIC profile"}, {"lease", "lease"}, {"rom_dhcp", "ROM DHCP at"},
                        {"ipxe_dhcp", "iPXE DHCP at"}, {"handoff", "handoff at"}, {"exit", "exit"}, {"drops", "dropped frames"},
                        {"faults", "faults"}, {"verdicts", "own expectations"}, {"last", "last console line"}})
    attr(el(hr, "th", h.title), "data-key", h.key);
  for (const auto& r : rows) {
    xml_node row = el(t, "tr");
    attr(row, "class", r.own_fail || r.faults ? "mrow fail" : r.own_pass ? "mrow pass" : "mrow");
    attr(row, "data-machine", r.name);
    attr(row, "data-lane", lane_data_json(*L.tl, r.name, t0_ns, t1_ns));
    xml_node name = cell(row, "", r.name, false);
    attr(name, "class", "lane-toggle");
    attr(el(name, "span", "\u25b8 "), "class", "arrow");
    text(name, r.name);
    cell(row, r.nic, r.nic, false);
    cell(row, r.lease, r.lease, false);
    time_cell(row, r.rom_dhcp_ns);
    time_cell(row, r.ipxe_dhcp_ns);
    time_cell(row, r.handoff_ns);
    cell(row, r.exit + " at " + at(r.exit_ns), r.exit, false);
    xml_node d = cell(row, std::to_string(r.drops), std::to_string(r.drops), true);
    if (r.drops) attr(d, "class", "num fail");
    xml_node f = cell(row, std::to_string(r.faults), std::to_string(r.faults), true);
    if (r.faults) attr(f, "class", "num fail");
    std::string own = r.own_pass + r.own_fail ? std::to_string(r.own_pass) + " pass / " + std::to_string(r.own_fail) + " fail" : "";
    cell(row, own, std::to_string(r.own_fail * 1000 + r.own_pass), false);
    attr(el(cell(row, "", r.last_line, false), "code", r.last_line), "style", "white-space: pre");
  }
}

}  // namespace bootsim::reports::html
