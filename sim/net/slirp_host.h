// libslirp 4.7 in-process, in virtual time: the TCP/IP stack, ARP, ICMP and TFTP of the boot network.
//
// Usage: the wire builds one SlirpHost with a sink for frames towards the guests, hands it every guest
// frame that is not ours to answer (`input`), and adds in-process services (the HTTP server) whose
// `service()` runs in every pump round. Everything happens inside scheduler events:
//  - slirp's clock is the Scheduler's clock plus `clock_offset` (slirp treats curtime == 0 as special);
//  - slirp's timers (timer_new_opaque/timer_mod/timer_free) are scheduler events; the IPv6 RA timer's
//    random expiry (slirp's unseeded g_rand) is replaced by `ra_interval`, so runs stay byte-identical;
//  - the driver loop of ref/slirp-notes.md §1: fill, poll with a zero timeout, deliver the frames that
//    send_packet queued, run the services, and repeat at the same virtual time while anything moved
//    (or `notify` fired); then the next poll is scheduled at the timeout slirp_pollfds_fill returned,
//    so TCP's slow timer ticks as slirp expects (it counts polls, not time).
// send_packet only queues; slirp_input is never called from inside a slirp callback.
//
// libslirp keeps "now" in a process-wide variable: at most one SlirpHost may exist at a time (the
// constructor throws std::logic_error otherwise).
#pragma once

#include <poll.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <slirp/libslirp.h>

#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

namespace bootsim {

struct SlirpHostConfig {
  std::uint32_t vnetwork = 0x0A000200;     // 10.0.2.0, host byte order
  std::uint32_t vnetmask = 0xFFFFFF00;
  std::uint32_t vhost = 0x0A000202;        // gateway, TFTP server
  std::uint32_t vnameserver = 0x0A000203;  // slirp answers ARP/ICMP for it; DNS itself is disabled
  std::string tftp_path;                   ///< TFTP root; empty: no TFTP
  bool in6_enabled = false;                ///< IPv6 (router advertisements, NDP)
  SimTime ra_interval = SimTime::from_s(300);  ///< deterministic period of unsolicited RAs
  SimTime clock_offset = SimTime::from_s(1);   ///< slirp's clock = virtual time + this
};

class SlirpHost {
 public:
  using FrameSink = std::function<void(std::vector<std::uint8_t>)>;
  /// A service run in every pump round; returns true when it did something (data moved, a connection
  /// opened or closed), which makes the pump run another round at the same virtual time.
  using Service = std::function<bool()>;

  /// Creates the Slirp instance. `to_guest` receives each frame slirp sends, during a pump, in order.
  /// Throws std::runtime_error when slirp_new fails, std::logic_error when another SlirpHost exists.
  SlirpHost(Scheduler& sched, Trace& trace, SlirpHostConfig config, FrameSink to_guest);
  ~SlirpHost();
  SlirpHost(const SlirpHost&) = delete;
  SlirpHost& operator=(const SlirpHost&) = delete;

  /// A frame from the guest side: refreshes slirp's clock, slirp_input, then pumps at the same time.
  void input(const std::vector<std::uint8_t>& frame);
  /// Runs the driver loop now (re-entrant calls are folded into the running pump).
  void pump();
  /// Schedules a pump at the current virtual time (coalesced with one already pending).
  void request_pump();

  void add_service(Service fn) { services_.push_back(std::move(fn)); }
  /// slirp_add_unix: guest TCP connections to addr:port become connections to the Unix socket at `path`.
  /// Returns false when slirp refuses the address (outside the network, the gateway, the DNS address).
  bool add_unix(const std::string& path, std::uint32_t addr, std::uint16_t port);
  /// slirp_remove_guestfwd for what add_unix set up at addr:port.
  bool remove_unix(std::uint32_t addr, std::uint16_t port);

  /// slirp's idea of now in ns (virtual time + offset).
  std::int64_t slirp_clock_ns() const { return sched_.now().ns + config_.clock_offset.ns; }
  const SlirpHostConfig& config() const { return config_; }

  struct Stats {
    std::uint64_t frames_in = 0, frames_out = 0, pumps = 0, rounds = 0, timers_fired = 0, notifies = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Timer {
    std::uint64_t handle;
    SlirpTimerId id;
    void* cb_opaque;
    Scheduler::EventId event = 0;
  };

  // SlirpCb trampolines (opaque is the SlirpHost).
  static ssize_t cb_send_packet(const void* buf, size_t len, void* opaque);
  static void cb_guest_error(const char* msg, void* opaque);
  static int64_t cb_clock_get_ns(void* opaque);
  static void* cb_timer_new_opaque(SlirpTimerId id, void* cb_opaque, void* opaque);
  static void cb_timer_free(void* timer, void* opaque);
  static void cb_timer_mod(void* timer, int64_t expire_ms, void* opaque);
  static void cb_register_poll_fd(int fd, void* opaque);
  static void cb_unregister_poll_fd(int fd, void* opaque);
  static void cb_notify(void* opaque);
  static int cb_add_poll(int fd, int events, void* opaque);
  static int cb_get_revents(int idx, void* opaque);

  void fire_timer(std::uint64_t handle);
  bool poll_once(std::uint32_t* timeout_ms);
  bool flush_out();
  void schedule_poll(std::uint32_t timeout_ms);

  Scheduler& sched_;
  Trace& trace_;
  SlirpHostConfig config_;
  FrameSink to_guest_;
  Slirp* slirp_ = nullptr;
  std::vector<Service> services_;
  std::deque<std::vector<std::uint8_t>> out_;
  std::map<std::uint64_t, std::unique_ptr<Timer>> timers_;
  std::uint64_t next_timer_ = 1;
  std::vector<pollfd> pollfds_;
  bool in_pump_ = false, again_ = false, notified_ = false;
  Scheduler::EventId poll_event_ = 0, pump_event_ = 0;
  SimTime last_poll_{-1};
  Stats stats_;
};

}  // namespace bootsim
