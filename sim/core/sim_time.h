// Virtual time: one integer-nanosecond value type used everywhere in the simulation.
//
// Nothing in bootsim reads the host clock. A World owns one clock; every consumer (BIOS tick counter,
// PIT, NIC models, libslirp) derives its notion of "now" from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bootsim {

/// A point or span of virtual time in nanoseconds. Plain value, totally ordered.
struct SimTime {
  std::int64_t ns = 0;

  static constexpr SimTime from_ns(std::int64_t v) { return SimTime{v}; }
  static constexpr SimTime from_us(std::int64_t v) { return SimTime{v * 1000}; }
  static constexpr SimTime from_ms(std::int64_t v) { return SimTime{v * 1000000}; }
  static constexpr SimTime from_s(std::int64_t v) { return SimTime{v * 1000000000}; }
  static constexpr SimTime max() { return SimTime{INT64_MAX}; }

  constexpr double seconds() const { return static_cast<double>(ns) / 1e9; }

  friend constexpr bool operator==(SimTime a, SimTime b) { return a.ns == b.ns; }
  friend constexpr bool operator!=(SimTime a, SimTime b) { return a.ns != b.ns; }
  friend constexpr bool operator<(SimTime a, SimTime b) { return a.ns < b.ns; }
  friend constexpr bool operator<=(SimTime a, SimTime b) { return a.ns <= b.ns; }
  friend constexpr bool operator>(SimTime a, SimTime b) { return a.ns > b.ns; }
  friend constexpr bool operator>=(SimTime a, SimTime b) { return a.ns >= b.ns; }
  friend constexpr SimTime operator+(SimTime a, SimTime b) { return SimTime{a.ns + b.ns}; }
  friend constexpr SimTime operator-(SimTime a, SimTime b) { return SimTime{a.ns - b.ns}; }
  SimTime& operator+=(SimTime b) { ns += b.ns; return *this; }
};

/// Parses "10s", "250ms", "1.5s", "40us", "100ns", "2m" into a SimTime. No unit, a negative value or
/// trailing garbage yields nullopt (callers turn that into a located error).
std::optional<SimTime> parse_duration(std::string_view text);

/// "12.345678s" with microsecond resolution, for console timestamps and messages.
std::string format_time(SimTime t);

}  // namespace bootsim
