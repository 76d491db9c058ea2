#include "sim/core/trace_log.h"

namespace bootsim::log {

namespace {

std::string str(const TraceEvent& ev, const char* key) {
  auto it = ev.find(key);
  if (it == ev.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

/// The event's own fields (not time, machine, kind, nor bulky hex) as "k=v k=v", for lines that show them all.
std::string fields(const TraceEvent& ev) {
  std::string s;
  for (auto it = ev.begin(); it != ev.end(); ++it) {
    const std::string& k = it.key();
    if (k == "t_ns" || k == "machine" || k == "kind" || k == "hex") continue;
    s += (s.empty() ? "" : " ") + k + "=" + (it->is_string() ? it->get<std::string>() : it->dump());
  }
  return s;
}

std::string with_fields(const std::string& head, const TraceEvent& ev) {
  std::string f = fields(ev);
  return f.empty() ? head : head + " " + f;
}

}  // namespace

std::optional<std::pair<Level, std::string>> describe_event(const TraceEvent& ev) {
  const std::string kind = str(ev, "kind");
  auto line = [](Level l, std::string text) { return std::make_optional(std::make_pair(l, std::move(text))); };
  if (kind == "console") return std::nullopt;
  if (kind == "phase") {
    TraceEvent rest = ev;
    rest.erase("phase");
    return line(Level::kInfo, with_fields("phase " + str(ev, "phase"), rest));
  }
  if (kind == "exit") return line(Level::kInfo, "run ends: " + str(ev, "reason") +
                                                    (str(ev, "detail").empty() ? "" : " (" + str(ev, "detail") + ")"));
  if (kind == "link") return line(Level::kInfo, "link " + str(ev, "state") + " (" + str(ev, "cause") + ")");
  if (kind == "port") return line(Level::kInfo, "switch port " + str(ev, "state"));
  if (kind == "handoff")
    return line(Level::kInfo, "handoff (" + str(ev, "protocol") + "): " + str(ev, "cmdline"));
  if (kind == "fault") return line(Level::kInfo, "guest fault " + str(ev, "fault") + ": " + str(ev, "message"));
  if (kind == "key")  // a trigger without keys only moves its sequence on (<key after-console>)
    return line(Level::kInfo, (str(ev, "keys").empty() ? std::string("key trigger without keys") : "keys " + str(ev, "keys")) +
                                  " (" + str(ev, "trigger") + ")");
  if (kind == "dhcp") {
    // The boot network's server says which way a message went; the minimal LAN's traces only its replies.
    std::string dir = str(ev, "dir"), msg = str(ev, "msg"), client = str(ev, "client");
    if (msg == "ACK" && dir != "rx")
      return line(Level::kInfo, "DHCP lease " + str(ev, "yiaddr") + (client.empty() ? "" : " to " + client) +
                                    (str(ev, "file").empty() ? "" : ", boot file " + str(ev, "file")));
    return line(Level::kDebug, "DHCP " + (dir.empty() ? "" : dir + " ") + msg + (client.empty() ? "" : " from " + client) +
                                   " xid " + str(ev, "xid"));
  }
  if (kind == "pxe_call")
    return line(Level::kDebug, "PXE " + str(ev, "op") + " status " + str(ev, "status"));
  if (kind == "tftp")
    return line(Level::kDebug, "TFTP " + str(ev, "file") + " to " + str(ev, "client") + ": " + str(ev, "status") +
                                   ", " + str(ev, "bytes") + " bytes");
  if (kind == "http")
    return line(Level::kDebug, "HTTP " + str(ev, "method") + " " + str(ev, "path") + ": " + str(ev, "status") + ", " +
                                   str(ev, "bytes") + " bytes");
  if (kind == "frame_tx" || kind == "frame_rx")
    return line(Level::kTrace, std::string("frame ") + (kind == "frame_tx" ? "tx " : "rx ") + str(ev, "len") + " bytes");
  if (kind == "frame_drop")
    return line(Level::kDebug, "frame dropped: " + str(ev, "dir") + " " + str(ev, "len") + " bytes (" + str(ev, "reason") + ")");
  if (kind == "bpdu" || kind == "slirp_timer") return line(Level::kTrace, with_fields(kind, ev));
  return line(Level::kDebug, with_fields(kind, ev));  // bios_call, io, guest_error, dhcp_ignored, new kinds
}

void log_event(const TraceEvent& ev) {
  if (!enabled(Level::kInfo)) return;  // nothing is logged above info: skip building lines
  auto d = describe_event(ev);
  if (!d || !enabled(d->first)) return;
  auto t = ev.find("t_ns");
  write(d->first, SimTime::from_ns(t != ev.end() && t->is_number() ? t->get<std::int64_t>() : 0), str(ev, "machine"),
        d->second);
}

}  // namespace bootsim::log
