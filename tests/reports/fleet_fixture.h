// A fleet report model for the report tests: the real run of scenarios/fleet_broadcom.xml (3 machines:
// two Broadcom-like that time out, one Intel-like that boots), and from it a fleet of any size: machine i
// is a copy of real machine i % 3, named m001, m002, …, its events shifted by a few ms so the fleet is
// staggered, its verdicts and evidence renamed. What each machine shows is what a real boot did.
#pragma once

#include <algorithm>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "report_fixtures.h"

namespace bootsim::reports::testing {

/// The run's output folder (cached in the build tree; remade when the bootsim binary is newer).
inline std::string fleet_broadcom_out() {
  std::string out = out_dir() + "/fleet_broadcom_run";
  std::string report = out + "/fleet_broadcom/report.json";
  CacheLock lock("fleet_broadcom_run");
  if (!newer_than_exe(report)) {
    std::string cmd = std::string("'") + BOOTSIM_EXE + "' scenario '" + BOOTSIM_SOURCE_DIR +
                      "/scenarios/fleet_broadcom.xml' --out '" + out + "' -q -j 2 > '" + out_dir() +
                      "/fleet_broadcom_run.stdout' 2>&1";
    int rc = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0) << cmd;
  }
  return out + "/fleet_broadcom";
}

/// Variant `name` of the real run, as the scenario command gives it to the reports.
inline VariantRun fleet_broadcom_variant(const std::string& name) {
  std::string dir = fleet_broadcom_out();
  VariantRun v;
  v.variant = name;
  v.events = Trace::parse_jsonl(read_file(dir + "/" + name + ".trace.jsonl"));
  nlohmann::json report = nlohmann::json::parse(read_file(dir + "/report.json"));
  for (const auto& jv : report["variants"])
    if (jv["variant"] == name)
      for (const auto& jd : jv["verdicts"]) {
        std::string st = jd["status"].get<std::string>();
        VerdictStatus status = st == "pass" ? VerdictStatus::kPass : st == "skip" ? VerdictStatus::kSkip
                               : st == "fail" ? VerdictStatus::kFail : VerdictStatus::kError;
        v.verdicts.push_back({jd["expectation"].get<std::string>(), status, jd["evidence"].get<std::string>(),
                              line_at(jd["line"].get<int>())});
      }
  v.nic_profiles = {{"r640-01", "broadcom-like"}, {"r640-02", "broadcom-like"}, {"x11-01", "intel-like"}};
  return v;
}

inline std::string fleet_name(size_t i) {
  char b[32];
  std::snprintf(b, sizeof b, "m%03zu", i + 1);
  return b;
}

/// `n` machines made from `real`'s three (see the top of this file).
inline VariantRun replicate_fleet(const VariantRun& real, size_t n) {
  const std::vector<std::string> originals{"r640-01", "r640-02", "x11-01"};
  VariantRun v;
  v.variant = real.variant;
  v.description = real.description + " (" + std::to_string(n) + " machines replicated from 3 real boots)";
  constexpr std::int64_t kStaggerNs = 7000000;
  for (const auto& e : real.events) {
    std::string m = e.value("machine", std::string());
    auto o = std::find(originals.begin(), originals.end(), m);
    if (o == originals.end()) { v.events.push_back(e); continue; }  // servers: once
    for (size_t i = static_cast<size_t>(o - originals.begin()); i < n; i += originals.size()) {
      TraceEvent c = e;
      c["machine"] = fleet_name(i);
      c["t_ns"] = e.value("t_ns", std::int64_t{0}) + static_cast<std::int64_t>(i / originals.size()) * kStaggerNs;
      v.events.push_back(std::move(c));
    }
  }
  std::stable_sort(v.events.begin(), v.events.end(), [](const TraceEvent& a, const TraceEvent& b) {
    return a.value("t_ns", std::int64_t{0}) < b.value("t_ns", std::int64_t{0});
  });
  for (size_t i = 0; i < n; ++i) v.nic_profiles[fleet_name(i)] = real.nic_profiles.at(originals[i % 3]);
  // Verdicts: a machine's own once per copy; a fleet-wide one with every copy's clause.
  for (const auto& vd : real.verdicts) {
    auto own = std::find_if(originals.begin(), originals.end(),
                            [&](const std::string& m) { return vd.expectation.rfind(m + ": ", 0) == 0; });
    if (own != originals.end()) {
      for (size_t i = static_cast<size_t>(own - originals.begin()); i < n; i += originals.size()) {
        Verdict c = vd;
        c.expectation = fleet_name(i) + vd.expectation.substr(own->size());
        c.evidence = fleet_name(i) + vd.evidence.substr(std::min(own->size(), vd.evidence.size()));
        v.verdicts.push_back(c);
      }
      continue;
    }
    std::map<std::string, std::string> clause;  // original machine -> its text
    for (size_t k = 0; k < originals.size(); ++k) {
      size_t at = vd.evidence.find(originals[k] + ": ");
      if (at == std::string::npos) continue;
      size_t from = at + originals[k].size() + 2;
      size_t to = k + 1 < originals.size() ? vd.evidence.find("; " + originals[k + 1] + ": ", from) : std::string::npos;
      clause[originals[k]] = vd.evidence.substr(from, to == std::string::npos ? std::string::npos : to - from);
    }
    Verdict c = vd;
    if (clause.size() == originals.size()) {
      c.evidence.clear();
      for (size_t i = 0; i < n; ++i)
        c.evidence += (i ? "; " : "") + fleet_name(i) + ": " + clause[originals[i % 3]];
    }
    v.verdicts.push_back(c);
  }
  v.artifacts = real.artifacts;
  return v;
}

inline ScenarioReport fleet_report(size_t machines) {
  ScenarioReport r;
  r.scenario = "fleet_broadcom";
  r.file = "scenarios/fleet_broadcom.xml";
  r.description = "a fleet made from scenarios/fleet_broadcom.xml's three real boots";
  r.seed = 0;
  r.variants.push_back(replicate_fleet(fleet_broadcom_variant("stock"), machines));
  return r;
}

}  // namespace bootsim::reports::testing
