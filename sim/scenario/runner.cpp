#include "sim/scenario/runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_map>
#include <stdexcept>
#include <string_view>
#include <variant>

#include "sim/machine/console.h"
#include "sim/core/errors.h"
#include "sim/core/host_paths.h"
#include "sim/core/trace.h"
#include "sim/scenario/interrupt.h"
#include "sim/scenario/world_spec.h"

namespace bootsim::scenario {

namespace fs = std::filesystem;

namespace {

std::int64_t t_of(const TraceEvent& ev) { return ev["t_ns"].get<std::int64_t>(); }

std::string quote(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

void check_output_paths(const Variant& v, const RunOptions& opts) {
  std::error_code ec;
  fs::create_directories(opts.out_dir, ec);
  if (ec) throw InputError("output folder " + opts.out_dir + ": cannot create it (" + ec.message() + ")");
  std::vector<std::string> names{v.name + ".trace.jsonl", v.name + ".console.log", v.name + ".pcap",
                                 "report.html", "report.json", "junit.xml"};
  if (v.machines.size() > 1)
    for (const auto& m : v.machines) names.push_back(v.name + "." + m.name + ".console.log");
  for (const auto& n : names) contained_path(opts.out_dir, n, "output file");
}

std::string artifact_base(const Variant& v, const RunOptions& opts) {
  return fs::absolute(fs::path(opts.out_dir) / v.name).string();
}

std::string servers_log_path(const std::string& pcap_path) {
  constexpr std::string_view kPcap = ".pcap";
  if (pcap_path.size() <= kPcap.size() || pcap_path.compare(pcap_path.size() - kPcap.size(), kPcap.size(), kPcap) != 0)
    return {};
  return pcap_path.substr(0, pcap_path.size() - kPcap.size()) + ".servers.log";
}

std::string default_staging_dir(const std::string& out_dir) {
  return (fs::path(out_dir) / (".staging-" + std::to_string(::getpid()))).string();
}

void stop_at_signal(BootRunSpec& spec, std::function<void(const TraceEvent&)> on_event) {
  spec.watch = [on_event = std::move(on_event)](const TraceEvent& ev) {
    if (on_event) on_event(ev);
    return interrupt::received() != 0;
  };
  spec.watch_stop_detail = interrupt::kStopDetail;
}

VariantResult execute_variant(const Scenario& s, const Variant& v, const RunOptions& opts) {
  fs::create_directories(opts.out_dir);
  std::string staging = opts.staging_dir.empty() ? default_staging_dir(opts.out_dir) : opts.staging_dir;
  BootRunSpec spec = world_spec(s, v, (fs::path(staging) / v.name).string());
  spec.network->pcap_path = artifact_base(v, opts) + ".pcap";
  if (spec.network->external) spec.network->external->log_path = artifact_base(v, opts) + ".servers.log";
  spec.echo_console = opts.echo;
  // A signal caught in this process (the -j 1 / -v path, or a worker the parent stops) ends the boot at
  // its next event; what it did until then is still written.
  stop_at_signal(spec, opts.on_event);
  auto t0 = std::chrono::steady_clock::now();  // only to report wall time; never fed to the simulation
  BootRunOutcome out = run_boot(spec);
  const bool cut_short = interrupt::received() != 0;
  VariantResult r =
      record_variant(v, opts, std::move(out), std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  r.interrupted = cut_short;
  return r;
}

VariantResult record_variant(const Variant& v, const RunOptions& opts, BootRunOutcome out, double wall_seconds) {
  VariantResult r;
  r.name = v.name;
  r.description = v.description;
  std::string base = artifact_base(v, opts);
  r.wall_seconds = wall_seconds;
  r.pacing = out.pacing;
  r.result = out.result;
  r.console_raw = out.console_raw;
  r.console_text = out.console_text;
  r.pcap_path = base + ".pcap";
  r.trace_path = base + ".trace.jsonl";
  r.console_path = base + ".console.log";
  out.trace.write_file(r.trace_path);
  r.events = out.trace.take_events();
  std::ofstream(r.console_path, std::ios::binary) << out.console_raw;
  for (const auto& m : out.machines) {
    MachineRun run{m.name, m.result, m.console_raw, m.console_text, r.console_path};
    if (out.machines.size() > 1) {
      run.console_path = base + "." + m.name + ".console.log";
      std::ofstream(run.console_path, std::ios::binary) << m.console_raw;
    }
    r.machines.push_back(std::move(run));
  }
  return r;
}

int exit_code(const std::vector<VariantResult>& results) {
  int rc = kExitOk;
  for (const auto& r : results)
    for (const auto& v : r.verdicts) rc = exit_code(rc, v);
  return rc;
}

bool left_nothing_to_judge(const VariantResult& r) {
  return r.skip_reason.empty() && !r.interrupted && r.machines.empty() && r.result.reason == StopReason::kInternalError;
}

namespace {

/// Why neither `v`'s expectations nor its run are judged: the variant was skipped, or its run was
/// interrupted. Empty when they are.
std::string skip_reason_of(const Variant& v, const VariantResult& r) {
  if (!v.skip_reason.empty()) return v.skip_reason;
  if (r.interrupted) return "interrupted before the run finished";
  return "";
}

}  // namespace

void judge(const Variant& v, VariantResult& r) {
  r.verdicts.clear();
  r.facts = std::make_shared<const facts::TraceFacts>(facts::derive_facts(r.events));  // once per run
  const facts::TraceFacts facts = facts_of(r);  // every expectation reads these
  // A run that left nothing is not judged either, but its run verdict is the internal error.
  std::string skip = skip_reason_of(v, r);
  if (skip.empty() && left_nothing_to_judge(r)) skip = "not judged: the run left no result (bootsim internal error)";
  for (const auto& e : v.expectations)
    r.verdicts.push_back(skip.empty() ? check(e, r, facts) : Verdict{describe(e), VerdictStatus::kSkip, skip, e.where});
  Verdict run = run_verdict(v, r, facts);
  if (v.expectations.empty() || run.status == VerdictStatus::kError) r.verdicts.push_back(std::move(run));
}

namespace {

bool fault_expected(const Variant& v, const std::string& machine) {
  for (const auto& e : v.expectations) {
    const auto* x = std::get_if<ExpectExit>(&e.body);
    if (x && x->reason == StopReason::kGuestFault && (e.machine.empty() || e.machine == machine)) return true;
  }
  return false;
}

/// The kind the trace gives `machine`'s fault (any machine's when it has no name); a worker that died
/// left no trace to ask.
std::string fault_kind(const facts::TraceFacts& f, const std::string& machine, const RunResult& result) {
  for (const auto& m : f.sources)
    if ((machine.empty() || m.name == machine) && !m.faults.empty()) return m.faults.front().kind;
  return result.reason == StopReason::kInternalError ? "internal_error" : "guest_fault";
}

}  // namespace

Verdict run_verdict(const Variant& v, const VariantResult& r) { return run_verdict(v, r, facts_of(r)); }

Verdict run_verdict(const Variant& v, const VariantResult& r, const facts::TraceFacts& f) {
  Verdict out{kRunsWithoutFault, VerdictStatus::kPass, "", {}};
  out.about_run = true;
  if (std::string skip = skip_reason_of(v, r); !skip.empty()) {
    out.status = VerdictStatus::kSkip;
    out.evidence = std::move(skip);
    return out;
  }
  std::vector<MachineRun> machines = r.machines;
  if (machines.empty()) machines.push_back({"", r.result, "", "", ""});  // a worker that died
  for (const auto& m : machines) {
    std::string who = machines.size() > 1 ? m.name + ": " : "";
    const RunResult& res = m.result;
    bool internal = res.reason == StopReason::kInternalError;
    std::string said;
    if (internal || (res.reason == StopReason::kGuestFault && !fault_expected(v, m.name))) {
      std::string kind = fault_kind(f, m.name, res);
      if (out.status != VerdictStatus::kError || internal) out.fault = internal ? "internal_error" : kind;
      out.status = VerdictStatus::kError;
      said = (internal ? "bootsim internal error: " : "") + res.detail + " at " + format_time(res.end_time);
    } else {
      said = std::string("run ended: ") + stop_reason_name(res.reason);
    }
    out.evidence += (out.evidence.empty() ? "" : "; ") + who + said;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Expectations, each decided from the trace.

namespace {

Verdict check_console(const ExpectConsole& c, const facts::MachineFacts& f) {
  // Judged at the time the matched text's last character was written (each byte keeps its own time).
  auto bound = [](const std::optional<SimTime>& t) { return t ? std::optional<std::int64_t>(t->ns) : std::nullopt; };
  auto m = f.find_console(c.text, c.raw, bound(c.after), bound(c.before));
  bool ok = m.has_value() == c.present;
  std::string ev = m ? "seen at " + format_time(SimTime::from_ns(m->t_ns)) + (m->line.empty() ? "" : ": " + quote(m->line))
                     : "not on the console" + std::string(c.before || c.after ? " in that window" : "");
  return {"", pass_if(ok), ev, {}};
}

Verdict check_dhcp(const ExpectDhcp& d, const facts::MachineFacts& f) {
  std::int64_t lease_at = -1;
  int discovers = 0;
  if (d.phase == DhcpPhase::kRom) {
    for (const auto& p : f.phases)
      if (p.name == "rom_dhcp_done") lease_at = p.t_ns;
  } else {
    lease_at = f.ipxe_dhcp.lease_ns;
    discovers = f.ipxe_dhcp.discovers;
  }
  bool ok = (lease_at >= 0) == d.lease;
  std::string ev = lease_at >= 0 ? "DHCPACK accepted at " + format_time(SimTime::from_ns(lease_at))
                                 : "no lease" + (d.phase == DhcpPhase::kIpxe
                                                      ? " (" + std::to_string(discovers) + " iPXE DISCOVERs sent)"
                                                      : std::string());
  if (d.uuid) {
    // Every request of the phase carried option 97 with this UUID.
    const std::vector<std::string>& sent = d.phase == DhcpPhase::kRom ? f.rom_dhcp_uuids : f.ipxe_dhcp.uuids;
    std::string want = format_uuid(*d.uuid);
    ok = ok && sent.size() == 1 && sent[0] == want;
    std::string seen;
    for (const auto& u : sent) seen += (seen.empty() ? "" : ", ") + (u.empty() ? std::string("none") : u);
    ev += "; option 97: " + (sent.empty() ? std::string("no requests sent") : seen);
  }
  return {"", pass_if(ok), ev, {}};
}

Verdict check_handoff(const ExpectHandoff& h, const VariantResult& v, const facts::MachineFacts& f) {
  const std::optional<facts::Handoff>& handoff = f.handoff;
  if (h.kind == ExpectHandoff::Kind::kNone)
    return {"", pass_if(!handoff),
            handoff ? "handoff at " + format_time(SimTime::from_ns(handoff->t_ns)) : "no handoff; run ended: " +
                                                                                         std::string(stop_reason_name(v.result.reason)),
            {}};
  if (!handoff) return {"", VerdictStatus::kFail, std::string("no handoff; run ended: ") + stop_reason_name(v.result.reason) +
                                        (v.result.detail.empty() ? "" : " (" + v.result.detail + ")"), {}};
  const std::string& cmdline = handoff->cmdline;
  std::string ev = (handoff->protocol.empty() ? std::string("?") : handoff->protocol) + " handoff at " +
                   format_time(SimTime::from_ns(handoff->t_ns)) + ", cmdline " + quote(cmdline);
  if (h.kind == ExpectHandoff::Kind::kKernel) {
    // iPXE passes the image name as the first word of a Multiboot command line; otherwise accept the
    // kernel having been fetched by that name.
    std::string first = cmdline.substr(0, cmdline.find(' '));
    bool named = first == h.kernel || (first.size() > h.kernel.size() &&
                                       first.compare(first.size() - h.kernel.size() - 1, std::string::npos, "/" + h.kernel) == 0);
    // Reads the events (transfers only: a fleet machine's view holds no others); reads_events() must say
    // so, or a fleet's machines are judged on an empty list.
    for (size_t i = 0; i < v.events.size() && !named; ++i)
      if (const auto& e = v.events[i]; (e["kind"] == "http" || e["kind"] == "tftp") && e.value("path", e.value("file", std::string())).find(h.kernel) != std::string::npos)
        named = true;
    if (!named) return {"", VerdictStatus::kFail, ev + ": not " + quote(h.kernel), {}};
  }
  if (!h.cmdline_contains.empty() && cmdline.find(h.cmdline_contains) == std::string::npos)
    return {"", VerdictStatus::kFail, ev, {}};
  return {"", VerdictStatus::kPass, ev, {}};
}

Verdict check_drops(const ExpectDroppedFrames& d, const facts::MachineFacts& f) {
  std::uint64_t n = f.link_down_drops;
  bool ok = n >= d.min && (!d.max || n <= *d.max);
  return {"", pass_if(ok), std::to_string(n) + " frames dropped while the link was down", {}};
}

std::string times_list(const std::vector<std::int64_t>& at_ns) {
  std::string s;
  for (size_t i = 0; i < at_ns.size(); ++i) s += (i ? ", " : "") + format_time(SimTime::from_ns(at_ns[i]));
  return s;
}

Verdict check_loop(const ExpectChainloadLoop& l, const facts::MachineFacts& f) {
  auto loop = f.repeated_download(static_cast<int>(l.min));
  if (!loop) {
    auto most = f.repeated_download(1);
    return {"", VerdictStatus::kFail,
            most ? "no chainload loop: " + most->file + " downloaded " + std::to_string(most->at_ns.size()) +
                       " time(s), the most of any file"
                 : "no chainload loop: no file downloaded by TFTP",
            {}};
  }
  return {"", VerdictStatus::kPass,
          "chainload loop: " + loop->file + " downloaded " + std::to_string(loop->at_ns.size()) + " times, at " +
              times_list(loop->at_ns),
          {}};
}

Verdict check_downloads(const ExpectNbpDownloads& d, const facts::MachineFacts& f) {
  std::vector<std::int64_t> at = f.downloads_of(d.file);
  std::uint64_t n = at.size();
  bool ok = n >= d.min && (!d.max || n <= *d.max);
  return {"", pass_if(ok),
          d.file + " downloaded " + std::to_string(n) + " time(s)" + (at.empty() ? "" : ", at " + times_list(at)), {}};
}

Verdict check_phase(const ExpectPhaseDuration& p, const VariantResult& v, const facts::MachineFacts& f) {
  std::int64_t start = -1, end = -1;
  switch (p.phase) {
    case Phase::kRomDhcp: start = f.phase_at("rom_dhcp"); end = f.phase_at("rom_dhcp_done"); break;
    case Phase::kNbpDownload: start = f.phase_at("nbp_download"); end = f.phase_at("nbp_downloaded"); break;
    case Phase::kIpxeInit: {
      // From the NBP's start to iPXE's "initialising devices...ok" (the console stage sim/facts reads).
      start = f.phase_at("nbp_start");
      for (const auto& s : f.stages)
        if (start >= 0 && s.name == "ipxe_init" && s.start_ns >= start) {
          if (s.outcome == "ok") end = s.end_ns;
          break;
        }
      break;
    }
    case Phase::kIpxeDhcp:
      // From iPXE's first DISCOVER to the ACK it accepted.
      start = f.ipxe_dhcp.first_request_ns;
      end = f.ipxe_dhcp.lease_ns;
      break;
    case Phase::kLinkDown:
      for (const auto& l : f.links) {
        if (l.state == "down" && start < 0) start = l.t_ns;
        if (l.state == "up" && start >= 0) end = l.t_ns;
      }
      break;
    case Phase::kScriptDownload:
    case Phase::kKernelDownload: {
      int wanted = p.phase == Phase::kScriptDownload ? 0 : 1;
      int i = 0;
      // Reads the events (transfers only: a fleet machine's view holds no others); reads_events() must say
      // so, or a fleet's machines are judged on an empty list.
      for (const auto& ev : v.events)
        if (ev["kind"] == "http" && i++ == wanted) {
          start = ev.value("start_ns", t_of(ev));
          end = ev.value("end_ns", t_of(ev));
        }
      break;
    }
  }
  if (start < 0 || end < 0) return {"", VerdictStatus::kFail, std::string("phase ") + to_string(p.phase) + " did not complete", {}};
  SimTime d = SimTime::from_ns(end - start);
  bool ok = (!p.min || d >= *p.min) && (!p.max || d <= *p.max);
  return {"", pass_if(ok),
          std::string(to_string(p.phase)) + " took " + format_time(d) + " (" + format_time(SimTime::from_ns(start)) +
              " to " + format_time(SimTime::from_ns(end)) + ")",
          {}};
}

/// Which of v's machines each event is from: its index in v.machines, or -1 for another source (dhcpd,
/// httpd, …). Found once per expectation: a fleet's trace has ~300k events and ~100 machines.
std::vector<int> event_machines(const VariantResult& v) {
  std::unordered_map<std::string, int> index;
  for (size_t i = 0; i < v.machines.size(); ++i) index.emplace(v.machines[i].name, static_cast<int>(i));
  std::vector<int> out;
  out.reserve(v.events.size());
  for (const auto& ev : v.events) {
    const std::string* machine = string_field(ev, "machine");
    auto found = machine ? index.find(*machine) : index.end();
    out.push_back(found == index.end() ? -1 : found->second);
  }
  return out;
}

/// A TFTP or HTTP transfer event: the events a machine's view keeps.
bool is_transfer(const TraceEvent& ev) {
  const std::string* kind = string_field(ev, "kind");
  return kind && (*kind == "tftp" || *kind == "http");
}

/// machine_view() for v.machines[index]. `sources`: event_machines(v), or null for a view without events
/// (for the expectations that read only the machine's facts and result). `transfers_only`: of those events,
/// only the TFTP and HTTP transfers.
VariantResult view_of(const VariantResult& v, size_t index, const std::vector<int>* sources, bool transfers_only) {
  const MachineRun& m = v.machines[index];
  VariantResult view;
  view.name = v.name;
  view.description = v.description;
  view.result = m.result;
  view.machines = {m};
  view.console_raw = m.console_raw;
  view.console_text = m.console_text;
  view.console_path = m.console_path;
  view.trace_path = v.trace_path;
  view.pcap_path = v.pcap_path;
  if (sources)
    for (size_t i = 0; i < v.events.size(); ++i)
      if (((*sources)[i] < 0 || (*sources)[i] == static_cast<int>(index)) && (!transfers_only || is_transfer(v.events[i])))
        view.events.push_back(v.events[i]);
  return view;
}

/// Whether checking `e` reads the trace's events rather than only the machine's facts and result: a
/// fleet's machine views get their events only then (check_handoff and check_phase mark where they read).
bool reads_events(const Expectation& e) {
  if (const auto* h = std::get_if<ExpectHandoff>(&e.body)) return h->kind == ExpectHandoff::Kind::kKernel;
  if (const auto* p = std::get_if<ExpectPhaseDuration>(&e.body))
    return p->phase == Phase::kScriptDownload || p->phase == Phase::kKernelDownload;
  return false;
}

}  // namespace

VariantResult machine_view(const VariantResult& v, const std::string& machine) {
  auto it = std::find_if(v.machines.begin(), v.machines.end(), [&](const MachineRun& m) { return m.name == machine; });
  if (it == v.machines.end()) throw std::out_of_range("variant " + v.name + " has no machine " + machine);
  std::vector<int> sources = event_machines(v);
  return view_of(v, static_cast<size_t>(it - v.machines.begin()), &sources, false);
}

namespace {

Verdict check_one(const Expectation& e, const VariantResult& v, const facts::MachineFacts& f) {
  Verdict r = std::visit(
      [&](const auto& body) -> Verdict {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, ExpectConsole>) return check_console(body, f);
        else if constexpr (std::is_same_v<T, ExpectDhcp>) return check_dhcp(body, f);
        else if constexpr (std::is_same_v<T, ExpectHandoff>) return check_handoff(body, v, f);
        else if constexpr (std::is_same_v<T, ExpectDroppedFrames>) return check_drops(body, f);
        else if constexpr (std::is_same_v<T, ExpectPhaseDuration>) return check_phase(body, v, f);
        else if constexpr (std::is_same_v<T, ExpectChainloadLoop>) return check_loop(body, f);
        else if constexpr (std::is_same_v<T, ExpectNbpDownloads>) return check_downloads(body, f);
        else {
          bool ok = v.result.reason == body.reason;
          return {"", pass_if(ok),
                  std::string("run ended: ") + stop_reason_name(v.result.reason) +
                      (v.result.detail.empty() ? "" : " (" + v.result.detail + ")"),
                  {}};
        }
      },
      e.body);
  r.expectation = describe(e);
  r.where = e.where;
  return r;
}

}  // namespace

Verdict check(const Expectation& e, const VariantResult& v) { return check(e, v, facts_of(v)); }

Verdict check(const Expectation& e, const VariantResult& v, const facts::TraceFacts& f) {
  static const facts::MachineFacts kNoEvents;  // a machine that left no event (a worker that died)
  auto facts_for = [&](const std::string& machine) {
    const facts::MachineFacts* m = f.find(machine);
    return m ? m : &kNoEvents;
  };
  if (v.machines.size() <= 1) return check_one(e, v, f.sources.empty() ? kNoEvents : f.sources.front());
  Verdict all{describe(e), VerdictStatus::kPass, "", e.where};
  const bool with_events = reads_events(e);
  const std::vector<int> sources = with_events ? event_machines(v) : std::vector<int>{};
  for (size_t i = 0; i < v.machines.size(); ++i) {
    const MachineRun& m = v.machines[i];
    if (!e.machine.empty() && e.machine != m.name) continue;
    // The transfers are all a check reads from a view's events (check_handoff, check_phase); copying every
    // frame into every machine's view was a tenth of judging a fleet.
    Verdict one = check_one(e, view_of(v, i, with_events ? &sources : nullptr, true), *facts_for(m.name));
    if (one.status != VerdictStatus::kPass) all.status = one.status;
    all.evidence += (all.evidence.empty() ? "" : "; ") + m.name + ": " + one.evidence;
  }
  if (all.evidence.empty()) {  // the loader rejects unknown names; a hand-built result may not
    all.status = VerdictStatus::kFail;
    all.evidence = "no machine named " + quote(e.machine);
  }
  return all;
}

facts::TraceFacts facts_of(const VariantResult& v) {
  if (v.machines.size() > 1) return v.facts ? *v.facts : facts::derive_facts(v.events);
  // One machine: every event of the trace is judged as its (what it and the servers did).
  facts::TraceFacts f;
  f.sources.push_back(facts::merged_facts(v.events, v.machines.empty() ? std::string() : v.machines.front().name));
  return f;
}

}  // namespace bootsim::scenario
