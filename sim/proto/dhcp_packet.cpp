#include "sim/proto/dhcp_packet.h"

#include <cstdio>

namespace bootsim {

namespace {
constexpr std::uint32_t kMagicCookie = 0x63825363;
std::uint32_t get32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}
void put32(std::vector<std::uint8_t>& v, size_t at, std::uint32_t x) {
  v[at] = x >> 24; v[at + 1] = (x >> 16) & 0xFF; v[at + 2] = (x >> 8) & 0xFF; v[at + 3] = x & 0xFF;
}
}  // namespace

const char* dhcp_message_name(std::uint8_t type) {
  static const char* names[] = {"?", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM"};
  return type <= 8 ? names[type] : "?";
}

const DhcpOption* DhcpPacket::find(std::uint8_t code) const {
  for (const auto& o : options)
    if (o.code == code) return &o;
  return nullptr;
}

std::uint8_t DhcpPacket::message_type() const {
  const DhcpOption* o = find(53);
  return o && o->data.size() == 1 ? o->data[0] : 0;
}

std::optional<Uuid> DhcpPacket::client_uuid() const {
  const DhcpOption* o = find(97);
  if (!o || o->data.size() != 17 || o->data[0] != 0) return std::nullopt;
  return from_guid_bytes(o->data.data() + 1);
}

std::string DhcpPacket::option_string(std::uint8_t code) const {
  const DhcpOption* o = find(code);
  return o ? std::string(o->data.begin(), o->data.end()) : std::string();
}

void DhcpPacket::set(std::uint8_t code, std::vector<std::uint8_t> data) {
  for (auto& o : options)
    if (o.code == code) {
      o.data = std::move(data);
      return;
    }
  options.push_back({code, std::move(data)});
}

void DhcpPacket::set_u32(std::uint8_t code, std::uint32_t v) {
  set(code, {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 8),
             static_cast<std::uint8_t>(v)});
}

std::vector<std::uint8_t> DhcpPacket::encode() const {
  std::vector<std::uint8_t> b(240, 0);
  b[0] = op; b[1] = htype; b[2] = hlen; b[3] = hops;
  put32(b, 4, xid);
  b[8] = secs >> 8; b[9] = secs & 0xFF;
  b[10] = flags >> 8; b[11] = flags & 0xFF;
  put32(b, 12, ciaddr); put32(b, 16, yiaddr); put32(b, 20, siaddr); put32(b, 24, giaddr);
  for (int i = 0; i < 16; ++i) b[28 + i] = chaddr[i];
  for (size_t i = 0; i < sname.size() && i < 63; ++i) b[44 + i] = static_cast<std::uint8_t>(sname[i]);
  for (size_t i = 0; i < file.size() && i < 127; ++i) b[108 + i] = static_cast<std::uint8_t>(file[i]);
  put32(b, 236, kMagicCookie);
  for (const auto& o : options) {
    // Options longer than 255 bytes are split into several instances (RFC 3396).
    size_t off = 0;
    do {
      size_t n = std::min<size_t>(255, o.data.size() - off);
      b.push_back(o.code);
      b.push_back(static_cast<std::uint8_t>(n));
      b.insert(b.end(), o.data.begin() + off, o.data.begin() + off + n);
      off += n;
    } while (off < o.data.size());
  }
  b.push_back(255);
  if (b.size() < 300) b.resize(300, 0);
  return b;
}

std::optional<DhcpPacket> DhcpPacket::decode(const std::uint8_t* d, std::size_t len, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<DhcpPacket> {
    if (error) *error = why;
    return std::nullopt;
  };
  if (len < 240) return fail("truncated: shorter than the BOOTP header and cookie");
  if (get32(d + 236) != kMagicCookie) return fail("missing DHCP magic cookie");
  DhcpPacket p;
  p.op = d[0]; p.htype = d[1]; p.hlen = d[2]; p.hops = d[3];
  p.xid = get32(d + 4);
  p.secs = static_cast<std::uint16_t>(d[8] << 8 | d[9]);
  p.flags = static_cast<std::uint16_t>(d[10] << 8 | d[11]);
  p.ciaddr = get32(d + 12); p.yiaddr = get32(d + 16); p.siaddr = get32(d + 20); p.giaddr = get32(d + 24);
  for (int i = 0; i < 16; ++i) p.chaddr[i] = d[28 + i];
  for (int i = 44; i < 108 && d[i]; ++i) p.sname += static_cast<char>(d[i]);
  for (int i = 108; i < 236 && d[i]; ++i) p.file += static_cast<char>(d[i]);
  size_t i = 240;
  bool ended = false;
  while (i < len) {
    std::uint8_t code = d[i++];
    if (code == 0) continue;
    if (code == 255) {
      ended = true;
      break;
    }
    if (i >= len) return fail("truncated option header");
    std::uint8_t n = d[i++];
    if (i + n > len) return fail("option runs past the end of the packet");
    std::vector<std::uint8_t> data(d + i, d + i + n);
    i += n;
    bool merged = false;
    for (auto& o : p.options)
      if (o.code == code) {  // RFC 3396: concatenate repeated options
        o.data.insert(o.data.end(), data.begin(), data.end());
        merged = true;
      }
    if (!merged) p.options.push_back({code, std::move(data)});
  }
  if (!ended) return fail("options not terminated by END");
  return p;
}

std::optional<std::uint32_t> parse_ipv4(const std::string& text) {
  unsigned a, b, c, d;
  char tail;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 || c > 255 || d > 255)
    return std::nullopt;
  return a << 24 | b << 16 | c << 8 | d;
}

std::string format_ipv4(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", v >> 24, (v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF);
  return buf;
}

}  // namespace bootsim
