#include "sim/facts/trace_facts.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "sim/core/sim_time.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/proto/packet.h"

namespace bootsim::facts {

namespace {

std::string str_field(const TraceEvent& e, const char* key) {
  auto it = e.find(key);
  if (it == e.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::int64_t t_of(const TraceEvent& e) {
  auto it = e.find("t_ns");
  if (it == e.end() || !it->is_number()) return 0;
  if (it->is_number_float()) return static_cast<std::int64_t>(it->get<double>());
  if (it->is_number_unsigned()) return static_cast<std::int64_t>(it->get<std::uint64_t>());
  return it->get<std::int64_t>();
}

/// A frame event's DHCP message, with the UDP ports it travelled on.
struct DhcpFrame {
  DhcpPacket packet;
  std::uint16_t src_port = 0, dst_port = 0;
};

/// A frame event's UDP datagram (nullopt: no bytes, or not UDP over IPv4).
std::optional<UdpDatagram> udp_of(const TraceEvent& ev) {
  const std::string* hex = string_field(ev, "hex");
  if (!hex || hex->empty()) return std::nullopt;
  return parse_udp_frame(from_hex(*hex));
}

std::optional<DhcpFrame> dhcp_frame(const std::optional<UdpDatagram>& udp) {
  if (!udp || (udp->dst_port != 67 && udp->dst_port != 68 && udp->dst_port != 4011)) return std::nullopt;
  auto p = DhcpPacket::decode(udp->payload.data(), udp->payload.size(), nullptr);
  if (!p) return std::nullopt;
  return DhcpFrame{std::move(*p), udp->src_port, udp->dst_port};
}

std::string rtrim(const std::string& s) {
  size_t e = s.find_last_not_of(' ');
  return e == std::string::npos ? std::string() : s.substr(0, e + 1);
}

void add_distinct(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

std::string uuid_of(const DhcpPacket& p) {
  auto u = p.client_uuid();
  return u ? format_uuid(*u) : std::string();
}

bool bootp_ports(const DhcpFrame& f) {
  return (f.src_port == 67 || f.src_port == 68) && (f.dst_port == 67 || f.dst_port == 68);
}

/// Builds one source's facts from its events, in order.
class Deriver {
 public:
  explicit Deriver(const std::string& name) : stages_(name, &f_.stages) { f_.name = name; }

  void feed(const TraceEvent& e) {
    const std::string kind = str_field(e, "kind");
    const std::int64_t t = t_of(e);
    f_.last_ns = std::max(f_.last_ns, t);
    if (kind == "console") {
      std::string text = str_field(e, "text");
      std::int64_t step = 0;
      if (auto it = e.find("step_ns"); it != e.end() && it->is_number_integer()) step = it->get<std::int64_t>();
      // The text is UTF-8 (latin1_to_utf8): byte i of what the guest wrote is the i-th character.
      std::int64_t index = -1;
      for (char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++index;
        console_byte(c, t + index * step);
      }
      // The stage reader wants bursts as they were before bytes kept their own times: chunks that follow
      // each other without a wait (within Trace::kTextMaxStep), up to a line's end.
      if (!stage_text_.empty() && t > stage_last_ns_ + Trace::kTextMaxStep) flush_stage_text();
      if (stage_text_.empty()) stage_t_ = t;
      stage_text_ += text;
      stage_last_ns_ = t + (index < 0 ? 0 : index) * step;
      if (!text.empty() && text.back() == '\n') flush_stage_text();
    } else {
      flush_stage_text();
    }
    if (kind == "console") {
    } else if (kind == "phase") {
      f_.phases.push_back({t, str_field(e, "phase")});
      if (f_.phases.back().name == "nbp_start") nbp_started_ = true;
    } else if (kind == "frame_tx" || kind == "frame_rx" || kind == "frame_drop") {
      if (kind == "frame_drop" && str_field(e, "reason") == "link_down") ++f_.link_down_drops;
      const std::optional<UdpDatagram> udp = udp_of(e);  // decoded once: a fleet's trace has 200k frames
      if (auto d = dhcp_frame(udp)) frame(kind, e, t, *d);
      if (kind != "frame_drop" && udp) tftp_frame(kind, t, *udp);
    } else if (kind == "link") {
      f_.links.push_back({t, str_field(e, "state"), str_field(e, "cause")});
    } else if (kind == "handoff") {
      f_.handoff = Handoff{t, str_field(e, "protocol"), str_field(e, "cmdline")};
    } else if (kind == "exit") {
      f_.exit = Exit{t, str_field(e, "reason"), str_field(e, "detail")};
    } else if (kind == "pxe_call") {
      if (str_field(e, "op") == "unknown") {
        auto op = static_cast<std::uint16_t>(e.value("opcode", 0));
        auto& u = f_.unknown_pxe_calls;
        if (std::find(u.begin(), u.end(), op) == u.end()) u.push_back(op);
      }
    } else if (kind == "fault") {
      std::string k = str_field(e, "fault");
      f_.faults.push_back({t, k.empty() ? "guest_fault" : k, str_field(e, "message")});
    }
  }

  /// The facts; stages still open end at `end_ns` (the end of the whole trace).
  MachineFacts finish(std::int64_t end_ns) {
    flush_stage_text();
    f_.current_line_done_ns = f_.console.current_line().empty() ? -1 : line_changed_ns_;
    stages_.finish(end_ns);
    for (auto xid : order_)
      if (own_.count(xid)) f_.dhcp.push_back(exchanges_[xid]);
    f_.downloads = tftp_.downloads();
    return std::move(f_);
  }

 private:
  /// TFTP on the machine's own wire: its requests out, the data in (whoever serves it).
  void tftp_frame(const std::string& kind, std::int64_t t, const UdpDatagram& udp) {
    if (kind == "frame_tx") tftp_.feed_tx(t, udp);
    else tftp_.feed_rx(t, udp);
  }

  void frame(const std::string& kind, const TraceEvent& e, std::int64_t t, const DhcpFrame& d) {
    const DhcpPacket& p = d.packet;
    const bool outgoing = kind == "frame_tx" || (kind == "frame_drop" && str_field(e, "dir") != "rx");
    if (bootp_ports(d) && p.message_type()) {
      auto [it, fresh] = exchanges_.try_emplace(p.xid);
      DhcpExchange& x = it->second;
      if (fresh) {
        x.xid = p.xid;
        x.first_ns = t;
        order_.push_back(p.xid);
      }
      x.last_ns = t;
      if (kind == "frame_drop") ++x.dropped;
      else if (kind == "frame_tx") ++x.sent;
      if (outgoing) own_.insert(p.xid);
      else ++x.received;
      if (kind == "frame_rx" && (p.message_type() == DHCPACK || p.message_type() == DHCPNAK) && x.result_ns < 0) {
        x.result_ns = t;
        x.acked = p.message_type() == DHCPACK;
      }
    }
    if (!nbp_started_) {
      if (outgoing && p.op == 1 && bootp_ports(d) && p.message_type()) add_distinct(f_.rom_dhcp_uuids, uuid_of(p));
      return;
    }
    IpxeDhcp& i = f_.ipxe_dhcp;
    if (outgoing) {
      if (p.op == 1 && p.option_string(77) == "iPXE") {
        add_distinct(i.uuids, uuid_of(p));
        ipxe_requests_.insert({p.xid, p.chaddr});
        if (i.first_request_ns < 0) i.first_request_ns = t;
        if (p.message_type() == DHCPDISCOVER) ++i.discovers;
      }
    } else if (kind == "frame_rx" && i.lease_ns < 0 && p.op == 2 && p.message_type() == DHCPACK &&
               ipxe_requests_.count({p.xid, p.chaddr})) {
      i.lease_ns = t;
    }
  }

  /// Replays one console byte written at `t`, noting when each rendered line last changed.
  void console_byte(char c, std::int64_t t) {
    std::string before = rtrim(f_.console.current_line());
    size_t lines = f_.console.lines().size();
    f_.console.put(static_cast<std::uint8_t>(c), SimTime::from_ns(t));
    f_.console_byte_ns.push_back(t);
    if (f_.console.lines().size() != lines) {
      f_.line_done_ns.push_back(line_changed_ns_ >= 0 ? line_changed_ns_ : f_.console.lines().back().t.ns);
      line_changed_ns_ = -1;
    } else if (rtrim(f_.console.current_line()) != before) {
      line_changed_ns_ = t;
    }
  }

  void flush_stage_text() {
    if (stage_text_.empty()) return;
    stages_.feed(stage_text_, stage_t_);
    stage_text_.clear();
  }

  MachineFacts f_;
  std::int64_t line_changed_ns_ = -1;
  std::string stage_text_;  ///< console text not yet given to stages_, begun at stage_t_
  std::int64_t stage_t_ = 0, stage_last_ns_ = 0;
  ConsoleStages stages_;
  bool nbp_started_ = false;
  std::map<std::uint32_t, DhcpExchange> exchanges_;
  std::vector<std::uint32_t> order_;
  std::set<std::uint32_t> own_;
  std::set<std::pair<std::uint32_t, std::array<std::uint8_t, 16>>> ipxe_requests_;  // (xid, chaddr)
  TftpReader tftp_;
};

std::int64_t trace_end(const std::vector<TraceEvent>& events) {
  std::int64_t end = 0;
  for (const auto& e : events)
    if (e.is_object()) end = std::max(end, t_of(e));
  return end;
}

}  // namespace

std::int64_t MachineFacts::phase_at(const std::string& phase) const {
  for (const auto& p : phases)
    if (p.name == phase) return p.t_ns;
  return -1;
}

std::optional<ConsoleMatch> MachineFacts::find_console(const std::string& text, bool raw,
                                                       std::optional<std::int64_t> after,
                                                       std::optional<std::int64_t> before) const {
  auto in_window = [&](std::int64_t t) { return (!before || t < *before) && (!after || t >= *after); };
  const std::string& bytes = console.raw();
  if (text.empty() || console_byte_ns.size() != bytes.size()) return std::nullopt;
  if (raw) {
    for (size_t pos = bytes.find(text); pos != std::string::npos; pos = bytes.find(text, pos + 1)) {
      std::int64_t t = console_byte_ns[pos + text.size() - 1];
      if (in_window(t)) return ConsoleMatch{t, ""};
    }
    return std::nullopt;
  }
  // The screen as it was after each byte: the text appears when a byte completes it on the line being
  // written (only that line changes).
  Console replay;
  bool shown = false;
  for (size_t i = 0; i < bytes.size(); ++i) {
    size_t line = replay.lines().size();
    replay.put(static_cast<std::uint8_t>(bytes[i]), SimTime::from_ns(console_byte_ns[i]));
    if (replay.lines().size() != line) {
      shown = false;
      continue;
    }
    bool now_shown = replay.current_line().find(text) != std::string::npos;
    if (now_shown && !shown && in_window(console_byte_ns[i]))
      return ConsoleMatch{console_byte_ns[i], line < console.lines().size() ? console.lines()[line].text
                                                                              : rtrim(console.current_line())};
    shown = now_shown;
  }
  return std::nullopt;
}

const Stage* MachineFacts::stage(const std::string& stage_name) const {
  for (const auto& s : stages)
    if (s.name == stage_name) return &s;
  return nullptr;
}

std::string MachineFacts::last_console_line() const {
  std::string last;
  for (const auto& l : console.lines())
    if (l.text.find_first_not_of(' ') != std::string::npos) last = l.text;
  const std::string& cur = console.current_line();
  if (cur.find_first_not_of(' ') != std::string::npos) last = cur;
  return last;
}

namespace {
std::string without_slash(const std::string& f) { return !f.empty() && f[0] == '/' ? f.substr(1) : f; }
}  // namespace

std::vector<std::int64_t> MachineFacts::downloads_of(const std::string& file) const {
  std::vector<std::int64_t> at;
  for (const auto& d : downloads)
    if (without_slash(d.file) == without_slash(file)) at.push_back(d.start_ns);
  return at;
}

std::optional<RepeatedDownload> MachineFacts::repeated_download(int min) const {
  std::map<std::string, RepeatedDownload> by_file;
  for (const auto& d : downloads) {
    RepeatedDownload& r = by_file[without_slash(d.file)];
    r.file = d.file;
    r.bytes = d.bytes;
    r.at_ns.push_back(d.start_ns);
  }
  std::optional<RepeatedDownload> best;
  for (const auto& [name, r] : by_file) {
    if (static_cast<int>(r.at_ns.size()) < min) continue;
    if (!best || r.at_ns.size() > best->at_ns.size() ||
        (r.at_ns.size() == best->at_ns.size() && r.at_ns[0] < best->at_ns[0]))
      best = r;
  }
  return best;
}

std::string MachineFacts::chainload_loop_note() const {
  auto loop = repeated_download(kLoopDownloads);
  if (!loop) return "";
  std::string at;
  for (auto t : loop->at_ns) at += (at.empty() ? "" : ", ") + format_time(SimTime::from_ns(t));
  return "chainload loop: " + loop->file + " downloaded " + std::to_string(loop->at_ns.size()) + " times" +
         (name.empty() ? "" : " by " + name) + ", at " + at;
}

std::string MachineFacts::unmodeled_calls_note() const {
  if (unknown_pxe_calls.empty()) return "";
  std::string names;
  for (size_t i = 0; i < unknown_pxe_calls.size(); ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%04X", unknown_pxe_calls[i]);
    names += (i == 0 ? "" : i + 1 == unknown_pxe_calls.size() ? " and " : ", ") + std::string(buf);
  }
  return std::string("the NBP used PXE call") + (unknown_pxe_calls.size() > 1 ? "s " : " ") + names +
         ", which bootsim does not model";
}

const MachineFacts* TraceFacts::find(const std::string& name) const {
  for (const auto& s : sources)
    if (s.name == name) return &s;
  return nullptr;
}

TraceFacts derive_facts(const std::vector<TraceEvent>& events) {
  std::vector<std::unique_ptr<Deriver>> derivers;  // stable addresses: ConsoleStages points into each
  std::map<std::string, size_t> index;
  for (const auto& e : events) {
    if (!e.is_object()) continue;
    std::string source = str_field(e, "machine");
    auto [it, fresh] = index.try_emplace(source, derivers.size());
    if (fresh) derivers.push_back(std::make_unique<Deriver>(source));
    derivers[it->second]->feed(e);
  }
  TraceFacts out;
  std::int64_t end = trace_end(events);
  for (auto& d : derivers) {
    out.sources.push_back(d->finish(end));
  }
  return out;
}

MachineFacts merged_facts(const std::vector<TraceEvent>& events, const std::string& name) {
  Deriver d(name);
  for (const auto& e : events)
    if (e.is_object()) d.feed(e);
  return d.finish(trace_end(events));
}

}  // namespace bootsim::facts
