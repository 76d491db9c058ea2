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
  trace_.emit(sched_.now(), machine_, "link", {{"state", up ? "up" : "down"}, {"cause", cause}});
}

bool Nic::transmit(std::vector<std::uint8_t> bytes) {
  Frame f{sched_.now(), std::move(bytes)};
  if (!link_up_) {
    trace_.emit(f.t, machine_, "frame_drop",
                {{"dir", "tx"}, {"reason", "link_down"}, {"len", f.bytes.size()},
                 {"hex", to_hex(f.bytes.data(), f.bytes.size())}});
    return false;
  }
  trace_.emit(f.t, machine_, "frame_tx", {{"len", f.bytes.size()}, {"hex", to_hex(f.bytes.data(), f.bytes.size())}});
  if (wire_) wire_->deliver(f);
  return true;
}

void Nic::deliver(const Frame& frame) {
  const char* reason = nullptr;
  if (!link_up_) reason = "link_down";
  else if (!open_) reason = "nic_closed";
  if (reason) {
    trace_.emit(sched_.now(), machine_, "frame_drop",
                {{"dir", "rx"}, {"reason", reason}, {"len", frame.bytes.size()},
                 {"hex", to_hex(frame.bytes.data(), frame.bytes.size())}});
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
