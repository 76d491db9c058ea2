// slirp's IPv6 router advertisements carry an RDNSS option only when the host's resolv.conf lists an
// IPv6 server; the wire strips it so the guest sees the same RA on every host.
#include <gtest/gtest.h>

#include <vector>

#include "sim/proto/packet.h"

namespace bootsim {
namespace {

std::uint16_t get16(const std::vector<std::uint8_t>& f, std::size_t at) {
  return static_cast<std::uint16_t>(f[at] << 8 | f[at + 1]);
}

/// The ICMPv6 checksum check of RFC 4443: the sum over the pseudo-header and the message, checksum field
/// included, folds to 0xFFFF.
bool icmpv6_checksum_ok(const std::vector<std::uint8_t>& f) {
  std::size_t len = get16(f, 14 + 4);
  std::uint8_t pseudo[8] = {0, 0, static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len), 0, 0, 0, 58};
  std::uint32_t sum = checksum_add(&f[14 + 8], 32);
  sum = checksum_add(pseudo, 8, sum);
  sum = checksum_add(&f[14 + 40], len, sum);
  return checksum_finish(sum) == 0;
}

/// An RA as slirp 4.7 builds it (ndp_send_ra): header, source link-layer address, MTU, prefix information,
/// and, when `rdnss`, one RDNSS server.
std::vector<std::uint8_t> slirp_like_ra(bool rdnss) {
  std::vector<std::uint8_t> icmp = {134, 0, 0, 0, 255, 0, 0x0e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0};
  std::vector<std::uint8_t> sll = {1, 1, 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};
  std::vector<std::uint8_t> mtu = {5, 1, 0, 0, 0, 0, 0x05, 0xdc};
  std::vector<std::uint8_t> prefix(32, 0);
  prefix[0] = 3, prefix[1] = 4, prefix[2] = 64, prefix[3] = 0xc0, prefix[16] = 0xfe, prefix[17] = 0xc0;
  std::vector<std::uint8_t> dns(24, 0);
  dns[0] = 25, dns[1] = 3, dns[7] = 0x3c, dns[8] = 0xfe, dns[9] = 0xc0, dns[23] = 3;
  for (const auto* o : {&sll, &mtu, &prefix}) icmp.insert(icmp.end(), o->begin(), o->end());
  if (rdnss) icmp.insert(icmp.end(), dns.begin(), dns.end());

  std::vector<std::uint8_t> f = {0x33, 0x33, 0, 0, 0, 1, 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02, 0x86, 0xdd};
  std::vector<std::uint8_t> ip6(40, 0);
  ip6[0] = 0x60, ip6[4] = static_cast<std::uint8_t>(icmp.size() >> 8), ip6[5] = static_cast<std::uint8_t>(icmp.size());
  ip6[6] = 58, ip6[7] = 255;
  ip6[8] = 0xfe, ip6[9] = 0x80, ip6[23] = 2;  // fe80::2
  ip6[24] = 0xff, ip6[25] = 0x02, ip6[39] = 1;  // ff02::1
  f.insert(f.end(), ip6.begin(), ip6.end());
  f.insert(f.end(), icmp.begin(), icmp.end());
  std::size_t len = icmp.size();
  std::uint8_t pseudo[8] = {0, 0, static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len), 0, 0, 0, 58};
  std::uint32_t sum = checksum_add(&f[14 + 8], 32);
  sum = checksum_add(pseudo, 8, sum);
  sum = checksum_add(&f[54], len, sum);
  std::uint16_t c = checksum_finish(sum);
  f[54 + 2] = static_cast<std::uint8_t>(c >> 8), f[54 + 3] = static_cast<std::uint8_t>(c);
  return f;
}

TEST(net_router_advert, RdnssIsRemovedAndTheRestIsTheRaWithoutIt) {
  std::vector<std::uint8_t> with = slirp_like_ra(true), without = slirp_like_ra(false);
  ASSERT_TRUE(icmpv6_checksum_ok(with));
  ASSERT_TRUE(strip_ra_rdnss(with));
  EXPECT_EQ(with, without) << "the same bytes as an RA built without RDNSS, checksum included";
  EXPECT_TRUE(icmpv6_checksum_ok(with));
}

TEST(net_router_advert, OtherFramesAndRasWithoutRdnssAreLeftAlone) {
  std::vector<std::uint8_t> ra = slirp_like_ra(false), copy = ra;
  EXPECT_FALSE(strip_ra_rdnss(ra));
  EXPECT_EQ(ra, copy);
  std::vector<std::uint8_t> truncated = slirp_like_ra(true);
  truncated.resize(truncated.size() - 8);  // payload length now points past the end
  copy = truncated;
  EXPECT_FALSE(strip_ra_rdnss(truncated));
  EXPECT_EQ(truncated, copy);
  std::vector<std::uint8_t> zero_len_option = slirp_like_ra(true);
  zero_len_option[54 + 16 + 1] = 0;  // an option of length 0 would loop forever
  EXPECT_FALSE(strip_ra_rdnss(zero_len_option));
  std::vector<std::uint8_t> udp = build_udp_frame({});
  copy = udp;
  EXPECT_FALSE(strip_ra_rdnss(udp));
  EXPECT_EQ(udp, copy);
}

}  // namespace
}  // namespace bootsim
