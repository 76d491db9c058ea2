#include "sim/net/slirp_host.h"

#include <arpa/inet.h>

#include <atomic>
#include <climits>
#include <stdexcept>

namespace bootsim {

namespace {

// libslirp's curtime is process-wide (ref/slirp-notes.md §1): enforce one live instance.
std::atomic<int> g_live_instances{0};

in_addr to_in_addr(std::uint32_t host_order) {
  in_addr a;
  a.s_addr = htonl(host_order);
  return a;
}

in6_addr parse6(const char* text) {
  in6_addr a{};
  inet_pton(AF_INET6, text, &a);
  return a;
}

// Slirp stays this many ms between polls at most while idle (fill caps at 1000 anyway).
constexpr std::uint32_t kIdlePollMs = 1000;
// Rounds of the driver loop at one virtual time before giving up on "nothing moved".
constexpr int kMaxRounds = 256;

}  // namespace

SlirpHost::SlirpHost(Scheduler& sched, Trace& trace, SlirpHostConfig config, FrameSink to_guest)
    : sched_(sched), trace_(trace), config_(std::move(config)), to_guest_(std::move(to_guest)) {
  if (g_live_instances.fetch_add(1) != 0) {
    g_live_instances.fetch_sub(1);
    throw std::logic_error("SlirpHost: another instance is alive (libslirp's clock is process-wide)");
  }
  SlirpConfig cfg{};
  cfg.version = 4;
  cfg.restricted = 1;  // no host sockets, no host resolver (ref/slirp-notes.md §4, §5)
  cfg.in_enabled = true;
  cfg.vnetwork = to_in_addr(config_.vnetwork);
  cfg.vnetmask = to_in_addr(config_.vnetmask);
  cfg.vhost = to_in_addr(config_.vhost);
  cfg.in6_enabled = config_.in6_enabled;
  cfg.vprefix_addr6 = parse6("fec0::");
  cfg.vprefix_len = 64;
  cfg.vhost6 = parse6("fec0::2");
  cfg.vnameserver6 = parse6("fec0::3");
  cfg.tftp_path = config_.tftp_path.empty() ? nullptr : config_.tftp_path.c_str();
  cfg.vdhcp_start = to_in_addr((config_.vnetwork & config_.vnetmask) | 15);
  cfg.vnameserver = to_in_addr(config_.vnameserver);
  cfg.disable_host_loopback = true;
  cfg.disable_dns = true;
  cfg.disable_dhcp = true;

  static const SlirpCb callbacks = [] {
    SlirpCb cb{};
    cb.send_packet = &SlirpHost::cb_send_packet;
    cb.guest_error = &SlirpHost::cb_guest_error;
    cb.clock_get_ns = &SlirpHost::cb_clock_get_ns;
    cb.timer_free = &SlirpHost::cb_timer_free;
    cb.timer_mod = &SlirpHost::cb_timer_mod;
    cb.register_poll_fd = &SlirpHost::cb_register_poll_fd;
    cb.unregister_poll_fd = &SlirpHost::cb_unregister_poll_fd;
    cb.notify = &SlirpHost::cb_notify;
    cb.timer_new_opaque = &SlirpHost::cb_timer_new_opaque;
    return cb;
  }();
  slirp_ = slirp_new(&cfg, &callbacks, this);
  if (!slirp_) {
    g_live_instances.fetch_sub(1);
    throw std::runtime_error("slirp_new failed (bad network configuration?)");
  }
  // The first poll sets slirp's curtime (it is only updated in slirp_pollfds_poll) and arms the loop.
  pump();
}

SlirpHost::~SlirpHost() {
  if (poll_event_) sched_.cancel(poll_event_);
  if (pump_event_) sched_.cancel(pump_event_);
  slirp_cleanup(slirp_);  // may still call timer_free / unregister_poll_fd on us
  for (auto& [h, t] : timers_)
    if (t->event) sched_.cancel(t->event);
  g_live_instances.fetch_sub(1);
}

bool SlirpHost::add_unix(const std::string& path, std::uint32_t addr, std::uint16_t port) {
  in_addr a = to_in_addr(addr);
  return slirp_add_unix(slirp_, path.c_str(), &a, port) == 0;
}

bool SlirpHost::remove_unix(std::uint32_t addr, std::uint16_t port) {
  return slirp_remove_guestfwd(slirp_, to_in_addr(addr), port) == 0;
}

void SlirpHost::input(const std::vector<std::uint8_t>& frame) {
  // slirp_input reads curtime as of the last poll: bring it to now first (TFTP slot expiry, ACK timing).
  if (sched_.now() != last_poll_) pump();
  ++stats_.frames_in;
  slirp_input(slirp_, frame.data(), static_cast<int>(frame.size()));
  pump();
}

void SlirpHost::request_pump() {
  if (pump_event_ || in_pump_) {
    again_ = true;
    return;
  }
  pump_event_ = sched_.schedule_in(SimTime{}, "slirp.pump", [this] {
    pump_event_ = 0;
    pump();
  });
}

bool SlirpHost::poll_once(std::uint32_t* timeout_ms) {
  pollfds_.clear();
  *timeout_ms = UINT32_MAX;
  slirp_pollfds_fill(slirp_, timeout_ms, &SlirpHost::cb_add_poll, this);
  bool ready = false;
  if (!pollfds_.empty()) {
    // Only our own in-process Unix sockets are polled (restricted mode opens nothing else), with a zero
    // timeout: their state changes only when this thread reads or writes, so the answer is deterministic.
    int n = ::poll(pollfds_.data(), pollfds_.size(), 0);
    ready = n > 0;
  }
  slirp_pollfds_poll(slirp_, 0, &SlirpHost::cb_get_revents, this);
  last_poll_ = sched_.now();
  return ready;
}

bool SlirpHost::flush_out() {
  bool any = !out_.empty();
  while (!out_.empty()) {
    std::vector<std::uint8_t> f = std::move(out_.front());
    out_.pop_front();
    ++stats_.frames_out;
    to_guest_(std::move(f));
  }
  return any;
}

void SlirpHost::pump() {
  if (in_pump_) {
    again_ = true;
    return;
  }
  in_pump_ = true;
  ++stats_.pumps;
  std::uint32_t timeout = kIdlePollMs;
  for (int round = 0; round < kMaxRounds; ++round) {
    ++stats_.rounds;
    again_ = false;
    notified_ = false;
    bool moved = false;
    for (auto& svc : services_) moved |= svc();
    moved |= poll_once(&timeout);
    moved |= flush_out();
    if (!moved && !again_ && !notified_) break;
  }
  // One pending periodic poll, at the timeout slirp asked for (TCP's timers count polls).
  schedule_poll(timeout);
  in_pump_ = false;
}

void SlirpHost::schedule_poll(std::uint32_t timeout_ms) {
  if (timeout_ms > kIdlePollMs) timeout_ms = kIdlePollMs;
  if (poll_event_) sched_.cancel(poll_event_);
  poll_event_ = sched_.schedule_in(SimTime::from_ms(timeout_ms), "slirp.poll", [this] {
    poll_event_ = 0;
    pump();
  });
}

void SlirpHost::fire_timer(std::uint64_t handle) {
  auto it = timers_.find(handle);
  if (it == timers_.end()) return;
  Timer& t = *it->second;
  t.event = 0;
  ++stats_.timers_fired;
  trace_.emit(sched_.now(), "slirp", trace_kind::SlirpTimer{static_cast<int>(t.id)});
  slirp_handle_timer(slirp_, t.id, t.cb_opaque);
  pump();
}

// --- SlirpCb -------------------------------------------------------------------------------------------

ssize_t SlirpHost::cb_send_packet(const void* buf, size_t len, void* opaque) {
  auto* self = static_cast<SlirpHost*>(opaque);
  const auto* p = static_cast<const std::uint8_t*>(buf);
  self->out_.emplace_back(p, p + len);  // only queue: the pump delivers (never re-enter slirp here)
  return static_cast<ssize_t>(len);
}

void SlirpHost::cb_guest_error(const char* msg, void* opaque) {
  auto* self = static_cast<SlirpHost*>(opaque);
  self->trace_.emit(self->sched_.now(), "slirp", trace_kind::GuestError{msg ? msg : ""});
}

int64_t SlirpHost::cb_clock_get_ns(void* opaque) { return static_cast<SlirpHost*>(opaque)->slirp_clock_ns(); }

void* SlirpHost::cb_timer_new_opaque(SlirpTimerId id, void* cb_opaque, void* opaque) {
  auto* self = static_cast<SlirpHost*>(opaque);
  std::uint64_t h = self->next_timer_++;
  auto t = std::make_unique<Timer>(Timer{h, id, cb_opaque});
  Timer* raw = t.get();
  self->timers_.emplace(h, std::move(t));
  return raw;
}

void SlirpHost::cb_timer_free(void* timer, void* opaque) {
  auto* self = static_cast<SlirpHost*>(opaque);
  auto* t = static_cast<Timer*>(timer);
  if (t->event) self->sched_.cancel(t->event);
  self->timers_.erase(t->handle);
}

void SlirpHost::cb_timer_mod(void* timer, int64_t expire_ms, void* opaque) {
  auto* self = static_cast<SlirpHost*>(opaque);
  auto* t = static_cast<Timer*>(timer);
  if (t->event) self->sched_.cancel(t->event);
  SimTime at;
  if (t->id == SLIRP_TIMER_RA && self->config_.ra_interval.ns > 0) {
    // slirp draws the RA interval from an unseeded generator; ours is fixed, so runs repeat exactly.
    at = self->sched_.now() + self->config_.ra_interval;
  } else {
    at = SimTime::from_ms(expire_ms) - self->config_.clock_offset;
  }
  std::uint64_t h = t->handle;
  t->event = self->sched_.schedule_at(at, "slirp.timer", [self, h] { self->fire_timer(h); });
}

void SlirpHost::cb_register_poll_fd(int, void*) {}
void SlirpHost::cb_unregister_poll_fd(int, void*) {}

void SlirpHost::cb_notify(void* opaque) {
  auto* self = static_cast<SlirpHost*>(opaque);
  ++self->stats_.notifies;
  self->notified_ = true;
  self->request_pump();  // push again at the same virtual time (ref/slirp-notes.md §1 step 6)
}

int SlirpHost::cb_add_poll(int fd, int events, void* opaque) {
  auto* self = static_cast<SlirpHost*>(opaque);
  short ev = 0;
  if (events & SLIRP_POLL_IN) ev |= POLLIN;
  if (events & SLIRP_POLL_OUT) ev |= POLLOUT;
  if (events & SLIRP_POLL_PRI) ev |= POLLPRI;
  self->pollfds_.push_back(pollfd{fd, ev, 0});
  return static_cast<int>(self->pollfds_.size() - 1);
}

int SlirpHost::cb_get_revents(int idx, void* opaque) {
  auto* self = static_cast<SlirpHost*>(opaque);
  if (idx < 0 || static_cast<size_t>(idx) >= self->pollfds_.size()) return 0;
  short r = self->pollfds_[idx].revents;
  int out = 0;
  if (r & POLLIN) out |= SLIRP_POLL_IN;
  if (r & POLLOUT) out |= SLIRP_POLL_OUT;
  if (r & POLLPRI) out |= SLIRP_POLL_PRI;
  if (r & POLLERR) out |= SLIRP_POLL_ERR;
  if (r & POLLHUP) out |= SLIRP_POLL_HUP;
  return out;
}

}  // namespace bootsim
