#include "nicmodels/switch_port.h"

#include "sim/proto/bpdu.h"

namespace bootsim {

SwitchPort::SwitchPort(Scheduler& sched, Trace& trace, std::string machine, SwitchPortConfig config)
    : sched_(sched), trace_(trace), machine_(std::move(machine)), config_(config) {}

void SwitchPort::link_changed(bool up) {
  using Mode = SwitchPortConfig::Mode;
  link_up_ = up;
  if (state_event_) sched_.cancel(state_event_);
  if (bpdu_event_) sched_.cancel(bpdu_event_);
  state_event_ = bpdu_event_ = 0;
  if (!up) {
    forwarding_ = false;
    return;
  }
  if (config_.mode == Mode::kEdge || config_.mode == Mode::kPortfast) {
    set_state("forwarding", true);
    return;
  }
  // 802.1D: listening, then learning, forward_delay each; 802.1w without an edge port: discarding, then
  // learning. Only RSTP tells the station, with BPDUs.
  bool rstp = config_.mode == Mode::kRstp;
  set_state(rstp ? "discarding" : "listening", false);
  if (rstp) send_bpdu();
  state_event_ = sched_.schedule_in(config_.forward_delay, machine_ + ".port_learning", [this] {
    set_state("learning", false);
    state_event_ = sched_.schedule_in(config_.forward_delay, machine_ + ".port_forwarding", [this] {
      state_event_ = 0;
      set_state("forwarding", true);
      if (config_.mode == SwitchPortConfig::Mode::kRstp) send_bpdu();
    });
  });
}

void SwitchPort::set_state(const char* state, bool forwarding) {
  forwarding_ = forwarding;
  trace_.emit(sched_.now(), machine_, trace_kind::Port{state});
}

void SwitchPort::send_bpdu() {
  Frame f{sched_.now(), encode_rst_bpdu(RstBpdu{forwarding_, config_.hello, config_.forward_delay})};
  if (capture_) capture_->deliver(f);
  trace_.emit(sched_.now(), machine_, trace_kind::Bpdu{forwarding_, to_hex(f.bytes.data(), f.bytes.size())});
  if (station_) station_->deliver(f);
  if (!forwarding_)
    bpdu_event_ = sched_.schedule_in(config_.hello, machine_ + ".bpdu", [this] {
      bpdu_event_ = 0;
      send_bpdu();
    });
}

void SwitchPort::drop(const Frame& f, const char* dir, const char* reason) {
  trace_.emit(sched_.now(), machine_,
              trace_kind::FrameDrop{dir, reason, f.bytes.size(), to_hex(f.bytes.data(), f.bytes.size())});
}

bool SwitchPort::from_nic(const Frame& frame) {
  if (!forwarding()) {
    drop(frame, "tx", link_up_ ? "port_blocking" : "link_down");
    return false;
  }
  if (wire_) wire_->deliver(frame);
  return true;
}

void SwitchPort::deliver(const Frame& frame) {
  if (!forwarding()) {
    drop(frame, "rx", link_up_ ? "port_blocking" : "link_down");
    return;
  }
  if (station_) station_->deliver(frame);
}

}  // namespace bootsim
