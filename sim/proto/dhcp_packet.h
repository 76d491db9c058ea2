// DHCP/BOOTP messages (RFC 2131/2132): decode from and encode to the UDP payload.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/proto/uuid.h"

namespace bootsim {

struct DhcpOption {
  std::uint8_t code;
  std::vector<std::uint8_t> data;
};

struct DhcpPacket {
  std::uint8_t op = 1, htype = 1, hlen = 6, hops = 0;
  std::uint32_t xid = 0;
  std::uint16_t secs = 0, flags = 0;
  std::uint32_t ciaddr = 0, yiaddr = 0, siaddr = 0, giaddr = 0;  // host byte order
  std::array<std::uint8_t, 16> chaddr{};
  std::string sname, file;
  std::vector<DhcpOption> options;  ///< in wire order, without pad/end

  /// The option with `code`, or nullptr.
  const DhcpOption* find(std::uint8_t code) const;
  /// Option 53 (message type), 0 when absent.
  std::uint8_t message_type() const;
  std::string option_string(std::uint8_t code) const;
  /// The client UUID of option 97 (RFC 4578 §2.3: type 0, then the GUID with its first three fields
  /// little-endian); nullopt when the option is absent or not of that form.
  std::optional<Uuid> client_uuid() const;
  void set(std::uint8_t code, std::vector<std::uint8_t> data);
  void set_string(std::uint8_t code, const std::string& s) { set(code, {s.begin(), s.end()}); }
  void set_u32(std::uint8_t code, std::uint32_t v);

  /// BOOTP layout with the magic cookie and options, padded to at least 300 bytes.
  std::vector<std::uint8_t> encode() const;
  /// Parses a UDP payload. On failure returns nullopt and says why in `error` (truncated, bad cookie…).
  static std::optional<DhcpPacket> decode(const std::uint8_t* data, std::size_t len, std::string* error);
};

enum DhcpMessageType : std::uint8_t {
  DHCPDISCOVER = 1, DHCPOFFER = 2, DHCPREQUEST = 3, DHCPDECLINE = 4,
  DHCPACK = 5, DHCPNAK = 6, DHCPRELEASE = 7, DHCPINFORM = 8,
};
const char* dhcp_message_name(std::uint8_t type);

/// "10.0.2.15" <-> host-order address.
std::optional<std::uint32_t> parse_ipv4(const std::string& text);
std::string format_ipv4(std::uint32_t addr);

}  // namespace bootsim
