// The switch port a NIC's cable plugs into: a frame port between the NIC and the wire.
//
// It follows the link the NIC's PHY reports (link_changed) and, after each link-up, walks the spanning
// tree states its mode prescribes: an edge or portfast port forwards at once; an 802.1D port listens and
// learns for forward_delay each; an 802.1w (RSTP) port that is not an edge port discards, then learns,
// and says so to the station with a BPDU every `hello` until it forwards. While it does not forward, it
// drops frames both ways (traced as `frame_drop`, reason `port_blocking`); its own BPDUs go to the NIC
// and into the capture port (the wire's pcap), never into the switch fabric (IEEE 802.1D never forwards
// frames sent to the bridge group address).
//
// Usage:
//   SwitchPort port(sched, trace, "pc0", config);
//   nic.plug_into(port);                         // NIC <-> port, and link changes reach the port
//   net.attach(port, nic.mac());                 // wire -> port
//   port.connect(&net, &net.capture_port());     // port -> wire, BPDUs -> pcap
#pragma once

#include <cstdint>
#include <string>

#include "nicmodels/link_profile.h"
#include "sim/core/frame_port.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

namespace bootsim {

class SwitchPort final : public FramePort {
 public:
  /// `machine` names the station in trace events (the port is that machine's link).
  SwitchPort(Scheduler& sched, Trace& trace, std::string machine, SwitchPortConfig config);
  SwitchPort(const SwitchPort&) = delete;
  SwitchPort& operator=(const SwitchPort&) = delete;

  /// Where frames from the NIC go (the wire; null: nowhere) and where the port's own frames are
  /// recorded (null: not recorded). Both must outlive the port's use.
  void connect(FramePort* wire, FramePort* capture = nullptr) {
    wire_ = wire;
    capture_ = capture;
  }
  /// The station on this port's link (the NIC's receive side). Set by Nic::plug_into.
  void plug(FramePort* station) { station_ = station; }

  /// The PHY link between NIC and port went down or came up (from the NIC model).
  void link_changed(bool up);
  /// True when the link is up and the port forwards.
  bool forwarding() const { return link_up_ && forwarding_; }
  const SwitchPortConfig& config() const { return config_; }

  /// A frame from the NIC: forwarded to the wire when the port forwards, else dropped (traced).
  /// Returns whether it was forwarded.
  bool from_nic(const Frame& frame);
  /// FramePort: a frame from the wire towards the NIC; dropped (traced) unless the port forwards.
  void deliver(const Frame& frame) override;

 private:
  void set_state(const char* state, bool forwarding);
  void send_bpdu();
  void drop(const Frame& f, const char* dir, const char* reason);

  Scheduler& sched_;
  Trace& trace_;
  std::string machine_;
  SwitchPortConfig config_;
  FramePort* wire_ = nullptr;
  FramePort* capture_ = nullptr;
  FramePort* station_ = nullptr;
  bool link_up_ = true;
  bool forwarding_ = true;  // at power-on the ROM has had link for a while
  Scheduler::EventId state_event_ = 0, bpdu_event_ = 0;
};

}  // namespace bootsim
