#include "sim/net/boot_network.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "sim/net/socket_dir.h"

namespace bootsim {

namespace {

Mac slirp_style_mac(std::uint32_t ip) {
  // slirp's own addresses answer ARP with 52:55 followed by the IPv4 address.
  return Mac{0x52, 0x55, static_cast<std::uint8_t>(ip >> 24), static_cast<std::uint8_t>(ip >> 16),
             static_cast<std::uint8_t>(ip >> 8), static_cast<std::uint8_t>(ip)};
}

bool is_group(const std::uint8_t* mac) { return mac[0] & 1; }

/// UDP destination port of an IPv4 frame read straight from the headers (no checksum or length checks),
/// so that a truncated or corrupted DHCP datagram is still recognised as one. 0 when not IPv4/UDP.
std::uint16_t raw_udp_dst_port(const std::vector<std::uint8_t>& f) {
  if (f.size() < 14 + 20 || ethertype_of(f) != 0x0800 || (f[14] >> 4) != 4 || f[14 + 9] != 17) return 0;
  std::size_t ihl = (f[14] & 0x0F) * 4u;
  if (ihl < 20 || f.size() < 14 + ihl + 4) return 0;
  return static_cast<std::uint16_t>(f[14 + ihl + 2] << 8 | f[14 + ihl + 3]);
}

}  // namespace

NetworkConfig NetworkConfig::for_subnet(std::uint32_t network, std::uint32_t netmask) {
  NetworkConfig c;
  std::uint32_t net = network & netmask;
  c.network = net;
  c.netmask = netmask;
  c.gateway = net | 2;
  c.dns = net | 3;
  c.http_addr = net | 100;
  c.dhcp.server_ip = c.gateway;
  c.dhcp.server_mac = slirp_style_mac(c.gateway);
  c.dhcp.pool_start = net | 15;
  c.dhcp.netmask = netmask;
  c.dhcp.router = c.gateway;
  c.dhcp.next_server = c.gateway;
  return c;
}

BootNetwork::BootNetwork(Scheduler& sched, Trace& trace, NetworkConfig config)
    : sched_(sched), trace_(trace), config_(std::move(config)) {
  if (!config_.pcap_path.empty()) pcap_ = std::make_unique<PcapTap>(config_.pcap_path);
  dhcp_ = std::make_unique<DhcpServer>(config_.dhcp);
  if (config_.proxy_dhcp) proxy_ = std::make_unique<DhcpServer>(*config_.proxy_dhcp);
  if (config_.external) {
    // The user's servers answer everything; the watch only traces their TFTP (no guarding: their root).
    tftp_ = std::make_unique<TftpWatch>(trace_, "", config_.gateway, "tftpd");
    tap_ = std::make_unique<TapHost>(sched_, *config_.external, [this](std::vector<std::uint8_t> f) {
      tftp_->on_server_frame(sched_.now(), f);
      send_to_guests(std::move(f));
    });
    return;
  }

  SlirpHostConfig sc;
  sc.vnetwork = config_.network & config_.netmask;
  sc.vnetmask = config_.netmask;
  sc.vhost = config_.gateway;
  sc.vnameserver = config_.dns;
  if (!config_.tftp_root.empty()) {
    struct stat st{};
    if (::stat(config_.tftp_root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      throw std::runtime_error("TFTP root '" + config_.tftp_root + "' is not a directory");
    sc.tftp_path = config_.tftp_root;
    tftp_ = std::make_unique<TftpWatch>(trace_, config_.tftp_root, config_.gateway, "tftpd",
                                        config_.tftp_link_targets);
  }
  sc.in6_enabled = config_.ipv6_ra;
  sc.ra_interval = config_.ra_interval;
  slirp_ = std::make_unique<SlirpHost>(sched_, trace_, sc, [this](std::vector<std::uint8_t> f) {
    if (tftp_) tftp_->on_server_frame(sched_.now(), f);
    strip_ra_rdnss(f);  // what slirp would announce depends on the host's resolv.conf
    send_to_guests(std::move(f));
  });
  if (!config_.http_root.empty()) {
    sock_dir_ = make_socket_dir();
    try {
      http_ = std::make_unique<HttpServer>(sched_, trace_, HttpServerConfig{config_.http_root, config_.http_files},
                                           sock_dir_ + "/http.sock");
      if (!slirp_->add_unix(http_->socket_path(), config_.http_addr, config_.http_port))
        throw std::runtime_error("slirp refuses HTTP at " + format_ipv4(config_.http_addr) +
                                 " (outside the network, or the gateway/DNS address)");
    } catch (...) {
      http_.reset();
      ::rmdir(sock_dir_.c_str());  // the destructor does not run for a half-built network
      throw;
    }
    slirp_->add_service([this] { return http_->service(); });
  }
}

BootNetwork::~BootNetwork() {
  http_.reset();
  slirp_.reset();
  tap_.reset();
  if (!sock_dir_.empty()) ::rmdir(sock_dir_.c_str());
}

void BootNetwork::flush() {
  if (pcap_) pcap_->flush();
}

std::vector<int> BootNetwork::owned_fds() const {
  std::vector<int> fds;
  if (pcap_) fds.push_back(pcap_->fd());
  if (http_) fds.push_back(http_->listen_fd());
  // No TAP: a world with external servers must not fork (the servers are one process's to talk to).
  return fds;
}

void BootNetwork::prepare_fork() {
  if (pcap_) pcap_->flush();
}

void BootNetwork::continue_in_child(const std::string& pcap_path) {
  if (pcap_ && !pcap_path.empty()) pcap_->continue_in(pcap_path);
  if (http_) {
    // The parent owns the socket directory and removes it; this world gets its own. slirp resolves the
    // forward's path at connect time, so re-registering it is invisible to the guest.
    sock_dir_ = make_socket_dir();
    http_->relisten(sock_dir_ + "/http.sock");
    if (!slirp_->remove_unix(config_.http_addr, config_.http_port) ||
        !slirp_->add_unix(http_->socket_path(), config_.http_addr, config_.http_port))
      throw std::runtime_error("slirp refuses to move the HTTP forward to " + http_->socket_path());
  }
}

void BootNetwork::attach(FramePort& nic_rx, const Mac& mac) { ports_.push_back(Port{&nic_rx, mac, {}}); }

void BootNetwork::Capture::deliver(const Frame& frame) {
  if (net_.pcap_) net_.pcap_->write(net_.sched_.now(), frame.bytes);
}

void BootNetwork::deliver(const Frame& frame) {
  if (frame.bytes.size() < 14) return;
  ++stats_.from_guests;
  if (pcap_) pcap_->write(sched_.now(), frame.bytes);
  Mac src;
  std::copy(frame.bytes.begin() + 6, frame.bytes.begin() + 12, src.begin());
  const std::uint8_t* dst = frame.bytes.data();
  // Other guests on the wire.
  for (auto& p : ports_) {
    if (p.mac == src) continue;
    if (is_group(dst) || std::equal(p.mac.begin(), p.mac.end(), dst))
      deliver_to_port(p, std::make_shared<const std::vector<std::uint8_t>>(frame.bytes));
  }
  if (!is_group(dst)) {
    for (auto& p : ports_)
      if (std::equal(p.mac.begin(), p.mac.end(), dst)) return;  // guest-to-guest unicast: not ours
  }
  // The servers see it once it has crossed the wire.
  auto copy = std::make_shared<const std::vector<std::uint8_t>>(frame.bytes);
  std::weak_ptr<int> alive = alive_;
  sched_.schedule_in(config_.latency, "wire.to_servers", [this, alive, copy, src] {
    if (alive.lock()) route_from_guest(src, *copy);
  });
}

void BootNetwork::route_from_guest(const Mac& src, const std::vector<std::uint8_t>& f) {
  (void)src;
  if (tap_) {
    (void)tftp_->on_guest_frame(sched_.now(), f);
    tap_->send(f);
    return;
  }
  std::uint16_t port = raw_udp_dst_port(f);
  if (port == 67) {
    handle_dhcp(*dhcp_, f);
    if (proxy_) handle_dhcp(*proxy_, f);
    return;
  }
  if (port == 4011) {
    if (proxy_) handle_dhcp(*proxy_, f);
    else handle_dhcp(*dhcp_, f);  // traced and ignored: no ProxyDHCP here
    return;
  }
  if (ethertype_of(f) == 0x0806 && answer_arp(f)) return;
  if (tftp_) {
    if (auto refusal = tftp_->on_guest_frame(sched_.now(), f)) {
      ++stats_.tftp_refused;
      send_to_guests(std::move(*refusal));
      return;
    }
  }
  ++stats_.to_slirp;
  slirp_->input(f);
}

void BootNetwork::handle_dhcp(DhcpServer& server, const std::vector<std::uint8_t>& f) {
  const std::string& who = server.config().name;
  auto udp = parse_udp_frame(f);
  if (!udp) {
    ++stats_.dhcp_malformed;
    trace_.emit(sched_.now(), who,
                trace_kind::DhcpIgnored{"malformed: bad or truncated IPv4/UDP header", true, f.size()});
    return;
  }
  DhcpServer::Result r = server.process(*udp);
  if (r.malformed) {
    ++stats_.dhcp_malformed;
    trace_.emit(sched_.now(), who, trace_kind::DhcpIgnored{r.why, true, f.size()});
    return;
  }
  if (r.request) trace_.emit(sched_.now(), who, dhcp_trace_fields(*r.request, "rx", udp->dst_port));
  if (!r.reply) {
    trace_.emit(sched_.now(), who, trace_kind::DhcpIgnored{r.why, false, std::nullopt});
    return;
  }
  auto reply = std::make_shared<DhcpServer::Reply>(std::move(*r.reply));
  std::weak_ptr<int> alive = alive_;
  sched_.schedule_in(reply->delay, "dhcp.reply", [this, alive, reply, who] {
    if (!alive.lock()) return;
    trace_kind::Dhcp ev = dhcp_trace_fields(reply->packet, "tx", reply->src_port);
    if (reply->dropped) ev.dropped = true;
    trace_.emit(sched_.now(), who, ev);
    if (!reply->dropped) send_to_guests(std::move(reply->frame));
  });
}

bool BootNetwork::answer_arp(const std::vector<std::uint8_t>& f) {
  auto arp = parse_arp_frame(f);
  if (!arp || arp->op != 1) return false;
  // slirp answers for its host and DNS addresses and for the HTTP address (it has a forward there).
  std::vector<std::uint32_t> ours;
  for (const DhcpServer* s : {dhcp_.get(), proxy_.get()}) {
    if (!s) continue;
    std::uint32_t ip = s->config().server_ip;
    if (ip != config_.gateway && ip != config_.dns && !(http_ && ip == config_.http_addr)) ours.push_back(ip);
  }
  for (std::uint32_t ip : ours) {
    if (arp->target_ip != ip) continue;
    ++stats_.arp_answered;
    ArpPacket reply{2, slirp_style_mac(ip), arp->sender_mac, ip, arp->sender_ip};
    send_to_guests(build_arp_frame(reply, arp->sender_mac));
    return true;
  }
  return false;
}

void BootNetwork::send_to_guests(std::vector<std::uint8_t> frame, const Mac* except) {
  if (frame.size() < 14) return;
  if (pcap_) pcap_->write(sched_.now(), frame);
  auto shared = std::make_shared<const std::vector<std::uint8_t>>(std::move(frame));
  const std::uint8_t* dst = shared->data();
  bool delivered = false;
  for (auto& p : ports_) {
    if (except && p.mac == *except) continue;
    if (is_group(dst) || std::equal(p.mac.begin(), p.mac.end(), dst)) {
      deliver_to_port(p, shared);
      delivered = true;
    }
  }
  if (!delivered) ++stats_.unroutable;
}

void BootNetwork::deliver_to_port(Port& p, const std::shared_ptr<const std::vector<std::uint8_t>>& frame) {
  ++stats_.to_guests;
  // Frames to one port are serialized one after another, so they arrive in the order they were sent.
  SimTime start = std::max(sched_.now(), p.busy_until);
  SimTime ser{};
  if (config_.link_bps) {
    std::uint64_t bits = (std::max<std::size_t>(frame->size(), 60) + 4 + 8 + 12) * 8;  // FCS, preamble, IFG
    ser = SimTime::from_ns(static_cast<std::int64_t>(bits * 1000000000ull / config_.link_bps));
  }
  p.busy_until = start + ser;
  FramePort* rx = p.rx;
  std::weak_ptr<int> alive = alive_;
  sched_.schedule_at(p.busy_until + config_.latency, "wire.to_nic", [this, alive, rx, frame] {
    if (!alive.lock()) return;
    rx->deliver(Frame{sched_.now(), *frame});
  });
}

}  // namespace bootsim
