#include "sim/net/dhcp_server.h"

namespace bootsim {

std::uint32_t DhcpServer::lease_for(const Mac& mac) {
  auto it = leases_.find(mac);
  if (it != leases_.end()) return it->second;
  if (leases_.size() >= config_.pool_size) return 0;
  std::uint32_t ip = config_.pool_start + static_cast<std::uint32_t>(leases_.size());
  leases_[mac] = ip;
  return ip;
}

std::optional<DhcpServer::Reply> DhcpServer::handle(const UdpDatagram& req, std::string* why) {
  auto fail = [&](const std::string& w) -> std::optional<Reply> {
    if (why) *why = w;
    return std::nullopt;
  };
  std::string err;
  auto pkt = DhcpPacket::decode(req.payload.data(), req.payload.size(), &err);
  if (!pkt) return fail("malformed: " + err);
  if (pkt->op != 1 || pkt->htype != 1 || pkt->hlen != 6) return fail("not a BOOTREQUEST for Ethernet");
  std::uint8_t type = pkt->message_type();
  if (type != DHCPDISCOVER && type != DHCPREQUEST) return fail(std::string("ignored ") + dhcp_message_name(type));
  Mac mac;
  std::copy(pkt->chaddr.begin(), pkt->chaddr.begin() + 6, mac.begin());
  if (type == DHCPREQUEST) {
    // A REQUEST selecting another server is not for us.
    if (const DhcpOption* sid = pkt->find(54); sid && sid->data.size() == 4) {
      std::uint32_t s = std::uint32_t{sid->data[0]} << 24 | sid->data[1] << 16 | sid->data[2] << 8 | sid->data[3];
      if (s != config_.server_ip) return fail("REQUEST for another server");
    }
  }
  std::uint32_t ip = lease_for(mac);
  if (!ip) return fail("address pool exhausted");

  DhcpPacket r;
  r.op = 2;
  r.xid = pkt->xid;
  r.flags = pkt->flags;
  r.giaddr = pkt->giaddr;
  r.chaddr = pkt->chaddr;
  r.yiaddr = ip;
  r.siaddr = config_.next_server;
  bool ipxe = pkt->option_string(77) == "iPXE";
  r.file = ipxe && !config_.ipxe_filename.empty() ? config_.ipxe_filename : config_.rom_filename;
  r.set(53, {static_cast<std::uint8_t>(type == DHCPDISCOVER ? DHCPOFFER : DHCPACK)});
  r.set_u32(54, config_.server_ip);
  r.set_u32(51, config_.lease_seconds);
  r.set_u32(1, config_.netmask);
  if (config_.router) r.set_u32(3, config_.router);
  if (config_.dns) r.set_u32(6, config_.dns);
  r.set_string(66, format_ipv4(config_.next_server));
  r.set_string(67, r.file);

  UdpDatagram out;
  out.src_mac = config_.server_mac;
  out.src_ip = config_.server_ip;
  out.src_port = 67;
  out.dst_port = 68;
  // RFC 2131 §4.1: broadcast when the client asks for it or has no address yet.
  bool broadcast = (pkt->flags & 0x8000) || pkt->ciaddr == 0;
  out.dst_mac = broadcast ? kBroadcastMac : mac;
  out.dst_ip = broadcast ? 0xFFFFFFFF : ip;
  out.payload = r.encode();
  return Reply{build_udp_frame(out, ip_id_++), std::move(r)};
}

}  // namespace bootsim
