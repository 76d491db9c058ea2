#include "reports/json_report.h"

#include "reports/timeline.h"

namespace bootsim::reports {

nlohmann::ordered_json report_json(const ScenarioReport& report) {
  using J = nlohmann::ordered_json;
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
  for (const auto& v : report.variants) {
    const std::shared_ptr<const Timeline> shared = timeline_of(v);
    const Timeline& tl = *shared;
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
    J markers = J::array();
    for (const auto& m : tl.markers) {
      J jm{{"i", m.event_index}, {"t_ns", m.t_ns}, {"machine", m.machine}, {"kind", m.kind},
           {"lane", m.lane}, {"category", m.category}, {"label", m.label}};
      if (m.end_ns >= 0) jm["end_ns"] = m.end_ns;
      if (m.highlight) jm["highlight"] = true;
      markers.push_back(std::move(jm));
    }
    jv["markers"] = std::move(markers);
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

std::string render_json(const ScenarioReport& report) {
  // Replace rather than throw on odd bytes in hand-made verdict strings.
  return report_json(report).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace bootsim::reports
