#include "sim/scenario/pacing_json.h"

namespace bootsim::scenario {

nlohmann::json pacing_json(const TapHost::Stats& s) {
  return {{"max_ahead_ns", s.max_ahead.ns}, {"max_behind_ns", s.max_behind.ns}, {"waits", s.waits},
          {"frames_in", s.frames_in}, {"frames_out", s.frames_out}};
}

TapHost::Stats pacing_from_json(const nlohmann::json& j) {
  TapHost::Stats s;
  s.max_ahead = SimTime::from_ns(j.value("max_ahead_ns", std::int64_t{0}));
  s.max_behind = SimTime::from_ns(j.value("max_behind_ns", std::int64_t{0}));
  s.waits = j.value("waits", std::uint64_t{0});
  s.frames_in = j.value("frames_in", std::uint64_t{0});
  s.frames_out = j.value("frames_out", std::uint64_t{0});
  return s;
}

}  // namespace bootsim::scenario
