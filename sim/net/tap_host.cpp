#include "sim/net/tap_host.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bootsim {

TapHost::TapHost(Scheduler& sched, NetnsServersConfig config, FrameSink to_guests)
    : sched_(sched), servers_(std::move(config)), to_guests_(std::move(to_guests)) {
  // Virtual "now" is wall "now": the clock starts when the servers are ready.
  epoch_ = std::chrono::steady_clock::now() - std::chrono::nanoseconds(sched_.now().ns);
  sched_.set_pacer(this);
}

TapHost::~TapHost() { sched_.set_pacer(nullptr); }

SimTime TapHost::wall_now() const {
  return SimTime::from_ns(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - epoch_).count());
}

void TapHost::send(const std::vector<std::uint8_t>& frame) {
  // A TAP write takes the whole frame or nothing; a full queue (the servers' kernel not reading) drops
  // it as a real wire under load would.
  if (::write(servers_.tap_fd(), frame.data(), frame.size()) == static_cast<ssize_t>(frame.size())) ++stats_.frames_out;
}

SimTime TapHost::reach(SimTime from, SimTime to) {
  ++stats_.waits;
  for (;;) {
    SimTime wall = wall_now();
    SimTime left = to - wall;
    if (left.ns < 0) left = SimTime{};
    pollfd pf{servers_.tap_fd(), POLLIN, 0};
    timespec ts{static_cast<time_t>(left.ns / 1000000000), static_cast<long>(left.ns % 1000000000)};
    int n = rx_scheduled_ ? 0 : ::ppoll(&pf, 1, &ts, nullptr);
    if (rx_scheduled_ && left.ns > 0) {  // a drain is already due: only wait for the wall clock
      ::nanosleep(&ts, nullptr);
      n = 0;
    }
    if (n < 0 && errno == EINTR) continue;  // a signal: bootsim's interrupt flag is checked by the caller
    wall = wall_now();
    SimTime at = to;
    if (n > 0 && (pf.revents & POLLIN)) {
      at = std::max(from, std::min(to, wall));
      rx_scheduled_ = true;
      std::weak_ptr<int> alive = alive_;
      sched_.schedule_at(at, "tap.rx", [this, alive] {
        if (alive.lock()) drain();
      });
    } else if (wall < to) {
      continue;  // ppoll's timeout ended a little early
    }
    if (at > wall && at - wall > stats_.max_ahead) stats_.max_ahead = at - wall;
    if (wall > at && wall - at > stats_.max_behind) stats_.max_behind = wall - at;
    return at;
  }
}

void TapHost::drain() {
  rx_scheduled_ = false;
  std::vector<std::uint8_t> buf(65536);
  for (;;) {
    ssize_t n = ::read(servers_.tap_fd(), buf.data(), buf.size());
    if (n <= 0) break;
    ++stats_.frames_in;
    to_guests_(std::vector<std::uint8_t>(buf.begin(), buf.begin() + n));
  }
}

}  // namespace bootsim
