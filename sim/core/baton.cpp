#include "sim/core/baton.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace bootsim {

Baton::Baton(Scheduler& sched, size_t machines)
    : sched_(sched), slots_(std::make_unique<Slot[]>(machines)), count_(machines) {
  for (size_t i = 0; i < count_; ++i) slots_[i].wanted = sched_.now();
  // Everyone wants now, so machine 0 goes first. Events already due run at its first advance, as they
  // do for a lone machine, not here.
  if (count_ > 0) holder_ = 0;
}

void Baton::run(const std::function<void(size_t)>& body) {
  if (ran_) throw std::logic_error("baton: run called twice");
  ran_ = true;
  if (count_ == 0) return;
  struct Start {
    Baton* baton;
    size_t index;
  };
  // Every stack first: a machine that cannot have one must not leave the others waiting half-way.
  std::vector<Start> starts(count_);
  for (size_t i = 0; i < count_; ++i) {
    starts[i] = {this, i};
    slots_[i].fiber = std::make_unique<Fiber>(
        [](void* p) {
          auto* s = static_cast<Start*>(p);
          s->baton->fiber_main(s->index);
        },
        &starts[i]);
  }
  body_ = &body;
  switch_to(holder_);
  // Back here only when every machine has finished (fiber_main).
  body_ = nullptr;
  for (size_t i = 0; i < count_; ++i) slots_[i].fiber.reset();
}

void Baton::fiber_main(size_t i) {
  try {
    (*body_)(i);
  } catch (...) {
    if (!error_) error_ = std::current_exception();
  }
  slots_[i].active = false;
  slots_[i].on_event = false;
  switch_to(hand_over(true), true);
}

void Baton::switch_to(size_t to, bool finished) {
  if (to == running_) return;
  Fiber::Context& from = running_ == kNobody ? caller_ : slots_[running_].fiber->context();
  Fiber::Context& next = to == kNobody ? caller_ : slots_[to].fiber->context();
  running_ = to;
  from.switch_to(next, finished);
}

SimTime Baton::effective(const Slot& s) const {
  if (!s.on_event) return s.wanted;
  return std::min(s.wanted, std::max(sched_.next_event_time(), sched_.now()));
}

size_t Baton::hand_over(bool finishing) {
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
    return kNobody;
  }
  // The same two steps as a lone machine's Machine::advance_to. If an event throws, the baton stays
  // where it is (holder_), so that machine can still pass it on when it finishes.
  if (at > sched_.now()) sched_.advance_to(at);
  try {
    sched_.run_due();
  } catch (...) {
    if (!finishing) throw;
    // A finished machine has nobody to report to but run()'s caller: keep the first error for it and
    // still pass the baton on, or the other machines would never run again.
    if (!error_) error_ = std::current_exception();
  }
  slots_[next].on_event = false;
  if (next != holder_) ++handovers_;
  holder_ = next;
  return next;
}

void Baton::advance(size_t i, SimTime t, Wake wake) {
  // From machine i's own fiber only (whenever a fiber runs, it is the holder: hand_over picks, then switches).
  if (i >= count_ || running_ != i || !slots_[i].active)
    throw std::logic_error("baton: machine " + std::to_string(i) + " advanced without holding the baton");
  slots_[i].wanted = std::max(t, sched_.now());
  slots_[i].on_event = wake == Wake::kOnEvent;
  switch_to(hand_over());
  // Continued: whoever handed over chose i (hand_over set holder_ = i before switching here).
}

}  // namespace bootsim
