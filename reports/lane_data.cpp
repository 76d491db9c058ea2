#include "reports/lane_data.h"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "reports/html_timeline.h"

namespace bootsim::reports {

namespace {

std::int64_t us(std::int64_t ns) { return ns / 1000; }

std::string clip(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
  return s.substr(0, cut) + "\u2026";
}

/// Categories worth a marker each: what goes wrong or marks progress. The rest is counted per bin.
bool individual(const std::string& cat) {
  static const std::set<std::string> cats{"drop", "dhcp", "tftp", "http", "link-up", "link-down", "key",
                                          "call-error", "fault", "phase", "exit", "handoff"};
  return cats.count(cat) != 0;
}

}  // namespace

std::string lane_data_json(const Timeline& tl, const std::string& machine, std::int64_t t0_ns, std::int64_t t1_ns,
                           const LaneDataLimits& limits) {
  using J = nlohmann::json;
  J stages = J::array(), links = J::array(), markers = J::array(), console = J::array();
  for (const auto& s : tl.stages) {
    if (s.machine != machine) continue;
    int lane = s.source == "model" ? 0 : s.source == "console" ? 1 : 2;
    std::string label = s.label + (s.detail.empty() || lane != 1 ? "" : " \u2014 " + s.detail);
    stages.push_back(J{us(s.start_ns), us(s.end_ns), lane, html::stage_fill(s), clip(label, limits.label_chars), s.outcome});
  }
  for (const auto& l : tl.links)
    if (l.machine == machine) links.push_back(J{us(l.start_ns), us(l.end_ns), l.state == "up" ? 1 : 0, l.inferred ? 1 : 0});

  // Counted categories: per (bin, category) how many, and the one event's label when there is just one.
  struct Bin { std::int64_t t_ns; int count; const Marker* only; };
  std::map<std::pair<int, std::string>, Bin> bins;
  const std::int64_t span = std::max<std::int64_t>(1, t1_ns - t0_ns);
  size_t listed = 0;
  static const std::vector<size_t> kNone;
  auto mine = tl.machine_markers.find(machine);
  for (size_t i : mine == tl.machine_markers.end() ? kNone : mine->second) {
    const Marker& m = tl.markers[i];
    if (individual(m.category) && listed < limits.individual) {
      ++listed;
      J row{us(m.t_ns), m.category, clip(m.label, limits.label_chars)};
      if (m.end_ns >= 0) row.push_back(us(m.end_ns));
      markers.push_back(std::move(row));
      continue;
    }
    int b = static_cast<int>(std::clamp<std::int64_t>((m.t_ns - t0_ns) * limits.bins / span, 0, limits.bins - 1));
    auto [it, fresh] = bins.emplace(std::make_pair(b, m.category), Bin{m.t_ns, 0, &m});
    ++it->second.count;
    (void)fresh;
  }
  for (const auto& [key, bin] : bins) {
    if (bin.count == 1) markers.push_back(J{us(bin.t_ns), key.second, clip(bin.only->label, limits.label_chars)});
    else markers.push_back(J{us(bin.t_ns), key.second, bin.count});
  }

  std::vector<const ConsoleLine*> lines;
  for (const auto& l : tl.console)
    if (l.machine == machine) lines.push_back(&l);
  size_t skip = lines.size() > limits.console_lines ? lines.size() - limits.console_lines : 0;
  for (size_t i = skip; i < lines.size(); ++i)
    console.push_back(J{us(lines[i]->t_ns), clip(lines[i]->text, 2 * limits.label_chars)});

  J out{{"s", std::move(stages)}, {"l", std::move(links)}, {"m", std::move(markers)}, {"c", std::move(console)},
        {"cn", skip}};
  return out.dump(-1, ' ', false, J::error_handler_t::replace);
}

}  // namespace bootsim::reports
