// A modeled network interface: what the PXE ROM's UNDI API drives, and one end of the wire.
//
// One concrete class whose vendor behaviour is data (LinkProfile): which UNDI calls make the PHY drop the
// link, how long autonegotiation takes until the link is back, and the PCI identity the ROM reports.
// Frames the NIC sends or is handed while the link is down are dropped, and each drop is a trace event.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "nicmodels/link_profile.h"
#include "sim/core/frame_port.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

namespace bootsim {

using MacAddr = std::array<std::uint8_t, 6>;

/// Parses "52:54:00:12:34:56" (or with '-'); nullopt on anything else.
std::optional<MacAddr> parse_mac(const std::string& text);
std::string format_mac(const MacAddr& mac);

class Nic final : public FramePort {
 public:
  /// `rng_seed` drives the profile's jitter; the same seed gives the same link timeline.
  Nic(Scheduler& sched, Trace& trace, std::string machine, MacAddr mac, LinkProfile profile,
      std::uint64_t rng_seed);
  Nic(const Nic&) = delete;
  Nic& operator=(const Nic&) = delete;

  /// Where transmitted frames go (the wire). May be null: frames are then only traced.
  void connect(FramePort* wire) { wire_ = wire; }

  // --- What the UNDI API calls; each may disturb the link as the profile says. -----------------------
  void initialize();
  void reset_adapter();
  void shutdown();
  void open();
  void close();

  /// Sends one full Ethernet frame (header included). Returns false when it was dropped (link down).
  bool transmit(std::vector<std::uint8_t> frame);

  /// Frames received and not yet taken by the guest, oldest first.
  bool rx_pending() const { return !rx_.empty(); }
  std::optional<Frame> pop_rx();

  /// FramePort: a frame arriving from the wire.
  void deliver(const Frame& frame) override;

  bool link_up() const { return link_up_; }
  bool is_open() const { return open_; }
  const MacAddr& mac() const { return mac_; }
  const LinkProfile& profile() const { return profile_; }

  /// The switch port the cable plugs into (default: an edge port that forwards at link-up).
  void set_switch_port(const SwitchPortConfig& port) { port_ = port; }
  /// True when the link is up and the switch port forwards.
  bool forwarding() const { return link_up_ && port_forwarding_; }

  /// Forces the link down now and up again after `down_for` (scenario-driven cable or switch events).
  void bounce_link(SimTime down_for, const std::string& cause);

 private:
  void disturb(const char* cause, bool applies);
  void set_link(bool up, const std::string& cause);
  void set_port_state(const char* state, bool forwarding);
  void send_bpdu();
  void drop(const Frame& f, const char* dir, const char* reason);

  Scheduler& sched_;
  Trace& trace_;
  std::string machine_;
  MacAddr mac_;
  LinkProfile profile_;
  std::mt19937_64 rng_;
  FramePort* wire_ = nullptr;
  bool link_up_ = true;
  bool open_ = false;
  Scheduler::EventId link_event_ = 0;
  SwitchPortConfig port_;
  bool port_forwarding_ = true;  // at power-on the ROM has had link for a while
  Scheduler::EventId port_event_ = 0, bpdu_event_ = 0;
  std::deque<Frame> rx_;
};

}  // namespace bootsim
