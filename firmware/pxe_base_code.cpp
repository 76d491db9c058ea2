#include "firmware/pxe_base_code.h"

#include <cctype>
#include <cstdio>
#include <random>

#include "sim/proto/packet.h"
#include "sim/proto/tftp_packet.h"

namespace bootsim {

namespace {

constexpr std::uint32_t kBroadcastIp = 0xFFFFFFFF;
// PXE 2.1 §2.2.5: DHCPDISCOVER retransmitted after 4, 8, 16, 32 s.
constexpr int kDiscoverTimeouts[] = {4, 8, 16, 32};
// TFTP open and read retries (Intel's base code: about 1, 2, 4, 8 s).
constexpr int kTftpTimeouts[] = {1, 2, 4, 8};
constexpr int kArpTimeouts[] = {1, 1, 1, 1};
constexpr std::uint16_t kTftpBlksize = 1432;

std::uint32_t option_ip(const DhcpPacket& p, std::uint8_t code) {
  const DhcpOption* o = p.find(code);
  if (!o || o->data.size() < 4) return 0;
  return std::uint32_t{o->data[0]} << 24 | o->data[1] << 16 | o->data[2] << 8 | o->data[3];
}

}  // namespace

PxeBaseCode::PxeBaseCode(FirmwareHost& host, Scheduler& sched, std::uint64_t seed, std::size_t max_nbp_bytes)
    : host_(host), sched_(sched), max_nbp_(max_nbp_bytes) {
  std::mt19937_64 rng(seed);
  xid_ = static_cast<std::uint32_t>(rng());
  for (auto& b : uuid_) b = static_cast<std::uint8_t>(rng());  // drawn even when replaced: same xid, same port
  tftp_port_ = static_cast<std::uint16_t>(2070 + rng() % 1000);
}

PxeBaseCode::~PxeBaseCode() {
  if (timer_) sched_.cancel(timer_);
}

void PxeBaseCode::print(const std::string& text) {
  for (char c : text) host_.console_put(static_cast<std::uint8_t>(c));
}

void PxeBaseCode::arm(SimTime delay, std::function<void()> on_timeout) {
  if (timer_) sched_.cancel(timer_);
  timer_ = sched_.schedule_in(delay, host_.name() + ".pxe_rom.timeout", [this, cb = std::move(on_timeout)] {
    timer_ = 0;
    cb();
  });
}

void PxeBaseCode::fail(const std::string& message) {
  if (timer_) sched_.cancel(timer_);
  timer_ = 0;
  print("\r\n" + message + "\r\nPXE-M0F: Exiting PXE ROM.\r\n");
  result_.ok = false;
  result_.error = message;
  done_ = true;
  state_ = State::kDone;
}

void PxeBaseCode::start() {
  host_.nic().open();
  char buf[128];
  const Mac& m = host_.nic().mac();
  std::snprintf(buf, sizeof buf, "\r\nCLIENT MAC ADDR: %02X %02X %02X %02X %02X %02X  GUID: ", m[0], m[1], m[2], m[3],
                m[4], m[5]);
  std::string line = buf;
  for (char c : format_uuid(uuid_)) line += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  print(line + "\r\nDHCP.");
  host_.trace(trace_kind::Phase::rom_dhcp(xid_));
  tries_ = 0;
  send_dhcp(DHCPDISCOVER, kBroadcastIp, 67);
  arm(SimTime::from_s(kDiscoverTimeouts[0]), [this] { discover_expired(); });
}

void PxeBaseCode::discover_expired() {
  if (state_ != State::kDiscover) return;
  if (offer_ || proxy_offer_) {
    // Offers came in during this window: take the best one.
    if (!offer_) return fail("PXE-E53: No boot filename received");
    return retry(State::kRequest, kDiscoverTimeouts, [this] { send_dhcp(DHCPREQUEST, kBroadcastIp, 67); },
                 "PXE-E51: No DHCP or proxyDHCP offers were received");
  }
  if (++tries_ >= 4) return fail("PXE-E51: No DHCP or proxyDHCP offers were received");
  print(".");
  send_dhcp(DHCPDISCOVER, kBroadcastIp, 67);
  arm(SimTime::from_s(kDiscoverTimeouts[tries_]), [this] { discover_expired(); });
}

void PxeBaseCode::retry(State state, const int (&timeouts)[4], std::function<void()> send, std::string error) {
  retry_later(state, timeouts, std::move(send), std::move(error));
  resend_();
}

void PxeBaseCode::retry_later(State state, const int (&timeouts)[4], std::function<void()> send, std::string error) {
  state_ = state;
  tries_ = 0;
  retry_timeouts_ = timeouts;
  resend_ = std::move(send);
  retry_error_ = std::move(error);
  arm(SimTime::from_s(timeouts[0]), [this, state] { retry_expired(state); });
}

void PxeBaseCode::retry_expired(State state) {
  if (state_ != state) return;
  if (++tries_ >= 4) return fail(retry_error_);
  resend_();
  arm(SimTime::from_s(retry_timeouts_[tries_]), [this, state] { retry_expired(state); });
}

void PxeBaseCode::send_dhcp(std::uint8_t type, std::uint32_t dst_ip, std::uint16_t dst_port) {
  DhcpPacket p;
  p.op = 1;
  p.xid = xid_;
  p.flags = 0x8000;  // the base code has no IP stack yet: ask for broadcast replies
  const Mac& mac = host_.nic().mac();
  std::copy(mac.begin(), mac.end(), p.chaddr.begin());
  p.set(53, {type});
  p.set(57, {0x05, 0xC0});  // max message size 1472
  p.set(55, {1, 2, 3, 5, 6, 11, 12, 13, 15, 16, 17, 18, 43, 54, 60, 66, 67, 128, 129, 130, 131, 132, 133, 134, 135});
  // Option 97: type 0 and the GUID with its first three fields little-endian (RFC 4578 §2.3, EFI layout).
  auto guid = guid_bytes(uuid_);
  p.set(97, std::vector<std::uint8_t>(1, 0));
  p.options.back().data.insert(p.options.back().data.end(), guid.begin(), guid.end());
  p.set(94, {1, 2, 1});    // UNDI 2.1
  p.set(93, {0, 0});       // x86 BIOS
  p.set_string(60, "PXEClient:Arch:00000:UNDI:002001");
  if (type == DHCPREQUEST && state_ == State::kRequest && offer_) {
    p.set_u32(50, offer_->yiaddr);
    p.set_u32(54, option_ip(*offer_, 54));
  }
  if (state_ == State::kProxyRequest) p.ciaddr = my_ip_;
  std::vector<std::uint8_t> payload = p.encode();
  if (type == DHCPDISCOVER && result_.discover.empty()) result_.discover = payload;
  UdpDatagram d;
  d.src_mac = mac;
  d.dst_mac = dst_ip == kBroadcastIp ? kBroadcastMac : Mac{boot_server_mac_[0], boot_server_mac_[1], boot_server_mac_[2],
                                                             boot_server_mac_[3], boot_server_mac_[4], boot_server_mac_[5]};
  d.src_ip = state_ == State::kProxyRequest ? my_ip_ : 0;
  d.dst_ip = dst_ip;
  d.src_port = 68;
  d.dst_port = dst_port;
  d.payload = std::move(payload);
  host_.nic().transmit(build_udp_frame(d, ip_id_++));
}

void PxeBaseCode::receive(const Frame& frame) {
  if (done_) return;
  if (auto arp = parse_arp_frame(frame.bytes)) {
    if (arp->op == 1 && my_ip_ && arp->target_ip == my_ip_) {
      // Answer for our address: slirp learns the guest's MAC only from ARP.
      ArpPacket reply{2, host_.nic().mac(), arp->sender_mac, my_ip_, arp->sender_ip};
      host_.nic().transmit(build_arp_frame(reply, arp->sender_mac));
    } else if (arp->op == 2 && arp_target_ && arp->sender_ip == arp_target_) {
      std::copy(arp->sender_mac.begin(), arp->sender_mac.end(), boot_server_mac_);
      arp_target_ = 0;
      auto next = std::move(arp_next_);
      if (next) next();
    }
    return;
  }
  auto udp = parse_udp_frame(frame.bytes);
  if (!udp) return;
  if (udp->dst_port == 68 && (udp->src_port == 67 || udp->src_port == 4011)) {
    auto p = DhcpPacket::decode(udp->payload.data(), udp->payload.size(), nullptr);
    if (p && p->op == 2 && p->xid == xid_) handle_dhcp(*p, udp->src_port);
  } else if (udp->dst_port == tftp_port_ && my_ip_ && udp->dst_ip == my_ip_) {
    handle_tftp(udp->payload, udp->src_port);
  }
}

void PxeBaseCode::handle_dhcp(const DhcpPacket& p, std::uint16_t src_port) {
  std::uint8_t type = p.message_type();
  bool pxe_server = p.option_string(60).rfind("PXEClient", 0) == 0;
  if (state_ == State::kDiscover && type == DHCPOFFER) {
    if (p.yiaddr != 0) {
      if (!offer_) offer_ = p;
      if (pxe_server && !proxy_offer_) proxy_offer_ = p;  // a PXE-aware DHCP server
    } else if (pxe_server) {
      if (!proxy_offer_) proxy_offer_ = p;  // a ProxyDHCP offer
    }
    // A DHCP offer that already names a boot file needs no ProxyDHCP: don't wait out the window.
    if (offer_ && (!offer_->file.empty() || offer_->find(67) || proxy_offer_))
      arm(SimTime::from_ms(10), [this] { discover_expired(); });
    return;
  }
  if (state_ == State::kRequest && type == DHCPACK && src_port == 67) {
    ack_ = p;
    result_.ack = p.encode();
    my_ip_ = p.yiaddr;
    netmask_ = option_ip(p, 1);
    gateway_ = option_ip(p, 3);
    dhcp_server_ = option_ip(p, 54);
    char buf[160];
    std::snprintf(buf, sizeof buf, "\r\nCLIENT IP: %s  MASK: %s  DHCP IP: %s", format_ipv4(my_ip_).c_str(),
                  format_ipv4(netmask_).c_str(), format_ipv4(dhcp_server_).c_str());
    std::string line = buf;
    if (gateway_) line += "\r\nGATEWAY IP: " + format_ipv4(gateway_);
    print(line + "\r\n");
    host_.trace(trace_kind::Phase::rom_dhcp_done(format_ipv4(my_ip_)));
    after_ack();
    return;
  }
  if (state_ == State::kRequest && type == DHCPNAK) return fail("PXE-E52: proxyDHCP offers were received. No DHCP offers were received");
  if (state_ == State::kProxyRequest && type == DHCPACK && src_port == 4011) {
    result_.proxy_ack = p.encode();
    proxy_offer_ = p;
    start_tftp();
  }
}

void PxeBaseCode::after_ack() {
  // The boot file comes from a PXE-aware ACK/offer; a pure ProxyDHCP offer needs a REQUEST to port 4011.
  bool ack_has_file = !ack_->file.empty() || ack_->find(67);
  if (ack_has_file || !proxy_offer_) return start_tftp();
  std::uint32_t proxy = option_ip(*proxy_offer_, 54);
  if (!proxy) proxy = proxy_offer_->siaddr;
  arp_then(proxy, State::kProxyArp, [this, proxy] {
    retry(State::kProxyRequest, kDiscoverTimeouts, [this, proxy] { send_dhcp(DHCPREQUEST, proxy, 4011); },
          "PXE-E55: proxyDHCP service did not reply to request on port 4011");
  });
}

void PxeBaseCode::arp_then(std::uint32_t ip, State state, std::function<void()> next) {
  // Off-subnet servers are reached through the gateway.
  std::uint32_t target = (netmask_ && (ip & netmask_) != (my_ip_ & netmask_) && gateway_) ? gateway_ : ip;
  arp_target_ = target;
  arp_next_ = std::move(next);
  retry(state, kArpTimeouts, [this, target] {
    ArpPacket req{1, host_.nic().mac(), Mac{}, my_ip_, target};
    host_.nic().transmit(build_arp_frame(req, kBroadcastMac));
  }, "PXE-E11: ARP timeout");
}

void PxeBaseCode::start_tftp() {
  const DhcpPacket& src = (proxy_offer_ && !result_.proxy_ack.empty()) ? *proxy_offer_ : *ack_;
  result_.filename = !src.file.empty() ? src.file : src.option_string(67);
  // A C string to a real ROM: dnsmasq sends option 67 with its terminating NUL, which must not reach the RRQ.
  if (auto nul = result_.filename.find('\0'); nul != std::string::npos) result_.filename.resize(nul);
  boot_server_ = src.siaddr;
  if (!boot_server_) {
    if (auto ip = parse_ipv4(src.option_string(66))) boot_server_ = *ip;
  }
  if (!boot_server_) boot_server_ = option_ip(src, 54);
  result_.client_ip = my_ip_;
  result_.server_ip = boot_server_;
  if (result_.filename.empty()) return fail("PXE-E53: No boot filename received");
  arp_then(boot_server_, State::kTftpArp, [this] {
    std::copy(boot_server_mac_, boot_server_mac_ + 6, result_.server_mac.begin());
    print("TFTP.");
    host_.trace(trace_kind::Phase::nbp_download(result_.filename, format_ipv4(boot_server_)));
    retry(State::kTftpOpen, kTftpTimeouts, [this] { send_rrq(); }, "PXE-E32: TFTP open timeout");
  });
}

void PxeBaseCode::send_rrq() {
  std::vector<std::uint8_t> rrq = {0, 1};
  auto add = [&](const std::string& s) {
    rrq.insert(rrq.end(), s.begin(), s.end());
    rrq.push_back(0);
  };
  add(result_.filename);
  add("octet");
  add("tsize");
  add("0");
  add("blksize");
  add(std::to_string(kTftpBlksize));
  send_to_boot_server(69, std::move(rrq));
}

void PxeBaseCode::send_ack(std::uint16_t block) {
  send_to_boot_server(server_tid_, {0, 4, static_cast<std::uint8_t>(block >> 8), static_cast<std::uint8_t>(block & 0xFF)});
}

void PxeBaseCode::send_to_boot_server(std::uint16_t dst_port, std::vector<std::uint8_t> payload) {
  UdpDatagram d;
  d.src_mac = host_.nic().mac();
  std::copy(boot_server_mac_, boot_server_mac_ + 6, d.dst_mac.begin());
  d.src_ip = my_ip_;
  d.dst_ip = boot_server_;
  d.src_port = tftp_port_;
  d.dst_port = dst_port;
  d.payload = std::move(payload);
  host_.nic().transmit(build_udp_frame(d, ip_id_++));
}

void PxeBaseCode::handle_tftp(const std::vector<std::uint8_t>& pl, std::uint16_t src_port) {
  const auto op = tftp_opcode(pl);
  if (!op || pl.size() < 4) return;
  if (state_ == State::kTftpOpen) server_tid_ = src_port;
  if (src_port != server_tid_) return;
  if (auto e = parse_tftp_error(pl)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "PXE-T%02u: ", e->code);
    return fail(std::string(buf) + e->message + "\r\nPXE-E3B: TFTP Error - " +
                (e->code == 1 ? "File Not found" : e->code == 2 ? "Access Violation" : "TFTP server error"));
  }
  if (*op == TftpOpcode::kOack && state_ == State::kTftpOpen) {
    // Options the server left out are not in effect (RFC 2347). A block size we did not offer (0, text, more
    // than we asked for) is not taken either: the transfer runs at 512 as if the server had not answered it.
    blksize_ = 512;
    if (auto oack = parse_tftp_oack(pl))
      if (auto b = tftp_number(*oack, "blksize", kTftpMinBlksize, kTftpBlksize)) blksize_ = static_cast<std::uint16_t>(*b);
    next_block_ = 1;
    send_ack(0);
  } else if (*op == TftpOpcode::kData) {
    if (state_ == State::kTftpOpen) {  // the server ignored our options: 512-byte blocks
      blksize_ = 512;
      next_block_ = 1;
    }
    std::uint16_t block = *tftp_block(pl);
    if (block != next_block_) {
      send_ack(static_cast<std::uint16_t>(next_block_ - 1));
      return;
    }
    result_.nbp.insert(result_.nbp.end(), pl.begin() + 4, pl.end());
    send_ack(block);
    ++next_block_;
    if (result_.nbp.size() > max_nbp_) return fail("PXE-E3F: TFTP packet size is invalid (boot file too large)");
    if (pl.size() - 4 < blksize_) {
      if (timer_) sched_.cancel(timer_);
      timer_ = 0;
      print("\r\n");
      host_.trace(trace_kind::Phase::nbp_downloaded(result_.filename, result_.nbp.size()));
      result_.ok = true;
      done_ = true;
      state_ = State::kDone;
      return;
    }
  } else {
    return;
  }
  // The ACK just went out; send it again if the next DATA does not come.
  retry_later(State::kTftpData, kTftpTimeouts, [this] { send_ack(static_cast<std::uint16_t>(next_block_ - 1)); },
              "PXE-E35: TFTP read timeout");
}

}  // namespace bootsim
