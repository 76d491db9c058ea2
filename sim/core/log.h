// The human log: what a person debugging a run reads, on stderr, one line per thing that happened, each with
// the virtual time and the object it happened to:
//
//   [   13.009077s] [r640-01] info: link up (autoneg_complete)
//
// It is not the trace (the trace is the record that verdicts and reports are computed from, sim/core/trace.h)
// and not the guest console (stdout). Lines come from the trace as events are emitted (trace_log.h), so no
// component logs by itself. spdlog underneath: one process-wide logger, like stderr itself, set once by the
// CLI's --log-level before anything runs; forked workers inherit it. The pattern has no wall-clock field:
// two runs of one scenario log the same lines.
//
//   log::set_level(log::Level::kInfo);
//   log::write(log::Level::kInfo, sched.now(), "r640-01", "link up");
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/sim_time.h"

namespace spdlog::sinks {
class sink;
}

namespace bootsim::log {

/// Severity, lowest first. kOff logs nothing.
enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };

/// "trace", "debug", "info", "warn", "error", "off".
const char* to_string(Level level);
/// The names to_string gives, lowest first (for --log-level's help and check).
std::vector<std::string> level_names();
/// The level named `name` (as to_string spells it), or nullopt.
std::optional<Level> parse_level(const std::string& name);

/// Sets the level below which lines are not written (default kWarn: today nothing is logged at warn or above,
/// so the default output is what it was before the log existed).
void set_level(Level level);
Level level();
/// True when a line at `level` would be written: callers skip building lines nobody reads.
bool enabled(Level level);

/// Writes "[time] [object] level: text" when `level` is enabled.
void write(Level level, SimTime t, const std::string& object, const std::string& text);

/// Replaces where lines go (default: stderr); tests capture them. nullptr restores stderr.
void set_sink(std::shared_ptr<spdlog::sinks::sink> sink);

}  // namespace bootsim::log
