// Ethernet frames as they cross the wire: the UDP/IPv4 and ARP parsers the boot servers use, the RDNSS
// filter on router advertisements, and the report's one-line frame decoder (trace hex back to protocols).
//
// Input: one Ethernet frame, as is.
// Properties: nothing crashes; a parsed UDP datagram rebuilds (build_udp_frame) into a frame that parses to
// the same datagram; a parsed ARP packet likewise; stripping RDNSS leaves a consistent frame that has none
// left to strip.
#include <string>

#include "fuzz_input.h"
#include "reports/frame_summary.h"
#include "sim/proto/packet.h"

using namespace bootsim;

namespace {

std::string hex(const std::vector<std::uint8_t>& b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (std::uint8_t c : b) {
    s += digits[c >> 4];
    s += digits[c & 15];
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> frame(data, data + size);
  (void)ethertype_of(frame);

  if (auto d = parse_udp_frame(frame)) {
    auto again = parse_udp_frame(build_udp_frame(*d, 7));
    FUZZ_CHECK(again, "a rebuilt UDP frame does not parse");
    FUZZ_CHECK(again->src_mac == d->src_mac && again->dst_mac == d->dst_mac && again->src_ip == d->src_ip &&
                   again->dst_ip == d->dst_ip && again->src_port == d->src_port && again->dst_port == d->dst_port &&
                   again->payload == d->payload,
               "a UDP datagram changed in a rebuild");
  }
  if (auto a = parse_arp_frame(frame)) {
    auto again = parse_arp_frame(build_arp_frame(*a, kBroadcastMac));
    FUZZ_CHECK(again, "a rebuilt ARP frame does not parse");
    FUZZ_CHECK(again->op == a->op && again->sender_mac == a->sender_mac && again->sender_ip == a->sender_ip &&
                   again->target_mac == a->target_mac && again->target_ip == a->target_ip,
               "an ARP packet changed in a rebuild");
  }
  std::vector<std::uint8_t> ra = frame;
  if (strip_ra_rdnss(ra)) {
    FUZZ_CHECK(ra.size() < frame.size(), "stripping RDNSS did not shorten the frame");
    std::vector<std::uint8_t> twice = ra;
    FUZZ_CHECK(!strip_ra_rdnss(twice), "RDNSS left after stripping it");
  }

  auto s = reports::summarize_frame(frame);
  FUZZ_CHECK(!s.protocol.empty(), "a frame summary without a protocol");
  auto h = reports::summarize_frame_hex(hex(frame));
  FUZZ_CHECK(h.protocol == s.protocol && h.label == s.label, "the hex and byte decoders disagree");
  // The trace's hex is trusted but not checked: odd lengths and non-hex digits must not crash either.
  (void)reports::summarize_frame_hex(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
