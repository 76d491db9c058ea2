#include "sim/scenario/runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <variant>

#include "sim/machine/console.h"
#include "sim/core/errors.h"
#include "sim/core/host_paths.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/proto/packet.h"
#include "sim/scenario/interrupt.h"
#include "sim/scenario/world_spec.h"

namespace bootsim::scenario {

namespace fs = std::filesystem;

namespace {

std::int64_t t_of(const TraceEvent& ev) { return ev["t_ns"].get<std::int64_t>(); }

std::optional<DhcpPacket> dhcp_of(const TraceEvent& ev) {
  if (!ev.contains("hex")) return std::nullopt;
  auto udp = parse_udp_frame(from_hex(ev["hex"].get<std::string>()));
  if (!udp || (udp->dst_port != 67 && udp->dst_port != 68 && udp->dst_port != 4011)) return std::nullopt;
  return DhcpPacket::decode(udp->payload.data(), udp->payload.size(), nullptr);
}

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

std::string default_staging_dir(const std::string& out_dir) {
  return (fs::path(out_dir) / (".staging-" + std::to_string(::getpid()))).string();
}

VariantResult execute_variant(const Scenario& s, const Variant& v, const RunOptions& opts) {
  fs::create_directories(opts.out_dir);
  std::string staging = opts.staging_dir.empty() ? default_staging_dir(opts.out_dir) : opts.staging_dir;
  BootRunSpec spec = world_spec(s, v, (fs::path(staging) / v.name).string());
  spec.network->pcap_path = artifact_base(v, opts) + ".pcap";
  spec.echo_console = opts.echo;
  // A signal caught in this process (the -j 1 / -v path) ends the boot at its next event.
  spec.watch = [](const TraceEvent&) { return interrupt::received() != 0; };
  auto t0 = std::chrono::steady_clock::now();  // only to report wall time; never fed to the simulation
  BootRunOutcome out = run_boot(spec);
  return record_variant(v, opts, out, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

VariantResult record_variant(const Variant& v, const RunOptions& opts, const BootRunOutcome& out, double wall_seconds) {
  VariantResult r;
  r.name = v.name;
  r.description = v.description;
  std::string base = artifact_base(v, opts);
  r.wall_seconds = wall_seconds;
  r.result = out.result;
  r.events = out.trace.events();
  r.console_raw = out.console_raw;
  r.console_text = out.console_text;
  r.pcap_path = base + ".pcap";
  r.trace_path = base + ".trace.jsonl";
  r.console_path = base + ".console.log";
  out.trace.write_file(r.trace_path);
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

void judge(const Variant& v, VariantResult& r) {
  r.verdicts.clear();
  for (const auto& e : v.expectations)
    if (!v.skip_reason.empty()) r.verdicts.push_back(Verdict{describe(e), "skip", v.skip_reason, e.where});
    else if (r.interrupted) r.verdicts.push_back(Verdict{describe(e), "skip", "interrupted before the run finished", e.where});
    else r.verdicts.push_back(check(e, r));
  Verdict run = run_verdict(v, r);
  if (v.expectations.empty() || run.status == "error") r.verdicts.push_back(std::move(run));
}

namespace {

bool fault_expected(const Variant& v, const std::string& machine) {
  for (const auto& e : v.expectations) {
    const auto* x = std::get_if<ExpectExit>(&e.body);
    if (x && x->reason == StopReason::kGuestFault && (e.machine.empty() || e.machine == machine)) return true;
  }
  return false;
}

/// The kind the trace gives `machine`'s fault; a worker that died left no trace to ask.
std::string fault_kind(const VariantResult& r, const std::string& machine, const RunResult& result) {
  for (const auto& ev : r.events)
    if (ev["kind"] == "fault" && (machine.empty() || ev.value("machine", std::string()) == machine))
      return ev.value("fault", std::string("guest_fault"));
  return result.reason == StopReason::kInternalError ? "internal_error" : "guest_fault";
}

}  // namespace

Verdict run_verdict(const Variant& v, const VariantResult& r) {
  Verdict out{kRunsWithoutFault, "pass", "", {}};
  if (!v.skip_reason.empty() || r.interrupted) {
    out.status = "skip";
    out.evidence = r.interrupted ? "interrupted before the run finished" : v.skip_reason;
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
      std::string kind = fault_kind(r, m.name, res);
      if (out.status != "error" || internal) out.fault = internal ? "internal_error" : kind;
      out.status = "error";
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

Verdict check_console(const ExpectConsole& c, const VariantResult& v) {
  // Rebuild the console from its events so every match has a time.
  std::int64_t found_at = -1;
  std::string where_text;
  auto in_window = [&](std::int64_t t) {
    return (!c.before || t < c.before->ns) && (!c.after || t >= c.after->ns);
  };
  if (c.raw) {
    std::string raw;
    for (const auto& ev : v.events) {
      if (ev["kind"] != "console") continue;
      raw += ev["text"].get<std::string>();
      if (in_window(t_of(ev)) && raw.find(c.text) != std::string::npos) {
        found_at = t_of(ev);
        break;
      }
    }
  } else {
    Console console;
    for (const auto& ev : v.events) {
      if (ev["kind"] != "console") continue;
      for (char ch : ev["text"].get<std::string>()) console.put(static_cast<std::uint8_t>(ch), SimTime::from_ns(t_of(ev)));
    }
    for (const auto& line : console.lines())
      if (line.text.find(c.text) != std::string::npos && in_window(line.t.ns)) {
        found_at = line.t.ns;
        where_text = line.text;
        break;
      }
    if (found_at < 0 && console.current_line().find(c.text) != std::string::npos) {
      found_at = v.result.end_time.ns;
      where_text = console.current_line();
    }
  }
  bool ok = (found_at >= 0) == c.present;
  std::string ev = found_at >= 0 ? "seen at " + format_time(SimTime::from_ns(found_at)) +
                                       (where_text.empty() ? "" : ": " + quote(where_text))
                                 : "not on the console" + std::string(c.before || c.after ? " in that window" : "");
  return {"", ok ? "pass" : "fail", ev, {}};
}

/// iPXE's own DHCP in a trace: after the NBP started, its requests carry option 77 "iPXE" (the ROM's do
/// not); its lease is the first ACK for one of those transactions. Only frames this machine sent count
/// (frame_tx, or frame_drop on the way out): with several machines on the wire, the others' broadcast
/// DISCOVERs reach this NIC too, and are dropped here while its link is down. An ACK must also be for
/// the hardware address the request came from.
struct IpxeDhcp {
  std::int64_t first_request = -1;  ///< first DISCOVER/REQUEST, sent or dropped
  std::int64_t lease_at = -1;
  int discovers = 0;
};

IpxeDhcp ipxe_dhcp_of(const std::vector<TraceEvent>& events) {
  IpxeDhcp r;
  bool started = false;
  std::set<std::pair<std::uint32_t, std::array<std::uint8_t, 16>>> requests;  // (xid, chaddr)
  for (const auto& ev : events) {
    if (ev["kind"] == "phase" && ev["phase"] == "nbp_start") started = true;
    if (!started) continue;
    if (ev["kind"] == "frame_tx" || (ev["kind"] == "frame_drop" && ev.value("dir", std::string("tx")) == "tx")) {
      auto p = dhcp_of(ev);
      if (p && p->op == 1 && p->option_string(77) == "iPXE") {
        requests.insert({p->xid, p->chaddr});
        if (r.first_request < 0) r.first_request = t_of(ev);
        if (p->message_type() == DHCPDISCOVER) ++r.discovers;
      }
    } else if (ev["kind"] == "frame_rx" && r.lease_at < 0) {
      auto p = dhcp_of(ev);
      if (p && p->op == 2 && p->message_type() == DHCPACK && requests.count({p->xid, p->chaddr})) r.lease_at = t_of(ev);
    }
  }
  return r;
}

Verdict check_dhcp(const ExpectDhcp& d, const VariantResult& v) {
  std::int64_t lease_at = -1;
  int discovers = 0;
  if (d.phase == DhcpPhase::kRom) {
    for (const auto& ev : v.events)
      if (ev["kind"] == "phase" && ev["phase"] == "rom_dhcp_done") lease_at = t_of(ev);
  } else {
    IpxeDhcp i = ipxe_dhcp_of(v.events);
    lease_at = i.lease_at;
    discovers = i.discovers;
  }
  bool ok = (lease_at >= 0) == d.lease;
  std::string ev = lease_at >= 0 ? "DHCPACK accepted at " + format_time(SimTime::from_ns(lease_at))
                                 : "no lease" + (d.phase == DhcpPhase::kIpxe
                                                      ? " (" + std::to_string(discovers) + " iPXE DISCOVERs sent)"
                                                      : std::string());
  return {"", ok ? "pass" : "fail", ev, {}};
}

Verdict check_handoff(const ExpectHandoff& h, const VariantResult& v) {
  const TraceEvent* handoff = nullptr;
  for (const auto& ev : v.events)
    if (ev["kind"] == "handoff") handoff = &ev;
  if (h.kind == ExpectHandoff::Kind::kNone)
    return {"", handoff ? "fail" : "pass",
            handoff ? "handoff at " + format_time(SimTime::from_ns(t_of(*handoff))) : "no handoff; run ended: " +
                                                                                         std::string(stop_reason_name(v.result.reason)),
            {}};
  if (!handoff) return {"", "fail", std::string("no handoff; run ended: ") + stop_reason_name(v.result.reason) +
                                        (v.result.detail.empty() ? "" : " (" + v.result.detail + ")"), {}};
  std::string cmdline = handoff->value("cmdline", std::string());
  std::string ev = handoff->value("protocol", std::string("?")) + " handoff at " +
                   format_time(SimTime::from_ns(t_of(*handoff))) + ", cmdline " + quote(cmdline);
  if (h.kind == ExpectHandoff::Kind::kKernel) {
    // iPXE passes the image name as the first word of a Multiboot command line; otherwise accept the
    // kernel having been fetched by that name.
    std::string first = cmdline.substr(0, cmdline.find(' '));
    bool named = first == h.kernel || (first.size() > h.kernel.size() &&
                                       first.compare(first.size() - h.kernel.size() - 1, std::string::npos, "/" + h.kernel) == 0);
    for (const auto& e : v.events)
      if ((e["kind"] == "http" || e["kind"] == "tftp") && e.value("path", e.value("file", std::string())).find(h.kernel) != std::string::npos)
        named = true;
    if (!named) return {"", "fail", ev + ": not " + quote(h.kernel), {}};
  }
  if (!h.cmdline_contains.empty() && cmdline.find(h.cmdline_contains) == std::string::npos)
    return {"", "fail", ev, {}};
  return {"", "pass", ev, {}};
}

Verdict check_drops(const ExpectDroppedFrames& d, const VariantResult& v) {
  std::uint64_t n = 0;
  for (const auto& ev : v.events)
    if (ev["kind"] == "frame_drop" && ev.value("reason", std::string()) == "link_down") ++n;
  bool ok = n >= d.min && (!d.max || n <= *d.max);
  return {"", ok ? "pass" : "fail", std::to_string(n) + " frames dropped while the link was down", {}};
}

Verdict check_phase(const ExpectPhaseDuration& p, const VariantResult& v) {
  std::int64_t start = -1, end = -1;
  auto phase_at = [&](const char* name) {
    for (const auto& ev : v.events)
      if (ev["kind"] == "phase" && ev["phase"] == name) return t_of(ev);
    return std::int64_t{-1};
  };
  switch (p.phase) {
    case Phase::kRomDhcp: start = phase_at("rom_dhcp"); end = phase_at("rom_dhcp_done"); break;
    case Phase::kNbpDownload: start = phase_at("nbp_download"); end = phase_at("nbp_downloaded"); break;
    case Phase::kIpxeInit: {
      start = phase_at("nbp_start");
      std::string raw;
      for (const auto& ev : v.events)
        if (ev["kind"] == "console" && start >= 0 && t_of(ev) >= start) {
          raw += ev["text"].get<std::string>();
          if (raw.find("initialising devices...ok") != std::string::npos) {
            end = t_of(ev);
            break;
          }
        }
      break;
    }
    case Phase::kIpxeDhcp: {
      // From iPXE's first DISCOVER to the ACK it accepted.
      IpxeDhcp i = ipxe_dhcp_of(v.events);
      start = i.first_request;
      end = i.lease_at;
      break;
    }
    case Phase::kLinkDown: {
      for (const auto& ev : v.events) {
        if (ev["kind"] != "link") continue;
        if (ev["state"] == "down" && start < 0) start = t_of(ev);
        if (ev["state"] == "up" && start >= 0) end = t_of(ev);
      }
      break;
    }
    case Phase::kScriptDownload:
    case Phase::kKernelDownload: {
      int wanted = p.phase == Phase::kScriptDownload ? 0 : 1;
      int i = 0;
      for (const auto& ev : v.events)
        if (ev["kind"] == "http" && i++ == wanted) {
          start = ev.value("start_ns", t_of(ev));
          end = ev.value("end_ns", t_of(ev));
        }
      break;
    }
  }
  if (start < 0 || end < 0) return {"", "fail", std::string("phase ") + to_string(p.phase) + " did not complete", {}};
  SimTime d = SimTime::from_ns(end - start);
  bool ok = (!p.min || d >= *p.min) && (!p.max || d <= *p.max);
  return {"", ok ? "pass" : "fail",
          std::string(to_string(p.phase)) + " took " + format_time(d) + " (" + format_time(SimTime::from_ns(start)) +
              " to " + format_time(SimTime::from_ns(end)) + ")",
          {}};
}

}  // namespace

VariantResult machine_view(const VariantResult& v, const std::string& machine) {
  auto it = std::find_if(v.machines.begin(), v.machines.end(), [&](const MachineRun& m) { return m.name == machine; });
  if (it == v.machines.end()) throw std::out_of_range("variant " + v.name + " has no machine " + machine);
  std::vector<std::string> names;
  for (const auto& m : v.machines) names.push_back(m.name);
  VariantResult view;
  view.name = v.name;
  view.description = v.description;
  view.result = it->result;
  view.machines = {*it};
  view.console_raw = it->console_raw;
  view.console_text = it->console_text;
  view.console_path = it->console_path;
  view.trace_path = v.trace_path;
  view.pcap_path = v.pcap_path;
  view.events = Trace::machine_share(v.events, machine, names);
  return view;
}

namespace {

Verdict check_one(const Expectation& e, const VariantResult& v) {
  Verdict r = std::visit(
      [&](const auto& body) -> Verdict {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, ExpectConsole>) return check_console(body, v);
        else if constexpr (std::is_same_v<T, ExpectDhcp>) return check_dhcp(body, v);
        else if constexpr (std::is_same_v<T, ExpectHandoff>) return check_handoff(body, v);
        else if constexpr (std::is_same_v<T, ExpectDroppedFrames>) return check_drops(body, v);
        else if constexpr (std::is_same_v<T, ExpectPhaseDuration>) return check_phase(body, v);
        else {
          bool ok = v.result.reason == body.reason;
          return {"", ok ? "pass" : "fail",
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

Verdict check(const Expectation& e, const VariantResult& v) {
  if (v.machines.size() <= 1) return check_one(e, v);
  Verdict all{describe(e), "pass", "", e.where};
  for (const auto& m : v.machines) {
    if (!e.machine.empty() && e.machine != m.name) continue;
    Verdict one = check_one(e, machine_view(v, m.name));
    if (one.status != "pass") all.status = one.status;
    all.evidence += (all.evidence.empty() ? "" : "; ") + m.name + ": " + one.evidence;
  }
  if (all.evidence.empty()) {  // the loader rejects unknown names; a hand-built result may not
    all.status = "fail";
    all.evidence = "no machine named " + quote(e.machine);
  }
  return all;
}

}  // namespace bootsim::scenario
