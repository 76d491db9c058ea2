// The wire's other backend: the user's own boot servers (sim/net/netns_servers.h) behind a TAP device,
// with virtual time paced to wall time.
//
// Usage (BootNetwork does this for NetworkConfig::external):
//   TapHost tap(sched, servers_config, [&](std::vector<std::uint8_t> f) { send_to_guests(std::move(f)); });
//   tap.send(frame_from_a_guest);
//
// Pacing: TapHost is the scheduler's Pacer (sim/core/scheduler.h). Virtual time 0 is the wall time the
// servers were ready; the clock never moves to t before the wall clock has reached t (ppoll on the TAP
// with the time left as timeout), so the guest can never outrun a server. A frame from the servers
// that arrives while the clock waits stops the wait: the clock moves to the frame's arrival time and a
// "tap.rx" event there hands it to the wire. When the emulation is slower than wall time the clock
// lags (then frames are stamped at the next advance). Stats record both: `max_ahead` (virtual time ahead
// of the wall clock when the clock moved; the bound that pacing guarantees, ppoll's slack) and
// `max_behind`. Runs with a TapHost are not deterministic: the servers run on the host's clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "sim/core/scheduler.h"
#include "sim/net/netns_servers.h"

namespace bootsim {

class TapHost final : public Pacer {
 public:
  using FrameSink = std::function<void(std::vector<std::uint8_t>)>;
  /// Starts the servers (throws std::runtime_error as NetnsServers does) and becomes `sched`'s pacer.
  TapHost(Scheduler& sched, NetnsServersConfig config, FrameSink to_guests);
  ~TapHost() override;  ///< detaches from the scheduler, stops the servers
  TapHost(const TapHost&) = delete;
  TapHost& operator=(const TapHost&) = delete;

  /// A frame from the guests' side, written to the TAP (the servers' kernel sees it at once).
  void send(const std::vector<std::uint8_t>& frame);
  /// Pacer: waits for the wall clock to reach `to`, or less when a frame comes first.
  SimTime reach(SimTime from, SimTime to) override;

  struct Stats {
    std::uint64_t frames_in = 0, frames_out = 0, waits = 0;
    SimTime max_ahead{}, max_behind{};
  };
  const Stats& stats() const { return stats_; }
  int tap_fd() const { return servers_.tap_fd(); }

 private:
  SimTime wall_now() const;
  void drain();

  Scheduler& sched_;
  NetnsServers servers_;
  FrameSink to_guests_;
  std::chrono::steady_clock::time_point epoch_;
  bool rx_scheduled_ = false;
  Stats stats_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace bootsim
