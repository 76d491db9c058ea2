#include "reports/json_report.h"

#include <future>
#include <stdexcept>
#include <vector>

#include "reports/timeline.h"
#include "sim/core/beside.h"

namespace bootsim::reports {
namespace {

using J = nlohmann::ordered_json;

// render_json's layout: dump(2), so a variant's members are 6 spaces in and its markers 8.
constexpr unsigned kIndent = 2, kVariantMember = 6, kMarker = 8;
// Below this many markers a variant's are written on one thread.
constexpr size_t kParallelMarkers = 20000;

J marker_json(const Marker& m) {
  J jm{{"i", m.event_index}, {"t_ns", m.t_ns}, {"machine", m.machine}, {"kind", m.kind},
       {"lane", m.lane}, {"category", m.category}, {"label", m.label}};
  if (m.end_ns >= 0) jm["end_ns"] = m.end_ns;
  if (m.highlight) jm["highlight"] = true;
  return jm;
}

/// Markers [from, to) as the elements of a pretty-printed array `kMarker` spaces in, each followed by
/// ",\n" but the array's last: exactly what dump(2) writes for them, by the library's own serializer
/// (one marker's object at a time, so no document of them all is ever built).
std::string markers_text(const std::vector<Marker>& markers, size_t from, size_t to) {
  constexpr size_t kBytesPerMarker = 320;  // a fleet's average is ~170: room enough to write it in place
  std::string text;
  text.reserve((to - from) * kBytesPerMarker);
  nlohmann::detail::serializer<J> out(nlohmann::detail::output_adapter<char, std::string>(text), ' ',
                                      J::error_handler_t::replace);
  for (size_t i = from; i < to; ++i) {
    text.append(kMarker, ' ');
    out.dump(marker_json(markers[i]), true, false, kIndent, kMarker);
    text += i + 1 < markers.size() ? ",\n" : "\n";
  }
  return text;
}

/// A variant's "markers" array as dump(2) writes it, in pieces to be joined: a fleet's hundreds of
/// thousands are most of report.json's bytes, so a long list's second half is written on another thread
/// meanwhile, and each piece is copied only once, into the whole text. (nlohmann's serializer is in its
/// detail namespace: the test that compares render_json with dump(2) byte for byte guards its use.)
std::vector<std::string> markers_array(const std::vector<Marker>& markers) {
  if (markers.empty()) return {"[]"};
  const size_t split = markers.size() >= kParallelMarkers ? markers.size() / 2 : markers.size();
  std::future<std::string> second;
  if (split < markers.size())
    second = run_beside([&markers, split] { return markers_text(markers, split, markers.size()); });
  std::vector<std::string> pieces{"[\n", markers_text(markers, 0, split)};
  if (second.valid()) pieces.push_back(second.get());
  pieces.push_back(std::string(kVariantMember, ' ') + "]");
  return pieces;
}

using Timelines = std::vector<std::shared_ptr<const Timeline>>;

Timelines timelines_of(const ScenarioReport& report) {
  Timelines tls;
  for (const auto& v : report.variants) tls.push_back(timeline_of(v));
  return tls;
}

/// The report's document (`tls`: the variants' timelines); with `marker_slots`, each variant's "markers"
/// holds the variant's index instead, for render_json to put the text in.
J report_document(const ScenarioReport& report, const Timelines& tls, bool marker_slots) {
  J out;
  out["schema"] = "bootsim-report/1";
  out["scenario"] = report.scenario;
  out["file"] = report.file;
  out["description"] = report.description;
  out["seed"] = report.seed;
  J overrides = J::array();
  for (const auto& [path, value] : report.overrides) overrides.push_back({{"path", path}, {"value", value}});
  out["overrides"] = std::move(overrides);
  J variants = J::array();
  for (size_t vi = 0; vi < report.variants.size(); ++vi) {
    const VariantRun& v = report.variants[vi];
    const Timeline& tl = *tls[vi];
    J jv;
    jv["variant"] = v.variant;
    jv["description"] = v.description;
    if (!v.clock.empty()) jv["clock"] = v.clock;  // absent: virtual time (byte-deterministic)
    if (v.pacing)
      jv["pacing"] = {{"max_ahead_us", v.pacing->max_ahead_us}, {"max_behind_us", v.pacing->max_behind_us},
                      {"waits", v.pacing->waits}};
    jv["exit_reason"] = v.exit_reason.empty() ? tl.exit_reason : v.exit_reason;
    jv["start_ns"] = tl.start_ns;
    jv["end_ns"] = tl.end_ns;
    jv["machines"] = tl.machines;
    J stages = J::array();
    for (const auto& s : tl.stages)
      stages.push_back({{"machine", s.machine}, {"source", s.source}, {"name", s.name}, {"label", s.label},
                        {"start_ns", s.start_ns}, {"end_ns", s.end_ns}, {"outcome", s.outcome}, {"detail", s.detail}});
    jv["stages"] = std::move(stages);
    J links = J::array();
    for (const auto& l : tl.links)
      links.push_back({{"machine", l.machine}, {"state", l.state}, {"start_ns", l.start_ns}, {"end_ns", l.end_ns},
                       {"cause", l.cause}, {"inferred", l.inferred}});
    jv["links"] = std::move(links);
    if (marker_slots) {
      jv["markers"] = vi;
    } else {
      J markers = J::array();
      for (const auto& m : tl.markers) markers.push_back(marker_json(m));
      jv["markers"] = std::move(markers);
    }
    J console = J::array();
    for (const auto& c : tl.console) console.push_back({{"machine", c.machine}, {"t_ns", c.t_ns}, {"text", c.text}});
    jv["console"] = std::move(console);
    J verdicts = J::array();
    for (const auto& vd : v.verdicts) {
      J jvd{{"expectation", vd.expectation}, {"status", to_string(vd.status)}, {"evidence", vd.evidence}, {"line", vd.where.line}};
      if (!vd.fault.empty()) jvd["fault"] = vd.fault;
      verdicts.push_back(std::move(jvd));
    }
    jv["verdicts"] = std::move(verdicts);
    // The same file downloaded again and again by one machine (sim/facts, from its own frames).
    J loops = J::array();
    for (const auto& mf : tl.facts.sources)
      if (auto loop = mf.repeated_download(facts::kLoopDownloads))
        loops.push_back({{"machine", mf.name}, {"file", loop->file}, {"bytes", loop->bytes},
                         {"downloads", loop->at_ns.size()}, {"at_ns", loop->at_ns},
                         {"note", mf.chainload_loop_note()}});
    jv["chainload_loops"] = std::move(loops);
    VerdictCounts c = count_verdicts(v);
    jv["counts"] = {{"pass", c.pass}, {"fail", c.fail}, {"skip", c.skip}};
    J artifacts = J::object();
    for (const auto& [label, path] : v.artifacts) artifacts[label] = path;
    jv["artifacts"] = std::move(artifacts);
    jv["unknown_kinds"] = tl.unknown_kinds;
    variants.push_back(std::move(jv));
  }
  out["variants"] = std::move(variants);
  return out;
}

}  // namespace

J report_json(const ScenarioReport& report) { return report_document(report, timelines_of(report), false); }

std::string render_json(const ScenarioReport& report) {
  // Replace rather than throw on odd bytes in hand-made verdict strings.
  const Timelines tls = timelines_of(report);
  const std::string frame = report_document(report, tls, true).dump(kIndent, ' ', false, J::error_handler_t::replace);
  // Each slot is `"markers": N` at a variant member's indent: a string in the document cannot hold an
  // unescaped quote, so only the variants' own keys read so, and they come in variant order.
  std::vector<std::string> pieces;
  size_t at = 0;
  for (size_t v = 0; v < report.variants.size(); ++v) {
    const std::string n = std::to_string(v);
    const std::string slot = "\n" + std::string(kVariantMember, ' ') + "\"markers\": " + n + ",\n";
    const size_t found = frame.find(slot, at);
    if (found == std::string::npos) throw std::logic_error("report.json: no markers slot for variant " + n);
    const size_t value = found + slot.size() - 2 - n.size();
    pieces.push_back(frame.substr(at, value - at));
    for (std::string& p : markers_array(tls[v]->markers)) pieces.push_back(std::move(p));
    at = value + n.size();
  }
  pieces.push_back(frame.substr(at));
  pieces.push_back("\n");
  size_t bytes = 0;
  for (const auto& p : pieces) bytes += p.size();
  std::string text;
  text.reserve(bytes);
  for (const auto& p : pieces) text += p;
  return text;
}

}  // namespace bootsim::reports
