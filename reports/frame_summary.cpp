#include "reports/frame_summary.h"

#include <cstdio>

#include "sim/proto/dhcp_packet.h"
#include "sim/proto/packet.h"
#include "sim/core/trace.h"

namespace bootsim::reports {

namespace {

std::string mac_str(const std::uint8_t* p) {
  char b[18];
  std::snprintf(b, sizeof b, "%02x:%02x:%02x:%02x:%02x:%02x", p[0], p[1], p[2], p[3], p[4], p[5]);
  return b;
}

std::string hex16(unsigned v) {
  char b[8];
  std::snprintf(b, sizeof b, "0x%04x", v);
  return b;
}

std::string hex32(std::uint32_t v) {
  char b[12];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

unsigned be16(const std::uint8_t* p) { return (unsigned(p[0]) << 8) | p[1]; }
std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

std::string ipv6_str(const std::uint8_t* p) {
  // Compact enough for a tooltip; no zero-run compression beyond dropping leading zeros.
  std::string s;
  for (int i = 0; i < 8; ++i) {
    char b[8];
    std::snprintf(b, sizeof b, "%x", be16(p + 2 * i));
    if (i) s += ':';
    s += b;
  }
  return s;
}

std::string printable(const std::uint8_t* p, size_t n) {
  std::string s;
  for (size_t i = 0; i < n && p[i]; ++i) s += (p[i] >= 0x20 && p[i] < 0x7f) ? char(p[i]) : '?';
  return s;
}

void summarize_dhcp(const UdpDatagram& d, FrameSummary& s) {
  std::string err;
  auto p = DhcpPacket::decode(d.payload.data(), d.payload.size(), &err);
  if (!p) {
    s.protocol = "bad";
    s.label = "BOOTP/DHCP (undecodable: " + err + ")";
    return;
  }
  s.protocol = "dhcp";
  s.dhcp_type = p->message_type();
  s.dhcp_xid = p->xid;
  s.label = s.dhcp_type ? "DHCP" + std::string(dhcp_message_name(s.dhcp_type)) : std::string(p->op == 1 ? "BOOTREQUEST" : "BOOTREPLY");
  s.detail += s.label + " xid " + hex32(p->xid) + " secs " + std::to_string(p->secs);
  if (p->yiaddr) s.detail += " yiaddr " + format_ipv4(p->yiaddr);
  if (p->siaddr) s.detail += " siaddr " + format_ipv4(p->siaddr);
  if (!p->file.empty()) s.detail += " file " + p->file;
  if (auto* o = p->find(54); o && o->data.size() == 4) s.detail += " server-id " + format_ipv4(be32(o->data.data()));
  if (auto* o = p->find(60)) s.detail += " class " + printable(o->data.data(), o->data.size());
  if (auto* o = p->find(67)) s.detail += " bootfile " + printable(o->data.data(), o->data.size());
}

void summarize_tftp(const UdpDatagram& d, FrameSummary& s) {
  s.protocol = "tftp";
  const auto& pl = d.payload;
  if (pl.size() < 2) { s.label = "TFTP (truncated)"; return; }
  unsigned op = be16(pl.data());
  const std::uint8_t* rest = pl.data() + 2;
  size_t n = pl.size() - 2;
  switch (op) {
    case 1: s.label = "TFTP RRQ " + printable(rest, n); break;
    case 2: s.label = "TFTP WRQ " + printable(rest, n); break;
    case 3: s.label = n >= 2 ? "TFTP DATA " + std::to_string(be16(rest)) + " (" + std::to_string(n - 2) + " B)" : "TFTP DATA"; break;
    case 4: s.label = n >= 2 ? "TFTP ACK " + std::to_string(be16(rest)) : "TFTP ACK"; break;
    case 5: s.label = n >= 2 ? "TFTP ERROR " + std::to_string(be16(rest)) + " " + printable(rest + 2, n - 2) : "TFTP ERROR"; break;
    case 6: {
      std::string opts;
      for (size_t i = 0; i < n; ++i) opts += rest[i] ? char(rest[i] >= 0x20 && rest[i] < 0x7f ? rest[i] : '?') : ' ';
      s.label = "TFTP OACK " + opts;
      break;
    }
    default: s.label = "TFTP opcode " + std::to_string(op);
  }
}

void summarize_ipv4(const std::vector<std::uint8_t>& f, FrameSummary& s) {
  if (f.size() < 34) { s.protocol = "bad"; s.label = "IPv4 (truncated)"; return; }
  const std::uint8_t* ip = f.data() + 14;
  size_t ihl = size_t(ip[0] & 0x0f) * 4;
  unsigned proto = ip[9];
  std::uint32_t src = be32(ip + 12), dst = be32(ip + 16);
  s.protocol = "ipv4";
  s.detail += "IPv4 " + format_ipv4(src) + " -> " + format_ipv4(dst) + " proto " + std::to_string(proto) +
              " ttl " + std::to_string(ip[8]) + "\n";
  if (ihl < 20 || f.size() < 14 + ihl) { s.protocol = "bad"; s.label = "IPv4 (bad header)"; return; }
  const std::uint8_t* l4 = ip + ihl;
  size_t l4len = f.size() - 14 - ihl;
  if (proto == 17) {
    auto d = parse_udp_frame(f);
    if (!d) {
      s.protocol = "bad";
      s.label = "UDP (unparseable or bad IP checksum)";
      return;
    }
    s.detail += "UDP " + std::to_string(d->src_port) + " -> " + std::to_string(d->dst_port) + " (" +
                std::to_string(d->payload.size()) + " B)\n";
    if ((d->src_port == 67 || d->src_port == 68) && (d->dst_port == 67 || d->dst_port == 68)) {
      summarize_dhcp(*d, s);
    } else if (d->dst_port == 69 || d->src_port == 69) {
      summarize_tftp(*d, s);
    } else if (d->payload.size() >= 4 && (be16(d->payload.data()) == 3 || be16(d->payload.data()) == 4 ||
                                          be16(d->payload.data()) == 6 || be16(d->payload.data()) == 5) &&
               (d->src_port >= 1024 || d->dst_port >= 1024) && d->src_port != 53 && d->dst_port != 53) {
      // TFTP transfers continue on ephemeral ports; opcode 3..6 is the best hint we have.
      summarize_tftp(*d, s);
      s.label += " (ports " + std::to_string(d->src_port) + "->" + std::to_string(d->dst_port) + ")";
    } else if (d->dst_port == 53 || d->src_port == 53) {
      s.protocol = "udp";
      s.label = "DNS " + std::string(d->dst_port == 53 ? "query" : "response");
    } else {
      s.protocol = "udp";
      s.label = "UDP " + format_ipv4(d->src_ip) + ":" + std::to_string(d->src_port) + " -> " +
                format_ipv4(d->dst_ip) + ":" + std::to_string(d->dst_port);
    }
  } else if (proto == 6 && l4len >= 20) {
    unsigned sp = be16(l4), dp = be16(l4 + 2), flags = l4[13];
    std::string fl;
    const char* names[] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG"};
    for (int i = 0; i < 6; ++i)
      if (flags & (1u << i)) fl += (fl.empty() ? "" : ",") + std::string(names[i]);
    size_t doff = size_t(l4[12] >> 4) * 4;
    size_t total = be16(ip + 2);
    size_t payload = total > ihl + doff ? total - ihl - doff : 0;
    s.protocol = "tcp";
    s.label = "TCP " + std::to_string(sp) + "->" + std::to_string(dp) + " [" + fl + "]" +
              (payload ? " " + std::to_string(payload) + " B" : "");
    s.detail += "TCP " + format_ipv4(src) + ":" + std::to_string(sp) + " -> " + format_ipv4(dst) + ":" +
                std::to_string(dp) + " [" + fl + "] seq " + std::to_string(be32(l4 + 4)) + " ack " +
                std::to_string(be32(l4 + 8)) + " payload " + std::to_string(payload) + " B";
    if (payload && doff + 4 <= l4len) {
      std::string head = printable(l4 + doff, std::min<size_t>(40, l4len - doff));
      if (head.rfind("GET ", 0) == 0 || head.rfind("HTTP/", 0) == 0 || head.rfind("HEAD ", 0) == 0 ||
          head.rfind("POST ", 0) == 0) {
        auto eol = head.find_first_of("\r\n?");
        s.label = "HTTP " + head.substr(0, eol);
      }
    }
  } else if (proto == 1 && l4len >= 2) {
    s.protocol = "icmp";
    s.label = l4[0] == 8 ? "ICMP echo request" : l4[0] == 0 ? "ICMP echo reply"
                                                            : "ICMP type " + std::to_string(l4[0]);
  } else {
    s.label = "IPv4 proto " + std::to_string(proto);
  }
}

void summarize_ipv6(const std::vector<std::uint8_t>& f, FrameSummary& s) {
  s.protocol = "ipv6";
  if (f.size() < 54) { s.protocol = "bad"; s.label = "IPv6 (truncated)"; return; }
  const std::uint8_t* ip = f.data() + 14;
  unsigned next = ip[6];
  s.detail += "IPv6 " + ipv6_str(ip + 8) + " -> " + ipv6_str(ip + 24) + " next " + std::to_string(next) +
              " hop " + std::to_string(ip[7]) + "\n";
  size_t off = 54;
  if (next == 0 && f.size() >= off + 8) {  // hop-by-hop options (MLD reports carry one)
    next = f[off];
    off += (size_t(f[off + 1]) + 1) * 8;
  }
  if (next == 58 && f.size() > off) {
    s.protocol = "icmpv6";
    unsigned type = f[off];
    switch (type) {
      case 128: s.label = "ICMPv6 echo request"; break;
      case 129: s.label = "ICMPv6 echo reply"; break;
      case 133: s.label = "ICMPv6 router solicitation"; break;
      case 134: s.label = "ICMPv6 router advertisement"; break;
      case 135: s.label = "ICMPv6 neighbour solicitation"; break;
      case 136: s.label = "ICMPv6 neighbour advertisement"; break;
      case 143: s.label = "ICMPv6 MLDv2 report"; break;
      default: s.label = "ICMPv6 type " + std::to_string(type);
    }
  } else if (next == 17 && f.size() >= off + 8) {
    s.protocol = "udp";
    unsigned sp = be16(f.data() + off), dp = be16(f.data() + off + 2);
    s.label = (sp == 546 || dp == 547) ? "DHCPv6" : "UDPv6 " + std::to_string(sp) + "->" + std::to_string(dp);
  } else {
    s.label = "IPv6 next header " + std::to_string(next);
  }
}

}  // namespace

FrameSummary summarize_frame(const std::vector<std::uint8_t>& f) {
  FrameSummary s;
  if (f.size() < 14) {
    s.protocol = "bad";
    s.label = "runt frame (" + std::to_string(f.size()) + " B)";
    return s;
  }
  unsigned type = be16(f.data() + 12);
  s.detail = "Ethernet " + mac_str(f.data() + 6) + " -> " + mac_str(f.data()) + " type " + hex16(type) + ", " +
             std::to_string(f.size()) + " B\n";
  if (type == 0x0806) {
    s.protocol = "arp";
    if (auto a = parse_arp_frame(f)) {
      if (a->op == 1) {
        s.label = a->sender_ip == a->target_ip ? "ARP announce " + format_ipv4(a->sender_ip)
                                               : "ARP who-has " + format_ipv4(a->target_ip) + " tell " +
                                                     format_ipv4(a->sender_ip);
      } else if (a->op == 2) {
        s.label = "ARP reply " + format_ipv4(a->sender_ip) + " is-at " + mac_str(a->sender_mac.data());
      } else {
        s.label = "ARP op " + std::to_string(a->op);
      }
    } else {
      s.label = "ARP (undecodable)";
    }
  } else if (type == 0x0800) {
    summarize_ipv4(f, s);
  } else if (type == 0x86dd) {
    summarize_ipv6(f, s);
  } else {
    s.protocol = "eth";
    s.label = "ethertype " + hex16(type);
  }
  while (!s.detail.empty() && s.detail.back() == '\n') s.detail.pop_back();
  return s;
}

FrameSummary summarize_frame_hex(const std::string& hex) { return summarize_frame(from_hex(hex)); }

}  // namespace bootsim::reports
