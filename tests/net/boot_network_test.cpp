// The wire and its servers without a CPU: fake guests speak DHCP, ARP, TFTP and TCP/HTTP to
// BootNetwork (our DHCP server, libslirp in virtual time, our HTTP server) through scheduler events.
#include <gtest/gtest.h>

#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>

#include "net_fixture.h"

namespace bootsim::testing {
namespace {

const Mac kG1{0x52, 0x54, 0x00, 0x00, 0x00, 0x01};
const Mac kG2{0x52, 0x54, 0x00, 0x00, 0x00, 0x02};
const Mac kGw{0x52, 0x55, 0x0A, 0x00, 0x02, 0x02};
const Mac kHttpMac{0x52, 0x55, 0x0A, 0x00, 0x02, 0x64};
constexpr std::uint32_t kIp1 = 0x0A00020F, kIp2 = 0x0A000210, kGwIp = 0x0A000202, kHttpIp = 0x0A000264;

std::string pattern(std::size_t n, unsigned salt) {
  std::string s(n, '\0');
  std::uint32_t x = 2463534242u ^ salt;
  for (auto& c : s) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    c = static_cast<char>(x);
  }
  return s;
}

class net_Bench : public ::testing::Test {
 protected:
  void SetUp() override {
    ::mkdir(dir.sub("tftp").c_str(), 0755);
    ::mkdir(dir.sub("http").c_str(), 0755);
    cfg.tftp_root = dir.sub("tftp");
    cfg.http_root = dir.sub("http");
  }
  void start() { net = std::make_unique<BootNetwork>(sched, trace, cfg); }
  void write(const std::string& path, const std::string& content) { std::ofstream(path, std::ios::binary) << content; }

  TempDir dir;
  NetworkConfig cfg;
  Scheduler sched;
  Trace trace;
  std::unique_ptr<BootNetwork> net;
};

std::vector<std::uint8_t> rrq(const std::string& file, std::vector<std::string> opts = {}) {
  std::vector<std::uint8_t> p{0, 1};
  auto add = [&](const std::string& s) {
    p.insert(p.end(), s.begin(), s.end());
    p.push_back(0);
  };
  add(file);
  add("octet");
  for (auto& o : opts) add(o);
  return p;
}

/// TFTP frames a guest received from 10.0.2.2:69 on `port`: (opcode, block/code, data).
struct TftpRx {
  std::uint16_t op, num;
  std::string data;
};
std::vector<TftpRx> tftp_rx(const FakeGuest& g, std::uint16_t port) {
  std::vector<TftpRx> out;
  for (const auto& r : g.rx) {
    auto u = parse_udp_frame(r.bytes);
    if (!u || u->src_port != 69 || u->dst_port != port || u->payload.size() < 4) continue;
    out.push_back({get16(u->payload, 0), get16(u->payload, 2), std::string(u->payload.begin() + 4, u->payload.end())});
  }
  return out;
}

TEST_F(net_Bench, TftpFileNotFoundIsAnErrorFromSlirpAndATraceEvent) {
  start();
  FakeGuest g(sched, *net, kG1, kIp1);
  g.arp_for(kGwIp);
  run_until(sched, SimTime::from_ms(10));
  g.send_udp(kGwIp, kGw, 2000, 69, rrq("nope.bin"));
  run_until(sched, SimTime::from_ms(100));
  auto rx = tftp_rx(g, 2000);
  ASSERT_EQ(rx.size(), 1u);
  EXPECT_EQ(rx[0].op, 5);
  EXPECT_EQ(rx[0].num, 1) << "TFTP error 1: file not found";
  auto ev = trace.events_of("tftp");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0]["file"], "nope.bin");
  EXPECT_EQ(ev[0]["status"], "error");
  EXPECT_EQ(ev[0]["error_code"], 1);
}

TEST_F(net_Bench, TftpTransfersAFileBlockByBlockAndTracesIt) {
  std::string content = pattern(1000, 1);
  write(dir.sub("tftp/small.bin"), content);
  start();
  FakeGuest g(sched, *net, kG1, kIp1);
  g.on_frame = [&](const std::vector<std::uint8_t>& f) {
    auto u = parse_udp_frame(f);
    if (u && u->src_port == 69 && u->payload.size() >= 4 && get16(u->payload, 0) == 3)
      g.send_udp(kGwIp, kGw, 2001, 69, {0, 4, u->payload[2], u->payload[3]});  // ACK n
  };
  g.arp_for(kGwIp);
  run_until(sched, SimTime::from_ms(10));
  g.send_udp(kGwIp, kGw, 2001, 69, rrq("small.bin"));
  run_until(sched, SimTime::from_ms(200));
  auto rx = tftp_rx(g, 2001);
  std::string got;
  for (const auto& r : rx) {
    EXPECT_EQ(r.op, 3);
    got += r.data;
  }
  ASSERT_EQ(rx.size(), 2u);
  EXPECT_EQ(rx[0].num, 1);
  EXPECT_EQ(rx[1].num, 2);
  EXPECT_EQ(got, content);
  auto ev = trace.events_of("tftp");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0]["status"], "ok");
  EXPECT_EQ(ev[0]["bytes"], 1000);
  EXPECT_EQ(ev[0]["blocks"], 2);
  EXPECT_GT(ev[0]["end_ns"].get<std::int64_t>(), ev[0]["start_ns"].get<std::int64_t>());
}

TEST_F(net_Bench, TftpSymlinkOutOfTheRootIsRefusedBeforeSlirp) {
  write(dir.sub("secret"), "outside the root");
  ASSERT_EQ(::symlink(dir.sub("secret").c_str(), dir.sub("tftp/escape").c_str()), 0);
  write(dir.sub("tftp/ok.txt"), "fine");
  ASSERT_EQ(::symlink("ok.txt", dir.sub("tftp/inside").c_str()), 0);
  start();
  FakeGuest g(sched, *net, kG1, kIp1);
  g.arp_for(kGwIp);
  run_until(sched, SimTime::from_ms(10));
  auto to_slirp_before = net->stats().to_slirp;
  g.send_udp(kGwIp, kGw, 2002, 69, rrq("escape"));
  run_until(sched, SimTime::from_ms(50));
  EXPECT_EQ(net->stats().to_slirp, to_slirp_before) << "slirp must not see the RRQ";
  EXPECT_EQ(net->stats().tftp_refused, 1u);
  auto rx = tftp_rx(g, 2002);
  ASSERT_EQ(rx.size(), 1u);
  EXPECT_EQ(rx[0].op, 5);
  EXPECT_EQ(rx[0].num, 2) << "access violation";
  for (const auto& r : rx) EXPECT_EQ(r.data.find("outside the root"), std::string::npos);
  // A symlink that stays inside is served by slirp.
  g.send_udp(kGwIp, kGw, 2003, 69, rrq("inside"));
  run_until(sched, SimTime::from_ms(100));
  auto ok = tftp_rx(g, 2003);
  ASSERT_EQ(ok.size(), 1u);
  EXPECT_EQ(ok[0].op, 3);
  EXPECT_EQ(ok[0].data, "fine");
  auto ev = trace.events_of("tftp");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0]["status"], "refused");
  EXPECT_EQ(ev[1]["status"], "ok");
}

std::vector<std::uint8_t> discover(const Mac& mac) {
  DhcpPacket p;
  p.xid = 0xABCD;
  std::copy(mac.begin(), mac.end(), p.chaddr.begin());
  p.set(53, {DHCPDISCOVER});
  UdpDatagram d;
  d.src_mac = mac;
  d.dst_mac = kBroadcastMac;
  d.dst_ip = 0xFFFFFFFF;
  d.src_port = 68;
  d.dst_port = 67;
  d.payload = p.encode();
  return build_udp_frame(d);
}

TEST_F(net_Bench, DhcpRepliesAfterTheConfiguredDelayAndMalformedFramesAreTraced) {
  cfg.dhcp.reply_delay = SimTime::from_ms(10);
  start();
  FakeGuest g(sched, *net, kG1, 0);
  FakeGuest other(sched, *net, kG2, 0);
  g.send(discover(kG1));
  run_until(sched, SimTime::from_ms(50));
  std::vector<FakeGuest::Rx> offers;
  for (const auto& r : g.rx)
    if (auto u = parse_udp_frame(r.bytes); u && u->src_port == 67) offers.push_back(r);
  ASSERT_EQ(offers.size(), 1u);
  // 50 µs to cross to the server, 10 ms reply delay, then serialization and 50 µs back.
  EXPECT_GE(offers[0].t, SimTime::from_us(10100));
  EXPECT_LT(offers[0].t, SimTime::from_us(10200));
  // The broadcast DISCOVER also reached the other station on the wire, and so did the broadcast OFFER.
  EXPECT_EQ(other.rx.size(), 2u);
  auto ev = trace.events_of("dhcp");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0]["dir"], "rx");
  EXPECT_EQ(ev[0]["msg"], "DISCOVER");
  EXPECT_EQ(ev[0]["client"], "52:54:00:00:00:01");
  EXPECT_EQ(ev[0]["t_ns"], 50000);
  EXPECT_EQ(ev[1]["dir"], "tx");
  EXPECT_EQ(ev[1]["msg"], "OFFER");
  EXPECT_EQ(ev[1]["yiaddr"], "10.0.2.15");
  EXPECT_EQ(ev[1]["t_ns"], 10050000);

  // Truncated DHCP (the UDP header survives, the BOOTP body does not) and a cut IP header.
  auto good = discover(kG1);
  std::vector<std::uint8_t> short_bootp(good.begin(), good.begin() + 14 + 20 + 8 + 100);
  put16(short_bootp, 16, 20 + 8 + 100);
  put16(short_bootp, 24, 0);
  put16(short_bootp, 24, checksum_finish(checksum_add(&short_bootp[14], 20)));
  put16(short_bootp, 38, 8 + 100);
  put16(short_bootp, 40, 0);  // no UDP checksum
  g.send(short_bootp);
  std::vector<std::uint8_t> cut(good.begin(), good.begin() + 14 + 20 + 4);
  g.send(cut);
  run_until(sched, SimTime::from_ms(100));
  EXPECT_EQ(net->stats().dhcp_malformed, 2u);
  auto ign = trace.events_of("dhcp_ignored");
  ASSERT_EQ(ign.size(), 2u);
  EXPECT_EQ(ign[0]["malformed"], true);
  EXPECT_NE(ign[0]["why"].get<std::string>().find("truncated"), std::string::npos);
  EXPECT_EQ(ign[1]["malformed"], true);
  EXPECT_EQ(trace.events_of("dhcp").size(), 2u) << "no reply to malformed requests";
}

TEST_F(net_Bench, ProxyDhcpAddressIsAnsweredByOurArp) {
  DhcpServerConfig proxy = cfg.dhcp;
  proxy.mode = DhcpServerConfig::Mode::kProxy;
  proxy.name = "proxydhcp";
  proxy.server_ip = 0x0A000204;
  cfg.proxy_dhcp = proxy;
  start();
  FakeGuest g(sched, *net, kG1, kIp1);
  g.arp_for(0x0A000204);
  g.send(discover(kG1));
  run_until(sched, SimTime::from_ms(10));
  int arp_replies = 0, offers = 0, proxy_offers = 0;
  for (const auto& r : g.rx) {
    if (auto a = parse_arp_frame(r.bytes); a && a->op == 2 && a->sender_ip == 0x0A000204) ++arp_replies;
    if (auto u = parse_udp_frame(r.bytes); u && u->src_port == 67) {
      auto p = DhcpPacket::decode(u->payload.data(), u->payload.size(), nullptr);
      ASSERT_TRUE(p);
      (p->yiaddr ? offers : proxy_offers)++;
      if (!p->yiaddr) {
        EXPECT_EQ(p->option_string(60), "PXEClient");
      }
    }
  }
  EXPECT_EQ(arp_replies, 1);
  EXPECT_EQ(offers, 1);
  EXPECT_EQ(proxy_offers, 1);
}

/// Unsolicited RAs on slirp's RA timer: at the virtual times asked (the overridden interval), exactly.
TEST_F(net_Bench, SlirpTimersFireAtTheirVirtualTimes) {
  cfg.ipv6_ra = true;
  cfg.ra_interval = SimTime::from_s(7);
  start();
  FakeGuest g(sched, *net, kG1, kIp1);
  run_until(sched, SimTime::from_s(15));
  auto timers = trace.events_of("slirp_timer");
  ASSERT_EQ(timers.size(), 2u);
  EXPECT_EQ(timers[0]["t_ns"], 7000000000);
  EXPECT_EQ(timers[1]["t_ns"], 14000000000);
  std::vector<SimTime> ras;
  for (const auto& r : g.rx)
    if (r.bytes.size() > 54 && get16(r.bytes, 12) == 0x86DD && r.bytes[20] == 58 && r.bytes[54] == 134)
      ras.push_back(r.t);
  ASSERT_EQ(ras.size(), 2u);
  EXPECT_GE(ras[0], SimTime::from_s(7));
  EXPECT_LT(ras[0], SimTime::from_s(7) + SimTime::from_us(100));
  EXPECT_GE(ras[1], SimTime::from_s(14));
  EXPECT_LT(ras[1], SimTime::from_s(14) + SimTime::from_us(100));
  // slirp was polled at least once per virtual second while idle.
  EXPECT_GE(net->slirp().stats().pumps, 15u);
}

TEST_F(net_Bench, NoIpv6NoRouterAdvertisements) {
  start();
  FakeGuest g(sched, *net, kG1, kIp1);
  run_until(sched, SimTime::from_s(700));
  EXPECT_TRUE(trace.events_of("slirp_timer").empty());
  for (const auto& r : g.rx) EXPECT_NE(get16(r.bytes, 12), 0x86DD);
}

/// A minimal TCP client on a FakeGuest: in-order delivery assumed (the wire keeps order).
class TcpClient {
 public:
  TcpClient(FakeGuest& g, std::uint16_t sport) : g_(g), sport_(sport) {}
  void connect(std::string request) {
    request_ = std::move(request);
    send(kSyn, "");
    seq_ += 1;
  }
  void on_frame(const std::vector<std::uint8_t>& f) {
    auto s = parse_tcp_frame(f);
    if (!s || s->dport != sport_ || s->src_ip != kHttpIp) return;
    if (s->flags & kRst) reset = true;
    if ((s->flags & (kSyn | kAck)) == (kSyn | kAck)) {
      rcv_ = s->seq + 1;
      send(kAck, "");
      send(kAck | kPsh, request_);
      seq_ += static_cast<std::uint32_t>(request_.size());
      return;
    }
    bool advance = false;
    if (!s->payload.empty() && s->seq == rcv_) {
      received += s->payload;
      rcv_ += static_cast<std::uint32_t>(s->payload.size());
      advance = true;
    }
    if (s->flags & kFin) {
      rcv_ += 1;
      fin = true;
      advance = true;
    }
    if (advance) send(kAck, "");
  }
  void close() {
    send(kFin | kAck, "");
    seq_ += 1;
  }
  std::string received;
  bool fin = false, reset = false;

 private:
  void send(std::uint8_t flags, const std::string& payload) {
    g_.send(build_tcp_frame(g_.mac(), kHttpMac, {g_.ip(), kHttpIp, sport_, 80, seq_, rcv_, flags, payload}));
  }
  FakeGuest& g_;
  std::uint16_t sport_;
  std::uint32_t seq_ = 1000, rcv_ = 0;
  std::string request_;
};

std::string body_of(const std::string& response) {
  auto p = response.find("\r\n\r\n");
  return p == std::string::npos ? "" : response.substr(p + 4);
}

TEST_F(net_Bench, HttpServesSeveralGuestsAtOnceAndClosesProperly) {
  std::string a = pattern(300000, 2), b = pattern(200000, 3);
  write(dir.sub("http/a.bin"), a);
  write(dir.sub("http/b.bin"), b);
  start();
  FakeGuest g1(sched, *net, kG1, kIp1), g2(sched, *net, kG2, kIp2);
  TcpClient c1(g1, 40001), c2(g2, 40002);
  g1.on_frame = [&](const auto& f) { c1.on_frame(f); };
  g2.on_frame = [&](const auto& f) { c2.on_frame(f); };
  g1.arp_for(kHttpIp);
  g2.arp_for(kHttpIp);
  run_until(sched, SimTime::from_ms(5));
  c1.connect("GET /a.bin HTTP/1.1\r\nHost: 10.0.2.100\r\nConnection: close\r\n\r\n");
  c2.connect("GET /b.bin HTTP/1.1\r\nHost: 10.0.2.100\r\nConnection: close\r\n\r\n");
  run_until(sched, SimTime::from_s(5));
  EXPECT_FALSE(c1.reset);
  EXPECT_FALSE(c2.reset);
  EXPECT_EQ(c1.received.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(c1.received.find("Content-Length: 300000\r\n"), std::string::npos);
  EXPECT_TRUE(body_of(c1.received) == a) << "guest 1 got " << body_of(c1.received).size() << " bytes";
  EXPECT_TRUE(body_of(c2.received) == b) << "guest 2 got " << body_of(c2.received).size() << " bytes";
  EXPECT_TRUE(c1.fin) << "server side closed (Connection: close)";
  EXPECT_TRUE(c2.fin);
  auto ev = trace.events_of("http");
  ASSERT_EQ(ev.size(), 2u);
  std::map<std::string, TraceEvent> by_path;
  for (auto& e : ev) by_path[e["path"]] = e;
  EXPECT_EQ(by_path["/a.bin"]["status"], 200);
  EXPECT_EQ(by_path["/a.bin"]["bytes"], 300000);
  EXPECT_EQ(by_path["/b.bin"]["bytes"], 200000);
  EXPECT_NE(by_path["/a.bin"]["conn"], by_path["/b.bin"]["conn"]);
  // The two transfers overlapped in virtual time.
  EXPECT_LT(by_path["/a.bin"]["start_ns"].get<std::int64_t>(), by_path["/b.bin"]["end_ns"].get<std::int64_t>());
  EXPECT_LT(by_path["/b.bin"]["start_ns"].get<std::int64_t>(), by_path["/a.bin"]["end_ns"].get<std::int64_t>());
}

TEST_F(net_Bench, HttpKeepAliveHeadNotFoundAndTraversal) {
  write(dir.sub("http/x.txt"), "hello");
  write(dir.sub("secret"), "outside");
  start();
  FakeGuest g(sched, *net, kG1, kIp1);
  TcpClient c(g, 40003);
  g.on_frame = [&](const auto& f) { c.on_frame(f); };
  g.arp_for(kHttpIp);
  run_until(sched, SimTime::from_ms(5));
  c.connect("GET /x.txt HTTP/1.1\r\n\r\nHEAD /x.txt HTTP/1.1\r\n\r\nGET /nope HTTP/1.1\r\n\r\n"
            "GET /../secret HTTP/1.1\r\n\r\nPUT /x.txt HTTP/1.1\r\n\r\n");
  run_until(sched, SimTime::from_s(2));
  EXPECT_FALSE(c.fin) << "keep-alive: the server keeps the connection open";
  EXPECT_EQ(c.received.find("outside"), std::string::npos);
  auto ev = trace.events_of("http");
  ASSERT_EQ(ev.size(), 5u);
  const std::pair<const char*, int> want[] = {{"GET", 200}, {"HEAD", 200}, {"GET", 404}, {"GET", 403}, {"PUT", 501}};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(ev[i]["method"], want[i].first) << i;
    EXPECT_EQ(ev[i]["status"], want[i].second) << i;
    EXPECT_EQ(ev[i]["conn"], 0) << "all on one connection";
  }
  EXPECT_EQ(ev[0]["bytes"], 5);
  EXPECT_EQ(ev[1]["bytes"], 0) << "HEAD has no body";
  EXPECT_EQ(c.received.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(c.received.find("\r\n\r\nhello"), std::string::npos);
  // Guest closes: the server closes too and slirp sends FIN.
  c.close();
  run_until(sched, SimTime::from_s(3));
  EXPECT_TRUE(c.fin);
}

TEST_F(net_Bench, PcapRecordsEveryFrameWithItsVirtualTime) {
  cfg.pcap_path = dir.sub("wire.pcap");
  start();
  FakeGuest g(sched, *net, kG1, 0);
  run_until(sched, SimTime::from_ms(3));
  g.send(discover(kG1));
  run_until(sched, SimTime::from_ms(10));
  net.reset();  // closes the file
  char err[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline_with_tstamp_precision(cfg.pcap_path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  ASSERT_TRUE(p) << err;
  EXPECT_EQ(pcap_datalink(p), DLT_EN10MB);
  std::vector<std::int64_t> times;
  pcap_pkthdr* h;
  const u_char* data;
  while (pcap_next_ex(p, &h, &data) == 1) times.push_back(std::int64_t{h->ts.tv_sec} * 1000000000 + h->ts.tv_usec);
  pcap_close(p);
  ASSERT_EQ(times.size(), 2u) << "DISCOVER and OFFER";
  EXPECT_EQ(times[0], 3000000);  // sent at 3 ms
  EXPECT_EQ(times[1], 3050000);  // the OFFER leaves the server when the DISCOVER has crossed
}

}  // namespace
}  // namespace bootsim::testing
