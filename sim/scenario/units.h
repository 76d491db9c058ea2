// Typed parsers for scenario values. Each returns nullopt on anything it does not accept exactly (no
// leading or trailing spaces, no missing unit); the loader turns that into a located ScenarioError.
// Durations use bootsim::parse_duration (sim/core/sim_time.h), MACs parse_mac (sim/proto/mac.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bootsim::scenario {

/// "true"/"false"/"on"/"off".
std::optional<bool> parse_bool(const std::string& text);
/// Decimal digits only, no sign: "64".
std::optional<std::uint64_t> parse_uint(const std::string& text);
/// A percentage "0%".."100%" (decimals allowed: "2.5%") as a probability in [0,1].
std::optional<double> parse_percent(const std::string& text);
/// A bit rate: "100Mbps", "1Gbps", "10Gbps", "9600bps", "1.5Mbps" (decimal prefixes) → bits per second.
std::optional<std::uint64_t> parse_bitrate(const std::string& text);
/// A memory size with binary units: "640KiB", "64MiB", "1GiB", "4096B" → bytes.
std::optional<std::uint64_t> parse_bytes(const std::string& text);
/// Dotted quad with nothing else: "10.0.2.15" → host order. (Stricter than net::parse_ipv4.)
std::optional<std::uint32_t> parse_ipv4_strict(const std::string& text);
/// "10.0.2.0/24" → (network address, prefix length). Host bits must be zero.
std::optional<std::pair<std::uint32_t, int>> parse_cidr(const std::string& text);

/// Sweep ranges for `bootsim sweep --vary PARAM=RANGE`:
///   FROM..TO/STEP   "1s..20s/1s", "5..15/5", "0%..20%/5%", "8.5s..10s/0.5s": inclusive, exact decimal
///                   arithmetic; all three must carry the same unit (or none), FROM <= TO, STEP > 0,
///                   and TO - FROM a whole number of STEPs.
///   A,B,C           an explicit list, "off,on" or "5s,10s,13s".
///   VALUE           a single value.
/// Returns the values as the loader will read them ("1s", "2s", …). Throws InputError naming the text
/// on a malformed range, mismatched units, or more than 10000 values.
std::vector<std::string> parse_range(const std::string& text);

}  // namespace bootsim::scenario
