#include "sim/net/dhcp_server.h"

#include <algorithm>
#include <cstdio>

namespace bootsim {

namespace {

std::uint32_t be32(const std::vector<std::uint8_t>& d) {
  return std::uint32_t{d[0]} << 24 | std::uint32_t{d[1]} << 16 | std::uint32_t{d[2]} << 8 | d[3];
}

std::string mac_text(const std::array<std::uint8_t, 16>& chaddr) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", chaddr[0], chaddr[1], chaddr[2], chaddr[3],
                chaddr[4], chaddr[5]);
  return buf;
}

}  // namespace

std::uint32_t DhcpServer::lease_for(const Mac& mac) {
  auto it = leases_.find(mac);
  if (it != leases_.end()) return it->second;
  if (leases_.size() >= config_.pool_size) return 0;
  std::uint32_t ip = config_.pool_start + static_cast<std::uint32_t>(leases_.size());
  leases_[mac] = ip;
  return ip;
}

std::uint32_t DhcpServer::lease_of(const Mac& mac) const {
  auto it = leases_.find(mac);
  return it == leases_.end() ? 0 : it->second;
}

void DhcpServer::set_reply_params(const DhcpServerConfig& c) {
  config_.reply_delay = c.reply_delay;
  config_.drop_rate = c.drop_rate;
  config_.rom_filename = c.rom_filename;
  config_.ipxe_filename = c.ipxe_filename;
  config_.lease_seconds = c.lease_seconds;
}

bool DhcpServer::roll_drop() {
  if (config_.drop_rate <= 0.0) return false;
  // 53 random bits as a fraction in [0, 1): same on every standard library (distributions are not).
  double u = static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0);
  return u < config_.drop_rate;
}

bool DhcpServer::is_ipxe_client(const DhcpPacket& p) {
  const DhcpOption* o = p.find(77);
  if (!o) return false;
  static const std::string kIpxe = "iPXE";
  std::string raw(o->data.begin(), o->data.end());
  if (raw == kIpxe) return true;
  // RFC 3004: a list of length-prefixed class names.
  for (std::size_t i = 0; i < o->data.size();) {
    std::size_t n = o->data[i];
    if (i + 1 + n > o->data.size()) break;
    if (std::string(o->data.begin() + static_cast<long>(i) + 1, o->data.begin() + static_cast<long>(i + 1 + n)) == kIpxe)
      return true;
    i += 1 + n;
  }
  return false;
}

std::string DhcpServer::boot_file_for(const DhcpPacket& p) const {
  std::string rom = config_.rom_filename, ipxe = config_.ipxe_filename;
  std::optional<Uuid> uuid;
  bool uuid_read = false;
  for (const auto& h : config_.hosts) {
    if (h.mac && !std::equal(h.mac->begin(), h.mac->end(), p.chaddr.begin())) continue;
    if (h.uuid) {
      if (!uuid_read) uuid = p.client_uuid(), uuid_read = true;
      if (uuid != h.uuid) continue;
    }
    if (h.rom_filename) rom = *h.rom_filename;
    if (h.ipxe_filename) ipxe = *h.ipxe_filename;
    break;
  }
  if (is_ipxe_client(p) && !ipxe.empty()) return ipxe;
  return rom;
}

std::optional<DhcpServer::Reply> DhcpServer::handle(const UdpDatagram& request, std::string* why) {
  Result r = process(request);
  if (r.reply && !r.reply->dropped) return std::move(r.reply);
  if (why) *why = r.reply ? "reply dropped" : r.why;
  return std::nullopt;
}

DhcpServer::Result DhcpServer::process(const UdpDatagram& req) {
  Result res;
  auto ignore = [&](const std::string& w) {
    res.why = w;
    ++stats_.ignored;
    return std::move(res);
  };
  std::string err;
  auto pkt = DhcpPacket::decode(req.payload.data(), req.payload.size(), &err);
  if (!pkt) {
    res.malformed = true;
    res.why = "malformed: " + err;
    ++stats_.malformed;
    return res;
  }
  res.request = *pkt;
  ++stats_.received;
  if (pkt->op != 1 || pkt->htype != 1 || pkt->hlen != 6) return ignore("not a BOOTREQUEST for Ethernet");
  const bool proxy = config_.mode == DhcpServerConfig::Mode::kProxy;
  const bool on_4011 = req.dst_port == 4011;
  if (on_4011 && !proxy) return ignore("port 4011 but not a ProxyDHCP server");
  if (on_4011 && req.dst_ip != config_.server_ip) return ignore("port 4011 request for another address");

  std::uint8_t type = pkt->message_type();
  if (type != DHCPDISCOVER && type != DHCPREQUEST) return ignore(std::string("ignored ") + dhcp_message_name(type));
  if (proxy && !on_4011 && type == DHCPREQUEST) return ignore("ProxyDHCP: REQUEST on port 67 is for the DHCP server");
  if (on_4011 && type != DHCPREQUEST) return ignore("ProxyDHCP: only REQUEST is answered on port 4011");

  Mac mac;
  std::copy(pkt->chaddr.begin(), pkt->chaddr.begin() + 6, mac.begin());
  if (type == DHCPREQUEST && !on_4011) {
    // A REQUEST selecting another server is not for us.
    if (const DhcpOption* sid = pkt->find(54); sid && sid->data.size() == 4 && be32(sid->data) != config_.server_ip)
      return ignore("REQUEST for another server");
  }

  if (observe_) observe_("network/dhcp");
  DhcpPacket r;
  r.op = 2;
  r.xid = pkt->xid;
  r.flags = pkt->flags;
  r.giaddr = pkt->giaddr;
  r.chaddr = pkt->chaddr;
  std::uint8_t reply_type = type == DHCPDISCOVER ? DHCPOFFER : DHCPACK;
  std::string file = boot_file_for(*pkt);
  bool with_boot = !file.empty();
  bool with_pxeclient = config_.offer_pxeclient;
  std::uint32_t ip = 0;
  if (!proxy) {
    ip = lease_for(mac);
    if (!ip) return ignore("address pool exhausted");
    if (type == DHCPREQUEST) {
      const DhcpOption* want = pkt->find(50);
      std::uint32_t asked = want && want->data.size() == 4 ? be32(want->data) : pkt->ciaddr;
      if (asked && asked != ip) reply_type = DHCPNAK;
    }
  } else {
    with_pxeclient = true;
    with_boot = with_boot && (on_4011 || config_.proxy_boot_in_offer);
  }
  r.set(53, {reply_type});
  r.set_u32(54, config_.server_ip);
  if (reply_type != DHCPNAK) {
    r.yiaddr = ip;
    if (!proxy) {
      r.set_u32(51, config_.lease_seconds);
      r.set_u32(1, config_.netmask);
      if (config_.router) r.set_u32(3, config_.router);
      if (config_.dns) r.set_u32(6, config_.dns);
    }
    if (with_pxeclient) r.set_string(60, "PXEClient");
    if (with_boot) {
      r.siaddr = config_.next_server;
      r.file = file;
      r.set_string(66, format_ipv4(config_.next_server));
      r.set_string(67, file);
    }
  }

  UdpDatagram out;
  out.src_mac = config_.server_mac;
  out.src_ip = config_.server_ip;
  out.src_port = on_4011 ? 4011 : 67;
  out.dst_port = on_4011 ? req.src_port : 68;
  if (on_4011) {
    // ProxyDHCP replies go back where the request came from (PXE spec 2.1 §2.2.5).
    out.dst_mac = req.src_mac;
    out.dst_ip = req.src_ip ? req.src_ip : 0xFFFFFFFF;
  } else {
    // RFC 2131 §4.1: broadcast when the client asks for it, has no address yet, or is NAKed.
    bool broadcast = (pkt->flags & 0x8000) || pkt->ciaddr == 0 || reply_type == DHCPNAK || !ip;
    out.dst_mac = broadcast ? kBroadcastMac : mac;
    out.dst_ip = broadcast ? 0xFFFFFFFF : ip;
  }
  out.payload = r.encode();
  Reply reply;
  reply.frame = build_udp_frame(out, ip_id_++);
  reply.packet = std::move(r);
  reply.src_port = out.src_port;
  reply.delay = config_.reply_delay;
  reply.dropped = roll_drop();
  if (reply.dropped) ++stats_.dropped;
  else ++stats_.replied;
  res.reply = std::move(reply);
  return res;
}

trace_kind::Dhcp dhcp_trace_fields(const DhcpPacket& p, const char* dir, std::uint16_t port) {
  std::optional<std::string> uuid;
  if (auto u = p.client_uuid()) uuid = format_uuid(*u);
  return trace_kind::Dhcp{dir,
                          dhcp_message_name(p.message_type()),
                          p.xid,
                          mac_text(p.chaddr),
                          format_ipv4(p.yiaddr),
                          format_ipv4(p.siaddr),
                          p.file,
                          DhcpServer::is_ipxe_client(p),
                          port,
                          std::nullopt,
                          uuid};
}

}  // namespace bootsim
