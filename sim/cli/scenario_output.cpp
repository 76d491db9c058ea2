#include "sim/cli/scenario_output.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>

#include "reports/evidence_digest.h"
#include "reports/html_report.h"
#include "sim/cli/colour.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "sim/core/beside.h"
#include "sim/core/errors.h"

namespace bootsim::cli {

namespace fs = std::filesystem;


std::string exe_dir() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  buf[n] = 0;
  return fs::path(buf).parent_path().string();
}

std::vector<std::string> shipped_scenario_dirs() {
  return {std::string(BOOTSIM_SCENARIO_DIR), exe_dir() + "/../share/bootsim/scenarios",
          std::string(BOOTSIM_INSTALLED_SCENARIO_DIR)};
}

std::string resolve_scenario(const std::string& name) {
  if (fs::exists(name) && !fs::is_directory(name)) return name;
  // "broadcom_timeout" and "broadcom_timeout.xml" name the same file, as `bootsim list` shows them.
  const bool bare = fs::path(name).extension() != ".xml";
  if (bare && fs::exists(name + ".xml")) return name + ".xml";
  // A bare name as the design card writes it: the current directory, then the scenarios shipped with bootsim.
  auto not_found = [&name](const std::string& where) {
    if (fs::is_directory(name))
      return InputError(name + ": is a folder, not a scenario file (its files: " +
                        (fs::path(name) / "*.xml").string() + ")");
    return InputError(name + ": no such scenario file" + where);
  };
  if (fs::path(name).has_parent_path()) throw not_found("");
  for (const std::string& dir : shipped_scenario_dirs()) {
    for (const std::string& file : bare ? std::vector<std::string>{name, name + ".xml"} : std::vector<std::string>{name}) {
      fs::path p = fs::path(dir) / file;
      if (fs::exists(p) && !fs::is_directory(p)) return p.string();
    }
  }
  throw not_found(" here or among the shipped scenarios (`bootsim list` shows them)");
}

std::vector<std::pair<std::string, std::string>> parse_sets(const std::vector<std::string>& sets) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& kv : sets) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) throw InputError("--set '" + kv + "': expected PATH=VALUE, e.g. @seed=5");
    out.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return out;
}

scenario::LoadOptions load_options(bool allow_servers) {
  scenario::LoadOptions o;
  const char* env = std::getenv("BOOTSIM_ALLOW_SERVERS");
  o.allow_servers = allow_servers || (env && std::string(env) == "1");
  o.payload_dirs = {exe_dir() + "/payloads", exe_dir() + "/../share/bootsim/payloads", BOOTSIM_PAYLOAD_DIR};
  o.ipxe_dir = BOOTSIM_IPXE_DIR;
  return o;
}

std::string claim_output_name(const std::string& name, std::set<std::string>& taken) {
  std::string id = name;
  for (int n = 2; taken.count(id); ++n) id = name + "-" + std::to_string(n);
  taken.insert(id);
  return id;
}

namespace {

/// `head` and the digest's first line, then its further lines indented under it.
void print_digest(const std::string& variant, const std::string& head, const std::string& digest) {
  size_t start = 0;
  for (bool first = true;; first = false) {
    size_t end = digest.find('\n', start);
    std::string line = digest.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::printf("  [%s] %s%s\n", variant.c_str(), first ? head.c_str() : "      ", line.c_str());
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

std::string tag_of(const scenario::Verdict& v) {
  using scenario::VerdictStatus;
  return v.status == VerdictStatus::kPass   ? paint("PASS", Tone::kPass)
         : v.status == VerdictStatus::kSkip ? paint("SKIP", Tone::kSkip)
         : v.status == VerdictStatus::kError ? paint(v.internal_error() ? "INTERNAL ERROR" : "FAULT", Tone::kFault)
                                             : paint("FAIL", Tone::kFail);
}

}  // namespace

int print_verdicts(const ScenarioOutcome& o) {
  for (const auto& v : o.variants) {
    if (!v.skip_reason.empty()) {
      std::printf("  [%s] %s  %s\n", v.name.c_str(), paint("SKIP", Tone::kSkip).c_str(), v.skip_reason.c_str());
      continue;
    }
    if (v.interrupted) {
      // The exit code says why (128 + the signal); a cut-short boot's ending and verdicts mean nothing.
      std::printf("  [%s] %s before it finished%s\n", v.name.c_str(), paint("INTERRUPTED", Tone::kSkip).c_str(),
                  v.trace_path.empty() ? "" : ("; partial trace " + v.trace_path).c_str());
      continue;
    }
    std::string shared = v.shared_from.empty() ? std::string()
                                               : " (boot shared with " + v.shared_from + " until " +
                                                     format_time(v.shared_until) + ")";
    // A PXE call the ROM model does not know ends what the run can say about the NBP: say so on the
    // summary line, so the user blames the emulator and not their configuration.
    auto unmodeled = [&](const std::string& machine) {
      const facts::MachineFacts* f = v.facts ? v.facts->find(machine) : nullptr;
      std::string note = f ? f->unmodeled_calls_note() : "";
      return note.empty() ? note : "; " + note;
    };
    // A run paced to the wall clock by external servers: say so, its timings are not reproducible.
    if (const scenario::Variant* sv = o.scenario.find_variant(v.name); sv && sv->network.external)
      shared += ", real-time (external server)";
    // A fleet prints like its report: machines whose ending or evidence reads alike on one line.
    const bool fleet = v.machines.size() > reports::kFleetMachines;
    std::vector<std::string> machine_names;
    if (fleet)
      for (const auto& m : v.machines) machine_names.push_back(m.name);
    bool digested = false;
    if (v.machines.size() <= 1) {
      std::string machine = v.machines.empty() ? std::string() : v.machines.front().name;
      std::printf("  [%s] ran %s virtual in %.2f s wall%s, ended: %s%s\n", v.name.c_str(), format_time(v.result.end_time).c_str(),
                  v.wall_seconds, shared.c_str(), stop_reason_name(v.result.reason), unmodeled(machine).c_str());
    } else {
      SimTime last{};
      for (const auto& m : v.machines) last = std::max(last, m.result.end_time);
      std::printf("  [%s] ran %zu machines, %s virtual in %.2f s wall%s\n", v.name.c_str(), v.machines.size(),
                  format_time(last).c_str(), v.wall_seconds, shared.c_str());
      auto ending = [&](const scenario::MachineRun& m) {
        return std::string(stop_reason_name(m.result.reason)) + " at " + format_time(m.result.end_time) +
               (m.result.detail.empty() ? "" : " (" + m.result.detail + ")") + unmodeled(m.name);
      };
      if (!fleet) {
        for (const auto& m : v.machines) std::printf("  [%s] %s ended: %s\n", v.name.c_str(), m.name.c_str(), ending(m).c_str());
      } else {
        // One line per way of ending ("98/100 machines (…): handoff at 31.8s…37.7s (…)"), as the report does.
        std::string endings;
        for (const auto& m : v.machines) endings += (endings.empty() ? "" : "; ") + m.name + ": " + ending(m);
        print_digest(v.name, "ended: ", reports::digest_evidence(endings, machine_names));
      }
    }
    // Real time: how closely virtual time kept to the wall clock (README "Real time: external servers").
    if (v.pacing)
      std::printf("  [%s] pacing: virtual time at most %.3f ms ahead of, %.3f ms behind the wall clock (%llu waits)\n",
                  v.name.c_str(), v.pacing->max_ahead.ns / 1e6, v.pacing->max_behind.ns / 1e6,
                  static_cast<unsigned long long>(v.pacing->waits));
    // The chainload loop is a finding whether or not an expectation asked about it.
    for (const auto& m : v.machines) {
      const facts::MachineFacts* f = v.facts ? v.facts->find(m.name) : nullptr;
      std::string loop = f ? f->chainload_loop_note() : "";
      if (!loop.empty()) std::printf("  [%s] %s\n", v.name.c_str(), loop.c_str());
    }
    if (!fleet) {
      for (const auto& verdict : v.verdicts)
        std::printf("  [%s] %s  %s — %s\n", v.name.c_str(), tag_of(verdict).c_str(), verdict.expectation.c_str(),
                    verdict.evidence.c_str());
    } else {
      for (const auto& g : reports::group_verdicts(v.verdicts, machine_names)) {
        std::string digest = reports::digest_evidence(g.evidence, g.machines.empty() ? machine_names : g.machines);
        digested |= digest != g.evidence;
        print_digest(v.name, tag_of(*g.first) + "  " + g.expectation + " — ", digest);
      }
    }
    if (digested)
      std::printf("  [%s] (evidence of machines that read alike is grouped; every machine's own is in junit.xml and report.json)\n",
                  v.name.c_str());
    if (v.trace_path.empty() && v.console_path.empty())
      std::printf("  [%s] the run left no result to read%s\n", v.name.c_str(),
                  v.pcap_path.empty() ? "" : ("; pcap up to where it stopped: " + v.pcap_path).c_str());
    else
      std::printf("  [%s] trace %s, console %s, pcap %s\n", v.name.c_str(), v.trace_path.c_str(),
                  v.console_path.c_str(), v.pcap_path.c_str());
  }
  std::fflush(stdout);
  return scenario::exit_code(o.variants);
}

std::string overrides_text(const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::string text;
  for (const auto& [path, value] : overrides) text += (text.empty() ? "" : ", ") + path + "=" + value;
  return text;
}

void print_overrides(const std::vector<std::pair<std::string, std::string>>& overrides,
                     const std::vector<scenario::SweepAxis>& axes) {
  if (!overrides.empty()) std::printf("  overrides: %s\n", overrides_text(overrides).c_str());
  for (const auto& a : axes) {
    std::string values;
    for (const auto& v : a.values) values += (values.empty() ? "" : ",") + v;
    std::printf("  overrides per cell: %s=%s\n", a.path.c_str(), values.c_str());
  }
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------------------------------
// Reports

namespace {

reports::ScenarioReport to_report(const ScenarioOutcome& o) {
  reports::ScenarioReport r;
  r.scenario = o.scenario.name;
  r.id = o.id;
  r.file = o.scenario.file;
  r.description = o.scenario.description;
  r.seed = o.scenario.seed;
  r.overrides = o.scenario.overrides;
  for (const auto& v : o.variants) {
    reports::VariantRun run;
    run.variant = v.name;
    run.description = !v.skip_reason.empty() ? v.description + " (skipped: " + v.skip_reason + ")"
                      : v.interrupted        ? v.description + " (interrupted before it finished)"
                                             : v.description;
    run.borrowed = &v.events;  // `o` outlives every report built from this
    run.facts = v.facts;
    run.verdicts = v.verdicts;
    run.exit_reason = !v.skip_reason.empty() ? "skipped" : v.interrupted ? "interrupted" : stop_reason_name(v.result.reason);
    auto rel = [&](const std::string& p) { return p.empty() ? p : fs::relative(p, o.out_dir).string(); };
    if (!v.trace_path.empty()) run.artifacts["trace"] = rel(v.trace_path);
    if (!v.console_path.empty()) run.artifacts["console log"] = rel(v.console_path);
    if (v.machines.size() > 1)
      for (const auto& m : v.machines)
        if (!m.console_path.empty()) run.artifacts["console log (" + m.name + ")"] = rel(m.console_path);
    if (!v.pcap_path.empty() && fs::exists(v.pcap_path)) run.artifacts["pcap"] = rel(v.pcap_path);
    if (const scenario::Variant* sv = o.scenario.find_variant(v.name)) {
      for (const auto& m : sv->machines) run.nic_profiles[m.name] = m.nic_profile;
      if (sv->network.external && v.skip_reason.empty()) run.clock = "real-time (external server)";
      if (v.pacing)
        run.pacing = reports::VariantRun::Pacing{v.pacing->max_ahead.ns / 1000, v.pacing->max_behind.ns / 1000, v.pacing->waits};
      if (sv->network.external && !v.pcap_path.empty()) {
        std::string log = scenario::servers_log_path(v.pcap_path);
        if (!log.empty() && fs::exists(log)) run.artifacts["servers log"] = rel(log);
      }
    }
    // A killed worker reports nothing, but its capture is on disk and ends on a whole record.
    if (const scenario::Variant* sv = o.scenario.find_variant(v.name); v.interrupted && v.pcap_path.empty() && sv) {
      scenario::RunOptions where;
      where.out_dir = o.out_dir;
      std::string pcap = scenario::artifact_base(*sv, where) + ".pcap";
      if (fs::exists(pcap)) run.artifacts["pcap"] = rel(pcap);
    }
    r.variants.push_back(std::move(run));
  }
  return r;
}

}  // namespace

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f) throw std::runtime_error("cannot write " + path);
}

std::string prepare_out_dir(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) throw InputError("--out " + dir + ": exists and is not a directory");
  fs::create_directories(dir, ec);
  if (ec) throw InputError("--out " + dir + ": cannot create the directory (" + ec.message() + ")");
  return dir;
}

void write_reports(const ScenarioOutcome& o, bool announce) {
  reports::ScenarioReport r = to_report(o);
  // One timeline per variant for all three reports: with a fleet's 300k events it is most of their cost.
  for (auto& v : r.variants) v.timeline = reports::timeline_of(v);
  fs::path dir(o.out_dir);
  // The renderers only read `r` (reports/README.md): report.json, as long to make as the HTML for a fleet,
  // is made on the other core meanwhile. Neither's bytes depend on which finishes first.
  std::future<std::string> json = run_beside([&r] { return reports::render_json(r); });
  write_text(dir / "report.html", reports::render_html(r));
  write_text(dir / "report.json", json.get());
  write_text(dir / "junit.xml", reports::render_junit(r));
  if (announce) std::printf("  report %s\n", (dir / "report.html").c_str());
}

void write_junit(const std::vector<ScenarioOutcome>& all, const std::string& path) {
  std::vector<reports::ScenarioReport> rs;
  for (const auto& o : all) rs.push_back(to_report(o));
  write_text(path, reports::render_junit(rs));
}

void write_index(const std::vector<ScenarioOutcome>& all, const std::string& dir) {
  std::vector<reports::IndexEntry> entries;
  for (const auto& o : all) {
    std::string href = fs::relative(fs::path(o.out_dir) / "report.html", dir).string();
    entries.push_back(reports::make_index_entry(to_report(o), href));
  }
  write_text(fs::path(dir) / "index.html", reports::render_index_html(entries));
}

}  // namespace bootsim::cli
