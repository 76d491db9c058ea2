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

}  // namespace bootsim
