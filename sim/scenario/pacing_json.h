// An external run's pacing statistics (TapHost::Stats) as JSON, for the result files that carry a
// variant's result from a worker process or a shard back to the process that writes the reports.
#pragma once

#include <nlohmann/json.hpp>

#include "sim/net/tap_host.h"

namespace bootsim::scenario {

/// {"max_ahead_ns", "max_behind_ns", "waits", "frames_in", "frames_out"}
nlohmann::json pacing_json(const TapHost::Stats& s);
/// The inverse of pacing_json; missing fields are zero.
TapHost::Stats pacing_from_json(const nlohmann::json& j);

}  // namespace bootsim::scenario
