#include "sim/core/scheduler.h"

#include <algorithm>

#include <cassert>

namespace bootsim {

Scheduler::EventId Scheduler::schedule_at(SimTime at, std::string name, Callback cb) {
  if (at < now_) at = now_;
  Key key{at, next_seq_++};
  EventId id = key.seq + 1;
  events_.emplace(key, Event{id, std::move(name), std::move(cb)});
  index_.emplace(id, key);
  return id;
}

bool Scheduler::cancel(EventId id) {
  auto it = index_.find(id);
  if (it == index_.end()) return false;
  events_.erase(it->second);
  index_.erase(it);
  return true;
}

SimTime Scheduler::next_event_time() const {
  return events_.empty() ? SimTime::max() : events_.begin()->first.at;
}

void Scheduler::advance_to(SimTime t) {
  assert(t >= now_ && "virtual time never goes backwards");
  if (pacer_ && t > now_) t = std::max(now_, std::min(t, pacer_->reach(now_, t)));
  if (t > now_) now_ = t;
}

int Scheduler::run_due() {
  int ran = 0;
  while (!events_.empty() && events_.begin()->first.at <= now_) {
    auto node = events_.extract(events_.begin());
    index_.erase(node.mapped().id);
    node.mapped().cb();
    ++ran;
  }
  return ran;
}

}  // namespace bootsim
