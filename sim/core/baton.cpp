#include "sim/core/baton.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace bootsim {

Baton::Baton(Scheduler& sched, size_t machines)
    : sched_(sched), slots_(std::make_unique<Slot[]>(machines)), count_(machines) {
  for (size_t i = 0; i < count_; ++i) slots_[i].wanted = sched_.now();
  // Everyone wants now, so machine 0 goes first. Events already due run at its first advance, as they
  // do for a lone machine, not here on the constructing thread.
  if (count_ > 0) holder_ = 0;
}

void Baton::start(size_t i) {
  std::unique_lock<std::mutex> lock(mu_);
  if (i >= count_) throw std::logic_error("baton: no machine " + std::to_string(i));
  slots_[i].cv.wait(lock, [&] { return holder_ == i; });
}

SimTime Baton::effective(const Slot& s) const {
  if (!s.on_event) return s.wanted;
  return std::min(s.wanted, std::max(sched_.next_event_time(), sched_.now()));
}

void Baton::hand_over(bool finishing) {
  size_t next = kNobody;
  SimTime at{};
  for (size_t j = 0; j < count_; ++j) {
    if (!slots_[j].active) continue;
    SimTime t = effective(slots_[j]);
    if (next == kNobody || t < at) {  // ties: the lower index, which came first in this loop
      next = j;
      at = t;
    }
  }
  if (next == kNobody) {
    holder_ = kNobody;
    return;
  }
  // The same two steps as a lone machine's Machine::advance_to. If an event throws, the baton stays
  // where it is (the caller's holder_), so that thread can still pass it on with done().
  if (at > sched_.now()) sched_.advance_to(at);
  try {
    sched_.run_due();
  } catch (...) {
    if (!finishing) throw;
    // A finished machine's thread has nobody to report to but run_boot: keep the first error for it
    // and still pass the baton on, or the other machines would wait forever.
    if (!error_) error_ = std::current_exception();
  }
  slots_[next].on_event = false;
  if (next == holder_) return;  // the giver goes on: nobody to wake
  ++handovers_;
  holder_ = next;
  // Only the chosen thread: notify under the lock, so that it cannot miss the change of holder_.
  slots_[next].cv.notify_one();
}

void Baton::advance(size_t i, SimTime t, Wake wake) {
  std::unique_lock<std::mutex> lock(mu_);
  if (i >= count_ || holder_ != i || !slots_[i].active)
    throw std::logic_error("baton: machine " + std::to_string(i) + " advanced without holding the baton");
  slots_[i].wanted = std::max(t, sched_.now());
  slots_[i].on_event = wake == Wake::kOnEvent;
  hand_over();
  slots_[i].cv.wait(lock, [&] { return holder_ == i; });
}

void Baton::done(size_t i) {
  std::lock_guard<std::mutex> lock(mu_);
  if (i >= count_ || !slots_[i].active) return;
  slots_[i].active = false;
  slots_[i].on_event = false;
  if (holder_ == i) hand_over(true);
}

std::exception_ptr Baton::error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

std::uint64_t Baton::handovers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return handovers_;
}

}  // namespace bootsim
