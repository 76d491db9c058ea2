// Ethernet, ARP, IPv4 and UDP framing for the boot servers and the trace decoders.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/proto/mac.h"

namespace bootsim {

struct UdpDatagram {
  Mac src_mac{}, dst_mac{};
  std::uint32_t src_ip = 0, dst_ip = 0;  // host byte order
  std::uint16_t src_port = 0, dst_port = 0;
  std::vector<std::uint8_t> payload;
};

struct ArpPacket {
  std::uint16_t op = 0;  // 1 request, 2 reply
  Mac sender_mac{}, target_mac{};
  std::uint32_t sender_ip = 0, target_ip = 0;
};

std::uint16_t ethertype_of(const std::vector<std::uint8_t>& frame);

/// IPv4/UDP frame -> datagram; nullopt for anything else, a bad IP header checksum, or truncation.
std::optional<UdpDatagram> parse_udp_frame(const std::vector<std::uint8_t>& frame);
/// Builds an Ethernet/IPv4/UDP frame with valid IP and UDP checksums. `ip_id` is the IPv4 identification.
std::vector<std::uint8_t> build_udp_frame(const UdpDatagram& d, std::uint16_t ip_id = 0);

std::optional<ArpPacket> parse_arp_frame(const std::vector<std::uint8_t>& frame);
std::vector<std::uint8_t> build_arp_frame(const ArpPacket& a, const Mac& eth_dst);

/// Removes RDNSS options (type 25) from an IPv6 router advertisement, fixing the payload length and the
/// ICMPv6 checksum; true when it changed the frame. libslirp adds RDNSS only when the *host's*
/// resolv.conf has an IPv6 server, so the guest would see the host: the wire removes it.
bool strip_ra_rdnss(std::vector<std::uint8_t>& frame);

/// RFC 1071 one's-complement sum folded to 16 bits (not inverted), starting from `sum`.
std::uint32_t checksum_add(const std::uint8_t* data, std::size_t len, std::uint32_t sum = 0);
std::uint16_t checksum_finish(std::uint32_t sum);

}  // namespace bootsim
