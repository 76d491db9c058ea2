#include "nicmodels/nic.h"

namespace bootsim {

Nic::Nic(Scheduler& sched, Trace& trace, std::string machine, Mac mac, LinkProfile profile, std::uint64_t rng_seed)
    : sched_(sched), trace_(trace), machine_(std::move(machine)), mac_(mac), profile_(std::move(profile)),
      rng_(rng_seed) {}

void Nic::plug_into(SwitchPort& port) {
  port_ = &port;
  port.plug(this);
}

void Nic::initialize() {
  disturb("undi_initialize", "machine/nic/drop_on_initialize", profile_.drop_on_initialize);
}
void Nic::reset_adapter() { disturb("undi_reset_adapter", "machine/nic/drop_on_reset", profile_.drop_on_reset); }
void Nic::shutdown() {
  open_ = false;
  disturb("undi_shutdown", "machine/nic/drop_on_shutdown", profile_.drop_on_shutdown);
}
void Nic::open() {
  open_ = true;
  irq_enabled_ = true;
  disturb("undi_open", "machine/nic/drop_on_open", profile_.drop_on_open);
}

void Nic::set_link_params(const LinkProfile& p) {
  profile_.drop_on_initialize = p.drop_on_initialize;
  profile_.drop_on_reset = p.drop_on_reset;
  profile_.drop_on_shutdown = p.drop_on_shutdown;
  profile_.drop_on_open = p.drop_on_open;
  profile_.autoneg = p.autoneg;
  profile_.jitter = p.jitter;
}
void Nic::close() { open_ = false; }

void Nic::disturb(const char* cause, const char* section, const bool& applies) {
  // `applies` is a reference into profile_: the hook may have swapped it.
  if (observe_) observe_(section);
  if (!applies) return;
  if (observe_) observe_("machine/nic/link");
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
  if (port_) port_->link_changed(up);
}

void Nic::drop(const Frame& f, const char* dir, const char* reason) {
  trace_.emit(sched_.now(), machine_,
              trace_kind::FrameDrop{dir, reason, f.bytes.size(), to_hex(f.bytes.data(), f.bytes.size())});
}

bool Nic::transmit(std::vector<std::uint8_t> bytes) {
  Frame f{sched_.now(), std::move(bytes)};
  if (!link_up_) {
    drop(f, "tx", "link_down");
    return false;
  }
  // A port that does not forward discards the frame (and traces that) before it is counted as sent.
  if (port_ && !port_->forwarding()) return port_->from_nic(f);
  // Traced before the wire sees it: whatever the frame causes on the wire comes after it in the trace.
  trace_.emit(f.t, machine_, trace_kind::FrameTx{f.bytes.size(), to_hex(f.bytes.data(), f.bytes.size())});
  if (port_) port_->from_nic(f);
  return true;
}

void Nic::deliver(const Frame& frame) {
  const char* reason = nullptr;
  if (!link_up_) reason = "link_down";
  else if (!open_) reason = "nic_closed";
  if (reason) {
    drop(frame, "rx", reason);
    return;
  }
  rx_.push_back(Frame{sched_.now(), frame.bytes});
}

std::optional<Frame> Nic::receive() {
  if (rx_.empty()) return std::nullopt;
  Frame f = std::move(rx_.front());
  rx_.pop_front();
  trace_.emit(sched_.now(), machine_, trace_kind::FrameRx{f.bytes.size(), to_hex(f.bytes.data(), f.bytes.size())});
  return f;
}

}  // namespace bootsim
