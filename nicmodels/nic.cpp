#include "nicmodels/nic.h"

#include <cstdio>

namespace bootsim {

std::optional<MacAddr> parse_mac(const std::string& text) {
  MacAddr mac{};
  unsigned v[6];
  char sep[5];
  if (std::sscanf(text.c_str(), "%2x%c%2x%c%2x%c%2x%c%2x%c%2x", &v[0], &sep[0], &v[1], &sep[1], &v[2],
                  &sep[2], &v[3], &sep[3], &v[4], &sep[4], &v[5]) != 11 ||
      text.size() != 17)
    return std::nullopt;
  for (char c : sep)
    if (c != ':' && c != '-') return std::nullopt;
  for (int i = 0; i < 6; ++i) mac[i] = static_cast<std::uint8_t>(v[i]);
  return mac;
}

std::string format_mac(const MacAddr& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                mac[5]);
  return buf;
}

Nic::Nic(Scheduler& sched, Trace& trace, std::string machine, MacAddr mac, LinkProfile profile,
         std::uint64_t rng_seed)
    : sched_(sched), trace_(trace), machine_(std::move(machine)), mac_(mac), profile_(std::move(profile)),
      rng_(rng_seed) {}

void Nic::initialize() { disturb("undi_initialize", profile_.drop_on_initialize); }
void Nic::reset_adapter() { disturb("undi_reset_adapter", profile_.drop_on_reset); }
void Nic::shutdown() {
  open_ = false;
  disturb("undi_shutdown", profile_.drop_on_shutdown);
}
void Nic::open() {
  open_ = true;
  disturb("undi_open", profile_.drop_on_open);
}
void Nic::close() { open_ = false; }

void Nic::disturb(const char* cause, bool applies) {
  if (!applies) return;
  SimTime down_for = profile_.autoneg;
  if (profile_.jitter.ns > 0) {
    std::uniform_int_distribution<std::int64_t> dist(0, profile_.jitter.ns);
    down_for += SimTime::from_ns(dist(rng_));
  }
  bounce_link(down_for, cause);
}

void Nic::bounce_link(SimTime down_for, const std::string& cause) {
  // A renegotiation restarts the PHY: a pending link-up is replaced by a later one.
  if (link_event_) sched_.cancel(link_event_);
  if (link_up_) set_link(false, cause);
  link_event_ = sched_.schedule_in(down_for, machine_ + ".link_up", [this] {
    link_event_ = 0;
    set_link(true, "autoneg_complete");
  });
}

void Nic::set_link(bool up, const std::string& cause) {
  link_up_ = up;
  trace_.emit(sched_.now(), machine_, trace_kind::Link{up ? "up" : "down", cause});
  using Mode = SwitchPortConfig::Mode;
  if (port_event_) sched_.cancel(port_event_);
  if (bpdu_event_) sched_.cancel(bpdu_event_);
  port_event_ = bpdu_event_ = 0;
  if (!up) {
    port_forwarding_ = false;
    return;
  }
  if (port_.mode == Mode::kEdge || port_.mode == Mode::kPortfast) {
    set_port_state("forwarding", true);
    return;
  }
  // 802.1D: listening, then learning, forward_delay each; 802.1w without an edge port: discarding, then
  // learning. Only RSTP tells the NIC, with BPDUs.
  bool rstp = port_.mode == Mode::kRstp;
  set_port_state(rstp ? "discarding" : "listening", false);
  if (rstp) send_bpdu();
  port_event_ = sched_.schedule_in(port_.forward_delay, machine_ + ".port_learning", [this] {
    set_port_state("learning", false);
    port_event_ = sched_.schedule_in(port_.forward_delay, machine_ + ".port_forwarding", [this] {
      port_event_ = 0;
      set_port_state("forwarding", true);
      if (port_.mode == SwitchPortConfig::Mode::kRstp) send_bpdu();
    });
  });
}

void Nic::set_port_state(const char* state, bool forwarding) {
  port_forwarding_ = forwarding;
  trace_.emit(sched_.now(), machine_, trace_kind::Port{state});
}

void Nic::send_bpdu() {
  // An 802.3/LLC RSTP BPDU as iPXE's net/stp.c parses it: DSAP=SSAP=42h, version 2, type 2, flags with
  // 0x20 = forwarding; hello time in 1/256 s.
  std::vector<std::uint8_t> f = {0x01, 0x80, 0xC2, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x5C, 0x00, 0x01};
  f.push_back(0);
  f.push_back(39);  // 802.3 length: LLC (3) + BPDU (36)
  f.insert(f.end(), {0x42, 0x42, 0x03});
  std::vector<std::uint8_t> bpdu(36, 0);
  bpdu[2] = 2;  // version: RSTP
  bpdu[3] = 2;  // type: RST BPDU
  bpdu[4] = static_cast<std::uint8_t>(port_forwarding_ ? 0x3C : 0x0C);  // port role designated; learning/forwarding bits
  bpdu[5] = 0x80;  // root: priority 32768, then the switch MAC
  for (int i = 0; i < 6; ++i) bpdu[7 + i] = f[6 + i];
  for (int i = 0; i < 8; ++i) bpdu[17 + i] = bpdu[5 + i];
  bpdu[25] = 0x80;
  bpdu[26] = 0x01;
  std::uint16_t hello = static_cast<std::uint16_t>(port_.hello.ns * 256 / 1000000000);
  bpdu[29] = 20;    // max age 20 s
  bpdu[31] = static_cast<std::uint8_t>(hello >> 8);
  bpdu[32] = static_cast<std::uint8_t>(hello & 0xFF);
  bpdu[33] = static_cast<std::uint8_t>(port_.forward_delay.ns / 1000000000);
  f.insert(f.end(), bpdu.begin(), bpdu.end());
  f.resize(60, 0);
  if (open_) rx_.push_back(Frame{sched_.now(), f});
  trace_.emit(sched_.now(), machine_, trace_kind::Bpdu{port_forwarding_, to_hex(f.data(), f.size())});
  if (!port_forwarding_)
    bpdu_event_ = sched_.schedule_in(port_.hello, machine_ + ".bpdu", [this] {
      bpdu_event_ = 0;
      send_bpdu();
    });
}

void Nic::drop(const Frame& f, const char* dir, const char* reason) {
  trace_.emit(sched_.now(), machine_,
              trace_kind::FrameDrop{dir, reason, f.bytes.size(), to_hex(f.bytes.data(), f.bytes.size())});
}

bool Nic::transmit(std::vector<std::uint8_t> bytes) {
  Frame f{sched_.now(), std::move(bytes)};
  if (!link_up_ || !port_forwarding_) {
    drop(f, "tx", link_up_ ? "port_blocking" : "link_down");
    return false;
  }
  trace_.emit(f.t, machine_, trace_kind::FrameTx{f.bytes.size(), to_hex(f.bytes.data(), f.bytes.size())});
  if (wire_) wire_->deliver(f);
  return true;
}

void Nic::deliver(const Frame& frame) {
  const char* reason = nullptr;
  if (!link_up_) reason = "link_down";
  else if (!port_forwarding_) reason = "port_blocking";
  else if (!open_) reason = "nic_closed";
  if (reason) {
    drop(frame, "rx", reason);
    return;
  }
  rx_.push_back(Frame{sched_.now(), frame.bytes});
}

std::optional<Frame> Nic::pop_rx() {
  if (rx_.empty()) return std::nullopt;
  Frame f = std::move(rx_.front());
  rx_.pop_front();
  return f;
}

}  // namespace bootsim
