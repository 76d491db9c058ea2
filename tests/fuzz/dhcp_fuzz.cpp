// DHCP from the guest: DhcpPacket::decode on any UDP payload, and our DHCP server (full and ProxyDHCP) on
// a sequence of datagrams to ports 67 and 4011.
//
// Input: per datagram, one control byte (bit 0: port 4011; bit 1: from a client that has an address),
// then a length-prefixed payload (Input::chunk). The first control byte also picks the server's mode.
// Properties: nothing throws; what decodes re-encodes to a packet that decodes to the same fields; every
// reply is a well-formed UDP frame whose payload decodes to the packet the server says it sent.
#include <string>

#include "fuzz_input.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/net/dhcp_server.h"
#include "sim/proto/packet.h"

using namespace bootsim;

namespace {

void check_round_trip(const DhcpPacket& p) {
  auto bytes = p.encode();
  std::string err;
  auto q = DhcpPacket::decode(bytes.data(), bytes.size(), &err);
  FUZZ_CHECK(q, "an encoded packet does not decode: " + err);
  FUZZ_CHECK(q->op == p.op && q->htype == p.htype && q->hlen == p.hlen && q->hops == p.hops && q->xid == p.xid &&
                 q->secs == p.secs && q->flags == p.flags && q->ciaddr == p.ciaddr && q->yiaddr == p.yiaddr &&
                 q->siaddr == p.siaddr && q->giaddr == p.giaddr && q->chaddr == p.chaddr,
             "header changed in a round trip");
  // sname and file are NUL-terminated fields: encode keeps at most 63 and 127 characters.
  FUZZ_CHECK(q->sname == p.sname.substr(0, 63) && q->file == p.file.substr(0, 127), "sname/file changed");
  FUZZ_CHECK(q->options.size() == p.options.size(), "option count changed in a round trip");
  for (size_t i = 0; i < p.options.size(); ++i)
    FUZZ_CHECK(q->options[i].code == p.options[i].code && q->options[i].data == p.options[i].data,
               "option " + std::to_string(p.options[i].code) + " changed in a round trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  std::uint8_t mode = in.u8();
  DhcpServerConfig cfg;
  cfg.mode = mode & 1 ? DhcpServerConfig::Mode::kProxy : DhcpServerConfig::Mode::kFull;
  cfg.offer_pxeclient = mode & 2;
  cfg.proxy_boot_in_offer = mode & 4;
  cfg.pool_size = mode & 8 ? 1 : 64;  // a full pool is a path too
  cfg.ipxe_filename = mode & 16 ? "http://10.0.2.100/boot.ipxe" : "";
  cfg.rom_filename = mode & 32 ? "" : "undionly.kpxe";
  cfg.drop_rate = mode & 64 ? 0.5 : 0.0;
  DhcpServer server(cfg);
  while (!in.empty()) {
    std::uint8_t ctl = in.u8();
    UdpDatagram d;
    d.src_mac = {0x52, 0x54, 0x00, 0x12, 0x34, static_cast<std::uint8_t>(ctl >> 4)};
    d.dst_mac = kBroadcastMac;
    d.src_ip = ctl & 2 ? 0x0A00020F : 0;
    d.dst_ip = ctl & 1 ? cfg.server_ip : 0xFFFFFFFF;
    d.src_port = ctl & 1 ? 4011 : 68;
    d.dst_port = ctl & 1 ? 4011 : 67;
    d.payload = in.chunk();

    std::string err;
    auto pkt = DhcpPacket::decode(d.payload.data(), d.payload.size(), &err);
    FUZZ_CHECK(pkt || !err.empty(), "decode failed without saying why");
    if (pkt) check_round_trip(*pkt);

    DhcpServer::Result r = server.process(d);
    FUZZ_CHECK(r.malformed == !pkt, "the server and the decoder disagree on a packet");
    if (!r.reply) continue;
    auto udp = parse_udp_frame(r.reply->frame);
    FUZZ_CHECK(udp, "the server's reply frame does not parse");
    auto sent = DhcpPacket::decode(udp->payload.data(), udp->payload.size(), &err);
    FUZZ_CHECK(sent, "the server's reply does not decode: " + err);
    FUZZ_CHECK(sent->xid == pkt->xid && sent->message_type() == r.reply->packet.message_type(),
               "the reply on the wire is not the reply reported");
    (void)dhcp_trace_fields(*sent, "out", r.reply->src_port);
  }
  return 0;
}
