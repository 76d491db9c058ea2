#include "sim/scenario/sweep.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "sim/scenario/units.h"
#include "sim/scenario/variant_jobs.h"

namespace bootsim::scenario {

namespace fs = std::filesystem;

namespace {

/// "param[sleep]/@value" → "sleep"; "machine[r640-01]/nic/@autoneg" → "autoneg"; "machine[2]/cmdline" →
/// "cmdline".
std::string label_of(const std::string& path) {
  std::string p = path;
  if (p.rfind("/", 0) == 0) p.erase(0, 1);
  if (p.rfind("scenario/", 0) == 0) p.erase(0, 9);
  if (p.rfind("param[", 0) == 0 && p.size() > 6) {
    auto close = p.find(']');
    if (close != std::string::npos && p.compare(close, std::string::npos, "]/@value") == 0) return p.substr(6, close - 6);
  }
  auto at = p.rfind("/@");
  if (at != std::string::npos) return p.substr(at + 2);
  if (p.rfind('@', 0) == 0) return p.substr(1);
  std::string last = p.substr(p.rfind('/') == std::string::npos ? 0 : p.rfind('/') + 1);
  return last.substr(0, last.find('['));
}

}  // namespace

std::vector<std::vector<std::string>> grid_points(const std::vector<SweepAxis>& axes) {
  std::vector<std::vector<std::string>> points{{}};
  for (const auto& a : axes) {
    std::vector<std::vector<std::string>> next;
    for (const auto& p : points)
      for (const auto& v : a.values) {
        next.push_back(p);
        next.back().push_back(v);
      }
    points = std::move(next);
  }
  return points;
}

namespace {

/// The machine that decides a cell: with one machine, it; with several, the first that failed inside
/// bootsim, else the first guest fault, else the first without a handoff, else the last to hand off.
/// `who` is "name: " with several machines.
RunResult deciding_result(const VariantResult& r, std::string* who) {
  if (r.machines.size() <= 1) return r.result;
  auto first = [&](auto pred) -> const MachineRun* {
    for (const auto& m : r.machines)
      if (pred(m.result)) return &m;
    return nullptr;
  };
  const MachineRun* m = first([](const RunResult& x) { return x.reason == StopReason::kInternalError; });
  if (!m) m = first([](const RunResult& x) { return x.reason == StopReason::kGuestFault; });
  if (!m) m = first([](const RunResult& x) { return x.reason != StopReason::kHandoff; });
  if (!m) {
    m = &r.machines.front();
    for (const auto& x : r.machines)
      if (x.result.end_time > m->result.end_time) m = &x;
  }
  *who = m->name + ": ";
  return m->result;
}

void judge_cell(SweepCellResult& c, SweepJudge judge) {
  const VariantResult& r = c.run;
  std::string who;
  const RunResult result = deciding_result(r, &who);
  std::string ended = std::string(stop_reason_name(result.reason)) + " at " + format_time(result.end_time);
  if (!r.skip_reason.empty()) {
    c.outcome = CellOutcome::kSkip;
    c.detail = r.skip_reason;
  } else if (r.interrupted) {
    c.outcome = CellOutcome::kInterrupted;
    c.detail = "stopped by a signal before it finished";
  } else if (result.reason == StopReason::kInternalError) {
    c.outcome = CellOutcome::kError;
    c.detail = who + "bootsim failed: " + result.detail;
  } else if (result.reason == StopReason::kGuestFault) {
    c.outcome = CellOutcome::kFault;
    c.detail = who + "guest fault at " + format_time(result.end_time) + ": " + result.detail;
  } else if (judge == SweepJudge::kBoot) {
    bool booted = result.reason == StopReason::kHandoff;
    c.outcome = booted ? CellOutcome::kPass : CellOutcome::kFail;
    c.detail = who + (booted ? "handoff at " + format_time(result.end_time) : "no handoff; ended " + ended);
  } else {
    std::vector<const Verdict*> failed;
    size_t written = 0;  // the file's expectations, not judge()'s kRunsWithoutFault (faults are decided above)
    for (const auto& v : r.verdicts) {
      if (v.status == VerdictStatus::kFail) failed.push_back(&v);
      written += !v.about_run;
    }
    c.outcome = failed.empty() ? CellOutcome::kPass : CellOutcome::kFail;
    c.detail = failed.empty() ? "all " + std::to_string(written) + " expectations hold; ended " + ended
                              : "failed: " + failed.front()->expectation + " — " + failed.front()->evidence +
                                    (failed.size() > 1 ? " (+" + std::to_string(failed.size() - 1) + " more)" : "");
  }
}

std::string span(const std::vector<std::string>& values, size_t from, size_t to) {
  return from == to ? values[from] : values[from] + ".." + values[to];
}

}  // namespace

const char* to_string(CellOutcome o) {
  switch (o) {
    case CellOutcome::kPass: return "pass";
    case CellOutcome::kFail: return "fail";
    case CellOutcome::kSkip: return "skip";
    case CellOutcome::kFault: return "fault";
    case CellOutcome::kError: return "error";
    case CellOutcome::kInterrupted: return "interrupted";
  }
  return "?";
}

int exit_code(const SweepResult& r) {
  int rc = kExitOk;
  for (const auto& c : r.cells) {
    if (c.outcome == CellOutcome::kError) return kExitInternalError;
    if (c.outcome == CellOutcome::kFault) rc = kExitGuestFault;
  }
  return rc;
}

SweepAxis parse_vary(const std::string& spec) {
  auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw InputError("--vary '" + spec + "': expected PATH=RANGE, e.g. machine[r640-01]/nic/@autoneg=1s..20s/1s");
  SweepAxis a;
  a.path = spec.substr(0, eq);
  a.values = parse_range(spec.substr(eq + 1));
  a.label = label_of(a.path);
  return a;
}

std::string cell_dir_name(const std::vector<SweepAxis>& axes, const std::vector<std::string>& values) {
  std::string name;
  for (size_t i = 0; i < axes.size() && i < values.size(); ++i) name += (i ? "," : "") + axes[i].label + "=" + values[i];
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_' && ch != '=' && ch != ',' && ch != '-')
      ch = '_';
  return name;
}

SweepResult run_sweep(const std::string& path, const std::vector<SweepAxis>& axes_in,
                      const std::vector<std::string>& variants, const SweepOptions& options) {
  if (axes_in.empty()) throw InputError("bootsim sweep needs at least one --vary PATH=RANGE");
  SweepResult r;
  r.axes = axes_in;
  r.judge = options.judge;
  // Two axes with one label (the same attribute on two machines) are told apart by their paths.
  std::map<std::string, int> uses;
  for (const auto& a : r.axes) ++uses[a.label];
  for (auto& a : r.axes)
    if (uses[a.label] > 1) a.label = a.path;
  r.scenario = load_scenario(path, options.load);  // the file itself must be valid before any override

  if (variants.empty()) {
    for (const auto& v : r.scenario.variants)
      if (v.skip_reason.empty()) r.variants.push_back(v.name);
  } else {
    std::set<std::string> wanted(variants.begin(), variants.end());
    for (const auto& name : wanted)
      if (!r.scenario.find_variant(name)) {
        std::string have;
        for (const auto& v : r.scenario.variants) have += (have.empty() ? "" : ", ") + v.name;
        throw InputError(path + ": --variant " + name + ": no such variant (the file has: " + have + ")");
      }
    for (const auto& v : r.scenario.variants)
      if (wanted.count(v.name)) r.variants.push_back(v.name);
  }

  auto points = grid_points(r.axes);
  r.points.reserve(points.size());  // jobs point into these
  for (const auto& values : points) {
    LoadOptions lo = options.load;
    for (size_t i = 0; i < r.axes.size(); ++i) lo.overrides.emplace_back(r.axes[i].path, values[i]);
    SweepResult::Point p;
    p.values = values;
    p.scenario = load_scenario(path, lo);
    p.out_dir = (fs::path(options.out_dir) / "cells" / cell_dir_name(r.axes, values)).string();
    r.points.push_back(std::move(p));
  }
  std::vector<VariantJob> jobs;
  for (auto& p : r.points)
    for (const auto& name : r.variants) {
      RunOptions ro;
      ro.out_dir = p.out_dir;
      ro.keep_staging = options.keep_staging;
      check_output_paths(*p.scenario.find_variant(name), ro);
      jobs.push_back({&p.scenario, p.scenario.find_variant(name), ro});
    }
  // A shard runs its block of the jobs; the other cells are other shards' (bootsim merge joins them).
  auto [first, last] = options.shard ? shard_range(jobs.size(), *options.shard) : std::make_pair(size_t{0}, jobs.size());
  std::vector<VariantResult> runs =
      run_jobs(std::vector<VariantJob>(jobs.begin() + static_cast<long>(first), jobs.begin() + static_cast<long>(last)), options.jobs, options.progress);
  size_t k = 0, job = 0;
  for (auto& p : r.points)
    for (const auto& name : r.variants) {
      if (job++ < first || job > last) continue;
      SweepCellResult c;
      c.values = p.values;
      c.variant = name;
      c.run = runs[k++];
      c.out_dir = p.out_dir;
      judge_cell(c, r.judge);
      p.runs.push_back(c.run);
      r.cells.push_back(std::move(c));
    }
  if (options.shard)
    r.points.erase(std::remove_if(r.points.begin(), r.points.end(), [](const SweepResult::Point& p) { return p.runs.empty(); }),
                   r.points.end());
  return r;
}

std::vector<std::string> describe_boundary(const SweepResult& r) {
  std::vector<std::string> lines;
  if (r.axes.empty()) return lines;
  const SweepAxis& last = r.axes.back();
  for (const auto& variant : r.variants) {
    // Cells of this variant grouped by the values of every axis but the last, in grid order.
    std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> rows;  // (leading values, outcomes)
    for (const auto& c : r.cells) {
      if (c.variant != variant) continue;
      std::vector<std::string> lead(c.values.begin(), c.values.end() - 1);
      if (rows.empty() || rows.back().first != lead) rows.push_back({lead, {}});
      rows.back().second.push_back(to_string(c.outcome));
    }
    for (const auto& [lead, outcomes] : rows) {
      std::string who = variant;
      for (size_t i = 0; i < lead.size(); ++i) who += ", " + r.axes[i].label + "=" + lead[i];
      if (r.axes.size() == 1) {
        std::string text;
        for (size_t from = 0; from < outcomes.size();) {
          size_t to = from;
          while (to + 1 < outcomes.size() && outcomes[to + 1] == outcomes[from]) ++to;
          text += (text.empty() ? "" : "; ") + outcomes[from] + " for " + last.label + " " + span(last.values, from, to);
          from = to + 1;
        }
        lines.push_back(who + ": " + text);
        continue;
      }
      size_t first = outcomes.size();
      for (size_t i = 0; i < outcomes.size(); ++i)
        if (outcomes[i] == "pass") {
          first = i;
          break;
        }
      if (first == outcomes.size()) {
        lines.push_back(who + ": no " + last.label + " up to " + last.values.back() + " passes");
        continue;
      }
      std::string line = who + ": passes from " + last.label + "=" + last.values[first];
      line += first == 0 ? " (the smallest value tried)" : " (" + outcomes[first - 1] + " at " + last.values[first - 1] + ")";
      for (size_t i = first + 1; i < outcomes.size(); ++i)
        if (outcomes[i] != "pass") {
          line += "; but " + outcomes[i] + " again at " + last.values[i];
          break;
        }
      lines.push_back(line);
    }
  }
  return lines;
}

}  // namespace bootsim::scenario
