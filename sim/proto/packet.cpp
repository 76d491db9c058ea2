#include "sim/proto/packet.h"

#include <algorithm>

namespace bootsim {

namespace {
std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t get32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
void put16(std::uint8_t* p, std::uint16_t v) { p[0] = v >> 8; p[1] = v & 0xFF; }
void put32(std::uint8_t* p, std::uint32_t v) { p[0] = v >> 24; p[1] = (v >> 16) & 0xFF; p[2] = (v >> 8) & 0xFF; p[3] = v & 0xFF; }
}  // namespace

std::uint32_t checksum_add(const std::uint8_t* data, std::size_t len, std::uint32_t sum) {
  for (std::size_t i = 0; i + 1 < len; i += 2) sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  if (len & 1) sum += static_cast<std::uint32_t>(data[len - 1] << 8);
  return sum;
}

std::uint16_t checksum_finish(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xFFFF);
}

bool strip_ra_rdnss(std::vector<std::uint8_t>& f) {
  constexpr std::size_t kIp6 = 14, kIcmp = kIp6 + 40, kOptions = kIcmp + 16;  // RA header is 16 bytes
  if (f.size() < kOptions || ethertype_of(f) != 0x86DD || f[kIp6 + 6] != 58 || f[kIcmp] != 134) return false;
  std::size_t end = kIcmp + get16(&f[kIp6 + 4]);
  if (end > f.size()) return false;
  std::vector<std::uint8_t> kept(f.begin(), f.begin() + kOptions);
  bool changed = false;
  for (std::size_t o = kOptions; o + 2 <= end;) {
    std::size_t len = f[o + 1] * 8u;
    if (len == 0 || o + len > end) return false;  // malformed: leave it to the guest as it is
    if (f[o] == 25) changed = true;
    else kept.insert(kept.end(), f.begin() + o, f.begin() + o + len);
    o += len;
  }
  if (!changed) return false;
  kept.insert(kept.end(), f.begin() + end, f.end());  // Ethernet padding, if any
  std::size_t payload = kept.size() - kIcmp - (f.size() - end);
  put16(&kept[kIp6 + 4], static_cast<std::uint16_t>(payload));
  put16(&kept[kIcmp + 2], 0);
  std::uint8_t pseudo[8] = {0, 0, static_cast<std::uint8_t>(payload >> 8), static_cast<std::uint8_t>(payload), 0, 0, 0, 58};
  std::uint32_t sum = checksum_add(&kept[kIp6 + 8], 32);  // source and destination addresses
  sum = checksum_add(pseudo, sizeof pseudo, sum);
  sum = checksum_add(&kept[kIcmp], payload, sum);
  put16(&kept[kIcmp + 2], checksum_finish(sum));
  f = std::move(kept);
  return true;
}

std::uint16_t ethertype_of(const std::vector<std::uint8_t>& f) { return f.size() >= 14 ? get16(&f[12]) : 0; }

std::optional<UdpDatagram> parse_udp_frame(const std::vector<std::uint8_t>& f) {
  if (f.size() < 14 + 20 + 8 || ethertype_of(f) != 0x0800) return std::nullopt;
  const std::uint8_t* ip = f.data() + 14;
  if ((ip[0] >> 4) != 4) return std::nullopt;
  std::size_t ihl = (ip[0] & 0x0F) * 4u;
  std::size_t total = get16(ip + 2);
  if (ihl < 20 || total < ihl + 8 || 14 + total > f.size() || ip[9] != 17) return std::nullopt;
  if (checksum_finish(checksum_add(ip, ihl)) != 0) return std::nullopt;
  if ((get16(ip + 6) & 0x3FFF) != 0) return std::nullopt;  // fragments are not reassembled here
  const std::uint8_t* udp = ip + ihl;
  std::size_t ulen = get16(udp + 4);
  if (ulen < 8 || ihl + ulen > total) return std::nullopt;
  UdpDatagram d;
  std::copy(f.begin(), f.begin() + 6, d.dst_mac.begin());
  std::copy(f.begin() + 6, f.begin() + 12, d.src_mac.begin());
  d.src_ip = get32(ip + 12);
  d.dst_ip = get32(ip + 16);
  d.src_port = get16(udp);
  d.dst_port = get16(udp + 2);
  d.payload.assign(udp + 8, udp + ulen);
  return d;
}

std::vector<std::uint8_t> build_udp_frame(const UdpDatagram& d, std::uint16_t ip_id) {
  std::size_t ulen = 8 + d.payload.size();
  std::vector<std::uint8_t> f(14 + 20 + ulen, 0);
  std::copy(d.dst_mac.begin(), d.dst_mac.end(), f.begin());
  std::copy(d.src_mac.begin(), d.src_mac.end(), f.begin() + 6);
  put16(&f[12], 0x0800);
  std::uint8_t* ip = &f[14];
  ip[0] = 0x45;
  put16(ip + 2, static_cast<std::uint16_t>(20 + ulen));
  put16(ip + 4, ip_id);
  ip[8] = 64;
  ip[9] = 17;
  put32(ip + 12, d.src_ip);
  put32(ip + 16, d.dst_ip);
  put16(ip + 10, checksum_finish(checksum_add(ip, 20)));
  std::uint8_t* udp = ip + 20;
  put16(udp, d.src_port);
  put16(udp + 2, d.dst_port);
  put16(udp + 4, static_cast<std::uint16_t>(ulen));
  std::copy(d.payload.begin(), d.payload.end(), udp + 8);
  std::uint8_t pseudo[12];
  put32(pseudo, d.src_ip);
  put32(pseudo + 4, d.dst_ip);
  pseudo[8] = 0;
  pseudo[9] = 17;
  put16(pseudo + 10, static_cast<std::uint16_t>(ulen));
  std::uint16_t sum = checksum_finish(checksum_add(udp, ulen, checksum_add(pseudo, 12)));
  put16(udp + 6, sum ? sum : 0xFFFF);
  if (f.size() < 60) f.resize(60, 0);
  return f;
}

std::optional<ArpPacket> parse_arp_frame(const std::vector<std::uint8_t>& f) {
  if (f.size() < 14 + 28 || ethertype_of(f) != 0x0806) return std::nullopt;
  const std::uint8_t* a = f.data() + 14;
  if (get16(a) != 1 || get16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4) return std::nullopt;
  ArpPacket p;
  p.op = get16(a + 6);
  std::copy(a + 8, a + 14, p.sender_mac.begin());
  p.sender_ip = get32(a + 14);
  std::copy(a + 18, a + 24, p.target_mac.begin());
  p.target_ip = get32(a + 24);
  return p;
}

std::vector<std::uint8_t> build_arp_frame(const ArpPacket& p, const Mac& eth_dst) {
  std::vector<std::uint8_t> f(60, 0);
  std::copy(eth_dst.begin(), eth_dst.end(), f.begin());
  std::copy(p.sender_mac.begin(), p.sender_mac.end(), f.begin() + 6);
  put16(&f[12], 0x0806);
  std::uint8_t* a = &f[14];
  put16(a, 1);
  put16(a + 2, 0x0800);
  a[4] = 6;
  a[5] = 4;
  put16(a + 6, p.op);
  std::copy(p.sender_mac.begin(), p.sender_mac.end(), a + 8);
  put32(a + 14, p.sender_ip);
  std::copy(p.target_mac.begin(), p.target_mac.end(), a + 18);
  put32(a + 24, p.target_ip);
  return f;
}

}  // namespace bootsim
