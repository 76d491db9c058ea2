// One-line descriptions of Ethernet frames from the trace, for report markers: the protocol a frame
// carries (ARP, DHCP message type, TFTP opcode, TCP flags, ICMPv6 router solicitation, ...) and the
// addresses involved. Decoding is best effort: anything unknown or truncated still gets a summary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bootsim::reports {

struct FrameSummary {
  std::string protocol;  ///< short tag for colour and legend: "dhcp", "arp", "tftp", "tcp", "udp", "icmp",
                         ///< "icmpv6", "ipv4", "ipv6", "eth", "bad"
  std::string label;     ///< short, e.g. "DHCPDISCOVER", "ARP who-has 10.0.2.2", "TFTP RRQ undionly.kpxe"
  std::string detail;    ///< longer, one line per layer (MACs, IPs, ports, DHCP fields)
  std::uint32_t dhcp_xid = 0;   ///< valid when dhcp_type != 0
  std::uint8_t dhcp_type = 0;   ///< option 53, 0 = not DHCP
};

FrameSummary summarize_frame(const std::vector<std::uint8_t>& frame);
/// Same, from the trace's lowercase hex.
FrameSummary summarize_frame_hex(const std::string& hex);

}  // namespace bootsim::reports
