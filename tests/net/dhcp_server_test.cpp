// DHCP server: codec round trips, boot file by client class, ProxyDHCP, NAK, malformed input, drops.
#include <gtest/gtest.h>

#include "sim/net/dhcp_server.h"

namespace bootsim {
namespace {

const Mac kClient{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

DhcpPacket request(std::uint8_t type, std::vector<std::uint8_t> opt77 = {}, bool with77 = false) {
  DhcpPacket p;
  p.xid = 0x11223344;
  p.flags = 0x8000;
  std::copy(kClient.begin(), kClient.end(), p.chaddr.begin());
  p.set(53, {type});
  p.set_string(60, "PXEClient:Arch:00000:UNDI:002001");
  if (with77) p.set(77, std::move(opt77));
  return p;
}

UdpDatagram datagram(const DhcpPacket& p, std::uint16_t dst_port = 67, std::uint32_t dst_ip = 0xFFFFFFFF,
                     std::uint32_t src_ip = 0) {
  UdpDatagram d;
  d.src_mac = kClient;
  d.dst_mac = kBroadcastMac;
  d.src_ip = src_ip;
  d.dst_ip = dst_ip;
  d.src_port = 68;
  d.dst_port = dst_port;
  d.payload = p.encode();
  return d;
}

DhcpServerConfig base_config() {
  DhcpServerConfig c;
  c.rom_filename = "undionly.kpxe";
  c.ipxe_filename = "http://10.0.2.100/boot.ipxe";
  return c;
}

TEST(net_DhcpCodec, RoundTripsHeaderAndOptions) {
  struct Case {
    const char* name;
    std::uint32_t xid;
    std::string file;
    std::vector<DhcpOption> options;
  };
  const Case cases[] = {
      {"minimal", 1, "", {{53, {1}}}},
      {"boot file", 0xDEADBEEF, "undionly.kpxe", {{53, {2}}, {67, {'u', 'n', 'd', 'i'}}}},
      {"long option", 7, std::string(127, 'f'), {{53, {5}}, {43, std::vector<std::uint8_t>(255, 0xAB)}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    DhcpPacket p;
    p.xid = c.xid;
    p.file = c.file;
    p.yiaddr = 0x0A00020F;
    p.options = c.options;
    auto bytes = p.encode();
    EXPECT_GE(bytes.size(), 300u);
    std::string err;
    auto q = DhcpPacket::decode(bytes.data(), bytes.size(), &err);
    ASSERT_TRUE(q) << err;
    EXPECT_EQ(q->xid, c.xid);
    EXPECT_EQ(q->file, c.file);
    EXPECT_EQ(q->yiaddr, 0x0A00020Fu);
    ASSERT_EQ(q->options.size(), c.options.size());
    for (size_t i = 0; i < c.options.size(); ++i) {
      EXPECT_EQ(q->options[i].code, c.options[i].code);
      EXPECT_EQ(q->options[i].data, c.options[i].data);
    }
  }
}

TEST(net_DhcpServer, BootFileByClientClass) {
  struct Case {
    const char* name;
    bool with77;
    std::vector<std::uint8_t> opt77;
    const char* file;
  };
  const Case cases[] = {
      {"legacy PXE ROM (no 77)", false, {}, "undionly.kpxe"},
      {"iPXE raw 77", true, {'i', 'P', 'X', 'E'}, "http://10.0.2.100/boot.ipxe"},
      {"iPXE RFC 3004 77", true, {4, 'i', 'P', 'X', 'E'}, "http://10.0.2.100/boot.ipxe"},
      {"other user class", true, {'g', 'P', 'X', 'E'}, "undionly.kpxe"},
      {"empty 77", true, {}, "undionly.kpxe"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    DhcpServer s(base_config());
    auto r = s.process(datagram(request(DHCPDISCOVER, c.opt77, c.with77)));
    ASSERT_TRUE(r.reply);
    EXPECT_EQ(r.reply->packet.file, c.file);
    EXPECT_EQ(r.reply->packet.option_string(67), c.file);
    EXPECT_EQ(dhcp_trace_fields(*r.request, "rx", 67).opt77, std::string(c.file) != "undionly.kpxe");
  }
}

TEST(net_DhcpServer, OfferAndAckCarryLeaseRouterServerAndNextServer) {
  DhcpServerConfig cfg = base_config();
  cfg.dns = 0x0A000203;
  cfg.lease_seconds = 600;
  DhcpServer s(cfg);
  auto offer = s.process(datagram(request(DHCPDISCOVER)));
  ASSERT_TRUE(offer.reply);
  const DhcpPacket& o = offer.reply->packet;
  EXPECT_EQ(o.message_type(), DHCPOFFER);
  EXPECT_EQ(o.op, 2);
  EXPECT_EQ(o.xid, 0x11223344u);
  EXPECT_EQ(o.yiaddr, 0x0A00020Fu);
  EXPECT_EQ(o.siaddr, 0x0A000202u);
  EXPECT_EQ(o.option_string(66), "10.0.2.2");
  ASSERT_TRUE(o.find(51));
  EXPECT_EQ(o.find(51)->data, (std::vector<std::uint8_t>{0, 0, 2, 0x58}));
  EXPECT_EQ(o.find(3)->data, (std::vector<std::uint8_t>{10, 0, 2, 2}));
  EXPECT_EQ(o.find(6)->data, (std::vector<std::uint8_t>{10, 0, 2, 3}));
  EXPECT_EQ(o.find(54)->data, (std::vector<std::uint8_t>{10, 0, 2, 2}));
  EXPECT_FALSE(o.find(60)) << "plain server: no PXEClient unless offer_pxeclient";
  // The reply frame is a broadcast from 10.0.2.2:67 to 68.
  auto udp = parse_udp_frame(offer.reply->frame);
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->dst_mac, kBroadcastMac);
  EXPECT_EQ(udp->src_port, 67);
  EXPECT_EQ(udp->dst_port, 68);

  DhcpPacket req = request(DHCPREQUEST);
  req.set_u32(54, 0x0A000202);
  req.set_u32(50, 0x0A00020F);
  auto ack = s.process(datagram(req));
  ASSERT_TRUE(ack.reply);
  EXPECT_EQ(ack.reply->packet.message_type(), DHCPACK);
  EXPECT_EQ(ack.reply->packet.yiaddr, 0x0A00020Fu);

  // A second client gets the next address; the first keeps its own.
  DhcpPacket other = request(DHCPDISCOVER);
  other.chaddr[5] = 0x57;
  EXPECT_EQ(s.process(datagram(other)).reply->packet.yiaddr, 0x0A000210u);
  EXPECT_EQ(s.lease_of(kClient), 0x0A00020Fu);
}

TEST(net_DhcpServer, RequestForAnotherServerIsIgnoredAndWrongAddressIsNaked) {
  DhcpServer s(base_config());
  DhcpPacket other = request(DHCPREQUEST);
  other.set_u32(54, 0x0A000209);
  auto r = s.process(datagram(other));
  EXPECT_FALSE(r.reply);
  EXPECT_NE(r.why.find("another server"), std::string::npos);

  DhcpPacket wrong = request(DHCPREQUEST);
  wrong.set_u32(54, 0x0A000202);
  wrong.set_u32(50, 0x0A000263);
  auto n = s.process(datagram(wrong));
  ASSERT_TRUE(n.reply);
  EXPECT_EQ(n.reply->packet.message_type(), DHCPNAK);
  EXPECT_EQ(n.reply->packet.yiaddr, 0u);
}

TEST(net_DhcpServer, FullServerCanMarkOffersAsPxeClient) {
  DhcpServerConfig cfg = base_config();
  cfg.offer_pxeclient = true;
  DhcpServer s(cfg);
  auto r = s.process(datagram(request(DHCPDISCOVER)));
  ASSERT_TRUE(r.reply);
  EXPECT_EQ(r.reply->packet.option_string(60), "PXEClient");
  EXPECT_NE(r.reply->packet.yiaddr, 0u);
}

TEST(net_DhcpServer, ProxyModeOffersWithoutAddressAndAnswersPort4011) {
  DhcpServerConfig cfg = base_config();
  cfg.mode = DhcpServerConfig::Mode::kProxy;
  cfg.name = "proxydhcp";
  cfg.server_ip = 0x0A000204;
  DhcpServer s(cfg);
  auto offer = s.process(datagram(request(DHCPDISCOVER)));
  ASSERT_TRUE(offer.reply);
  const DhcpPacket& o = offer.reply->packet;
  EXPECT_EQ(o.message_type(), DHCPOFFER);
  EXPECT_EQ(o.yiaddr, 0u);
  EXPECT_EQ(o.option_string(60), "PXEClient");
  EXPECT_EQ(o.find(54)->data, (std::vector<std::uint8_t>{10, 0, 2, 4}));
  EXPECT_EQ(o.file, "") << "no boot file in the proxy OFFER: iPXE must ask on port 4011";
  EXPECT_FALSE(o.find(51));

  // The REQUEST on port 67 belongs to the address server.
  EXPECT_FALSE(s.process(datagram(request(DHCPREQUEST))).reply);

  // ProxyDHCP REQUEST, unicast to 10.0.2.4:4011 from the configured client.
  DhcpPacket preq = request(DHCPREQUEST, {'i', 'P', 'X', 'E'}, true);
  preq.ciaddr = 0x0A00020F;
  auto ack = s.process(datagram(preq, 4011, 0x0A000204, 0x0A00020F));
  ASSERT_TRUE(ack.reply);
  EXPECT_EQ(ack.reply->packet.message_type(), DHCPACK);
  EXPECT_EQ(ack.reply->packet.file, "http://10.0.2.100/boot.ipxe");
  EXPECT_EQ(ack.reply->packet.siaddr, 0x0A000202u);
  EXPECT_EQ(ack.reply->src_port, 4011);
  auto udp = parse_udp_frame(ack.reply->frame);
  ASSERT_TRUE(udp);
  EXPECT_EQ(udp->src_port, 4011);
  EXPECT_EQ(udp->dst_port, 68);
  EXPECT_EQ(udp->dst_ip, 0x0A00020Fu);
  EXPECT_EQ(udp->dst_mac, kClient);

  // A full server does not answer on 4011.
  DhcpServer full(base_config());
  EXPECT_FALSE(full.process(datagram(preq, 4011, 0x0A000202, 0x0A00020F)).reply);
}

TEST(net_DhcpServer, MalformedAndTruncatedPacketsAreCountedAndIgnored) {
  auto good = request(DHCPDISCOVER).encode();
  std::vector<std::uint8_t> bad_cookie = good;
  bad_cookie[236] = 0;
  std::vector<std::uint8_t> overflowing = good;
  overflowing.resize(243);
  overflowing[240] = 53;   // option 53 claiming 200 bytes
  overflowing[241] = 200;
  const struct {
    const char* name;
    std::vector<std::uint8_t> payload;
  } cases[] = {
      {"empty", {}},
      {"one byte", {1}},
      {"short header", std::vector<std::uint8_t>(good.begin(), good.begin() + 100)},
      {"no cookie", std::vector<std::uint8_t>(good.begin(), good.begin() + 236)},
      {"bad cookie", bad_cookie},
      {"option overruns", overflowing},
  };
  DhcpServer s(base_config());
  std::uint64_t n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    UdpDatagram d = datagram(request(DHCPDISCOVER));
    d.payload = c.payload;
    auto r = s.process(d);
    EXPECT_TRUE(r.malformed);
    EXPECT_FALSE(r.reply);
    EXPECT_FALSE(r.request);
    EXPECT_EQ(r.why.rfind("malformed", 0), 0u) << r.why;
    EXPECT_EQ(s.stats().malformed, ++n);
  }
  EXPECT_EQ(s.stats().replied, 0u);
  // Still serves a good one afterwards.
  EXPECT_TRUE(s.process(datagram(request(DHCPDISCOVER))).reply);
}

std::vector<bool> drop_pattern(double rate, std::uint64_t seed, int n) {
  DhcpServerConfig cfg = base_config();
  cfg.drop_rate = rate;
  cfg.seed = seed;
  DhcpServer s(cfg);
  std::vector<bool> out;
  for (int i = 0; i < n; ++i) out.push_back(s.process(datagram(request(DHCPDISCOVER))).reply->dropped);
  return out;
}

TEST(net_DhcpServer, DropsFollowTheSeed) {
  auto a = drop_pattern(0.5, 42, 200);
  EXPECT_EQ(a, drop_pattern(0.5, 42, 200)) << "same seed, same drops";
  EXPECT_NE(a, drop_pattern(0.5, 43, 200)) << "another seed, other drops";
  auto dropped = std::count(a.begin(), a.end(), true);
  EXPECT_GT(dropped, 60);
  EXPECT_LT(dropped, 140);
  auto none = drop_pattern(0.0, 42, 50);
  EXPECT_EQ(std::count(none.begin(), none.end(), true), 0);
  auto all = drop_pattern(1.0, 42, 50);
  EXPECT_EQ(std::count(all.begin(), all.end(), true), 50);
  // handle() hides dropped replies.
  DhcpServerConfig cfg = base_config();
  cfg.drop_rate = 1.0;
  DhcpServer s(cfg);
  std::string why;
  EXPECT_FALSE(s.handle(datagram(request(DHCPDISCOVER)), &why));
  EXPECT_EQ(why, "reply dropped");
}

TEST(net_DhcpServer, ReplyDelayIsCarried) {
  DhcpServerConfig cfg = base_config();
  cfg.reply_delay = SimTime::from_ms(250);
  DhcpServer s(cfg);
  EXPECT_EQ(s.process(datagram(request(DHCPDISCOVER))).reply->delay, SimTime::from_ms(250));
}

}  // namespace
}  // namespace bootsim
