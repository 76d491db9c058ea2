// A guest-less test bench for the boot network: scheduler, trace, BootNetwork and scripted fake guests
// that build their own Ethernet/ARP/IPv4/UDP/TCP frames.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "sim/net/boot_network.h"

namespace bootsim::testing {

inline void put16(std::vector<std::uint8_t>& v, std::size_t at, std::uint16_t x) {
  v[at] = x >> 8;
  v[at + 1] = x & 0xFF;
}
inline void put32(std::vector<std::uint8_t>& v, std::size_t at, std::uint32_t x) {
  for (int i = 0; i < 4; ++i) v[at + i] = static_cast<std::uint8_t>(x >> (24 - 8 * i));
}
inline std::uint16_t get16(const std::vector<std::uint8_t>& v, std::size_t at) {
  return static_cast<std::uint16_t>(v[at] << 8 | v[at + 1]);
}
inline std::uint32_t get32(const std::vector<std::uint8_t>& v, std::size_t at) {
  return std::uint32_t{v[at]} << 24 | std::uint32_t{v[at + 1]} << 16 | std::uint32_t{v[at + 2]} << 8 | v[at + 3];
}

enum : std::uint8_t { kFin = 1, kSyn = 2, kRst = 4, kPsh = 8, kAck = 16 };

struct TcpSegment {
  std::uint32_t src_ip, dst_ip;
  std::uint16_t sport, dport;
  std::uint32_t seq, ack;
  std::uint8_t flags;
  std::string payload;
};

inline std::vector<std::uint8_t> build_tcp_frame(const Mac& src, const Mac& dst, const TcpSegment& s) {
  std::size_t tcp_len = 20 + s.payload.size();
  std::vector<std::uint8_t> f(14 + 20 + tcp_len, 0);
  std::copy(dst.begin(), dst.end(), f.begin());
  std::copy(src.begin(), src.end(), f.begin() + 6);
  put16(f, 12, 0x0800);
  f[14] = 0x45;
  put16(f, 16, static_cast<std::uint16_t>(20 + tcp_len));
  f[22] = 64;
  f[23] = 6;
  put32(f, 26, s.src_ip);
  put32(f, 30, s.dst_ip);
  put16(f, 24, checksum_finish(checksum_add(&f[14], 20)));
  std::size_t t = 34;
  put16(f, t, s.sport);
  put16(f, t + 2, s.dport);
  put32(f, t + 4, s.seq);
  put32(f, t + 8, s.ack);
  f[t + 12] = 5 << 4;
  f[t + 13] = s.flags;
  put16(f, t + 14, 65535);
  std::copy(s.payload.begin(), s.payload.end(), f.begin() + static_cast<long>(t + 20));
  std::vector<std::uint8_t> pseudo(12, 0);
  put32(pseudo, 0, s.src_ip);
  put32(pseudo, 4, s.dst_ip);
  pseudo[9] = 6;
  put16(pseudo, 10, static_cast<std::uint16_t>(tcp_len));
  put16(f, t + 16, checksum_finish(checksum_add(&f[t], tcp_len, checksum_add(pseudo.data(), 12))));
  return f;
}

inline std::optional<TcpSegment> parse_tcp_frame(const std::vector<std::uint8_t>& f) {
  if (f.size() < 54 || get16(f, 12) != 0x0800 || f[23] != 6) return std::nullopt;
  std::size_t ihl = (f[14] & 0xF) * 4u;
  std::size_t total = get16(f, 16);
  std::size_t t = 14 + ihl;
  std::size_t doff = (f[t + 12] >> 4) * 4u;
  TcpSegment s;
  s.src_ip = get32(f, 26);
  s.dst_ip = get32(f, 30);
  s.sport = get16(f, t);
  s.dport = get16(f, t + 2);
  s.seq = get32(f, t + 4);
  s.ack = get32(f, t + 8);
  s.flags = f[t + 13];
  s.payload.assign(f.begin() + static_cast<long>(t + doff), f.begin() + static_cast<long>(14 + total));
  return s;
}

/// A station on the wire that records what reaches it and can answer with a script.
class FakeGuest : public FramePort {
 public:
  FakeGuest(Scheduler& sched, BootNetwork& net, Mac mac, std::uint32_t ip) : sched_(sched), net_(net), mac_(mac), ip_(ip) {
    net.attach(*this, mac);
  }
  struct Rx {
    SimTime t;
    std::vector<std::uint8_t> bytes;
  };
  void deliver(const Frame& f) override {
    rx.push_back({f.t, f.bytes});
    // Answer ARP requests for our address, as any IP stack would.
    if (auto a = parse_arp_frame(f.bytes); a && a->op == 1 && a->target_ip == ip_) {
      ArpPacket r{2, mac_, a->sender_mac, ip_, a->sender_ip};
      send(build_arp_frame(r, a->sender_mac));
    }
    if (on_frame) on_frame(f.bytes);
  }
  void send(std::vector<std::uint8_t> bytes) { net_.deliver(Frame{sched_.now(), std::move(bytes)}); }
  void send_udp(std::uint32_t dst_ip, const Mac& dst_mac, std::uint16_t sport, std::uint16_t dport,
                std::vector<std::uint8_t> payload) {
    UdpDatagram d;
    d.src_mac = mac_;
    d.dst_mac = dst_mac;
    d.src_ip = ip_;
    d.dst_ip = dst_ip;
    d.src_port = sport;
    d.dst_port = dport;
    d.payload = std::move(payload);
    send(build_udp_frame(d, id_++));
  }
  void arp_for(std::uint32_t target) {
    ArpPacket a{1, mac_, {}, ip_, target};
    send(build_arp_frame(a, kBroadcastMac));
  }
  const Mac& mac() const { return mac_; }
  std::uint32_t ip() const { return ip_; }

  std::vector<Rx> rx;
  std::function<void(const std::vector<std::uint8_t>&)> on_frame;

 private:
  Scheduler& sched_;
  BootNetwork& net_;
  Mac mac_;
  std::uint32_t ip_;
  std::uint16_t id_ = 1;
};

/// Runs the scheduler until virtual time `until` (slirp's periodic poll keeps the queue non-empty).
inline void run_until(Scheduler& sched, SimTime until) {
  while (sched.next_event_time() <= until) {
    sched.advance_to(sched.next_event_time());
    sched.run_due();
  }
  sched.advance_to(until);
}

/// A scratch directory removed at the end of the test.
struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/bootsim-net-test-XXXXXX";
    if (!::mkdtemp(tmpl)) std::abort();
    path = tmpl;
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  std::string sub(const std::string& name) const { return path + "/" + name; }
  std::string path;
};

}  // namespace bootsim::testing
