#include "firmware/cached_ack.h"

#include "sim/proto/dhcp_packet.h"

namespace bootsim {

std::vector<std::uint8_t> build_cached_ack(const Mac& mac, const CachedAckParams& p) {
  DhcpPacket ack;
  ack.op = 2;
  ack.xid = p.xid;
  ack.yiaddr = p.client_ip;
  ack.siaddr = p.server_ip;
  std::copy(mac.begin(), mac.end(), ack.chaddr.begin());
  ack.file = p.filename;
  ack.set(53, {DHCPACK});
  ack.set_u32(54, p.server_ip);
  ack.set_u32(51, 86400);
  ack.set_u32(1, p.netmask);
  ack.set_u32(3, p.server_ip);
  return ack.encode();
}

std::vector<std::uint8_t> build_cached_discover(const Mac& mac, std::uint32_t xid) {
  DhcpPacket d;
  d.op = 1;
  d.xid = xid;
  d.flags = 0x8000;
  std::copy(mac.begin(), mac.end(), d.chaddr.begin());
  d.set(53, {DHCPDISCOVER});
  d.set(57, {0x05, 0xC0});
  d.set(55, {1, 2, 3, 5, 6, 11, 12, 13, 15, 16, 17, 18, 43, 54, 60, 66, 67, 128, 129, 130, 131, 132, 133, 134, 135});
  d.set(94, {1, 2, 1});
  d.set(93, {0, 0});
  d.set_string(60, "PXEClient:Arch:00000:UNDI:002001");
  return d.encode();
}

}  // namespace bootsim
