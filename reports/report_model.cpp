#include "reports/report_model.h"

namespace bootsim::reports {

VerdictCounts count_verdicts(const VariantRun& v) {
  VerdictCounts c;
  for (const auto& vd : v.verdicts) {
    if (vd.status == VerdictStatus::kPass) ++c.pass;
    else if (vd.status == VerdictStatus::kSkip) ++c.skip;
    else ++c.fail;  // "fail" and "error": a report must never hide a problem
  }
  return c;
}

VerdictCounts count_verdicts(const ScenarioReport& r) {
  VerdictCounts c;
  for (const auto& v : r.variants) {
    VerdictCounts x = count_verdicts(v);
    c.pass += x.pass;
    c.fail += x.fail;
    c.skip += x.skip;
  }
  return c;
}

std::shared_ptr<const Timeline> timeline_of(const VariantRun& v) {
  if (v.timeline) return v.timeline;
  return std::make_shared<const Timeline>(build_timeline(v.trace(), v.facts.get()));
}

IndexEntry make_index_entry(const ScenarioReport& r, const std::string& href) {
  IndexEntry e;
  e.scenario = r.id.empty() ? r.scenario : r.id;
  e.description = r.description;
  e.href = href;
  e.counts = count_verdicts(r);
  for (const auto& v : r.variants)
    if (count_verdicts(v).fail) e.failed_variants.push_back(v.variant);
  return e;
}

}  // namespace bootsim::reports
