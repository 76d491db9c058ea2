// A modeled network interface: what the PXE ROM's UNDI API drives (UndiNic), plugged into a switch port.
//
// One concrete class whose vendor behaviour is data (LinkProfile): which UNDI calls make the PHY drop the
// link, how long autonegotiation takes until the link is back, and the PCI identity the ROM reports.
// The link is the cable to the switch port: the NIC's PHY decides when it is up and tells the port,
// which runs its spanning-tree states (nicmodels/switch_port.h). Frames are traced here both ways:
// `frame_tx` when the NIC puts a frame on the cable, `frame_rx` when the ROM takes one from the receive
// queue; a frame the NIC sends or is handed while the link is down, or receives while closed, is a
// `frame_drop`.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "nicmodels/link_profile.h"
#include "nicmodels/switch_port.h"
#include "nicmodels/undi_nic.h"
#include "sim/core/frame_port.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"
#include "sim/proto/mac.h"

namespace bootsim {

class Nic final : public UndiNic, public FramePort {
 public:
  /// `rng_seed` drives the profile's jitter; the same seed gives the same link timeline.
  Nic(Scheduler& sched, Trace& trace, std::string machine, Mac mac, LinkProfile profile, std::uint64_t rng_seed);
  Nic(const Nic&) = delete;
  Nic& operator=(const Nic&) = delete;

  /// Plugs the cable into `port`: transmitted frames go to it, it delivers received ones here, and it
  /// follows this NIC's link. Without a port, transmitted frames are only traced.
  void plug_into(SwitchPort& port);

  // UndiNic
  void initialize() override;
  void reset_adapter() override;
  void shutdown() override;
  void open() override;
  void close() override;
  bool transmit(std::vector<std::uint8_t> frame) override;
  bool rx_pending() const override { return !rx_.empty(); }
  std::optional<Frame> receive() override;
  void set_interrupt_enabled(bool on) override { irq_enabled_ = on; }
  bool interrupt_enabled() const override { return irq_enabled_; }
  bool irq_asserted() const override { return profile_.irq != 0 && open_ && irq_enabled_ && !rx_.empty(); }
  const Mac& mac() const override { return mac_; }
  const LinkProfile& profile() const override { return profile_; }

  /// FramePort: a frame arriving from the switch port.
  void deliver(const Frame& frame) override;

  bool link_up() const { return link_up_; }
  bool is_open() const { return open_; }

  /// Forces the link down now and up again after `down_for` (scenario-driven cable or switch events).
  void bounce_link(SimTime down_for, const std::string& cause);

  /// Called just before the NIC first reads a part of its profile that a shared boot may not have in
  /// common with the runs it stands for (sim/scenario/shared_boot.h): "machine/nic/drop_on_initialize"
  /// (…_reset, …_shutdown, …_open) before a UNDI call decides whether the link drops, and
  /// "machine/nic/link" before the link-down time (autoneg, jitter) is read. The hook may fork the process
  /// and swap the values (set_link_params) before it returns. Empty: nothing is shared.
  void observe_with(std::function<void(std::string_view section)> hook) { observe_ = std::move(hook); }
  /// Replaces what the sections above cover (drop_on_*, autoneg, jitter) with `p`'s; the PCI identity,
  /// speed and IRQ stay. The generator keeps its state, so the next jitter is what a run with `p` draws.
  void set_link_params(const LinkProfile& p);

 private:
  void disturb(const char* cause, const char* section, const bool& applies);
  void set_link(bool up, const std::string& cause);
  void drop(const Frame& f, const char* dir, const char* reason);

  Scheduler& sched_;
  Trace& trace_;
  std::string machine_;
  Mac mac_;
  LinkProfile profile_;
  std::mt19937_64 rng_;
  SwitchPort* port_ = nullptr;
  bool link_up_ = true;
  bool open_ = false;
  bool irq_enabled_ = true;  ///< the NIC's own interrupt enable (PXENV_UNDI_ISR START/OUT_DONE)
  Scheduler::EventId link_event_ = 0;
  std::deque<Frame> rx_;
  std::function<void(std::string_view)> observe_;
};

}  // namespace bootsim
