// The one MAC address type: six bytes in wire order, as they appear in an Ethernet header.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace bootsim {

using Mac = std::array<std::uint8_t, 6>;
constexpr Mac kBroadcastMac{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/// Parses "52:54:00:12:34:56" (or with '-'); nullopt on anything else.
std::optional<Mac> parse_mac(const std::string& text);
/// "52:54:00:12:34:56", lowercase.
std::string format_mac(const Mac& mac);

}  // namespace bootsim
