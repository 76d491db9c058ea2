// The virtual boot network: the wire the NICs attach to, and the boot servers behind it.
//
// Usage:
//   NetworkConfig cfg;                       // 10.0.2.0/24, DHCP+TFTP at 10.0.2.2, HTTP at 10.0.2.100:80
//   cfg.tftp_root = "files/tftp"; cfg.http_root = "files/http"; cfg.pcap_path = "out/wire.pcap";
//   BootNetwork net(sched, trace, cfg);
//   net.attach(port, nic.mac());                  // RX side: a NIC's switch port (nicmodels/switch_port.h)
//   port.connect(&net, &net.capture_port());      // TX side, and the port's own frames (BPDUs) into the pcap
//
// What a guest frame meets (routed when it has crossed the wire, `latency` after it was sent):
//  - DHCP (UDP to port 67 or 4011, or anything that looks like it but does not parse): our DHCP servers;
//  - ARP requests for our own addresses that slirp does not answer (a ProxyDHCP server's address);
//  - a TFTP RRQ whose file resolves outside the TFTP root: refused here (ERROR 2), see tftp_watch.h;
//  - everything else: libslirp (TCP/IP, ARP, ICMP, TFTP at 10.0.2.2, HTTP at `http_addr` via SlirpHost).
// With `external` set, none of the above: every frame goes to the user's own servers on a TAP
// (sim/net/tap_host.h), whose frames come back onto the wire; TFTP is still watched (traced), and the
// clock is paced to wall time.
// Broadcast and multicast frames also reach the other attached NICs; unicast frames to another attached
// MAC go only there (a learning-free switch).
// Frames towards a NIC are delivered by scheduler events, in order, `latency` plus serialization at
// `link_bps` after they are sent; nothing towards a guest is ever dropped by the wire (slirp's TFTP
// ignores ACK block numbers, so a lost DATA frame would corrupt the file).
// The pcap tap records every frame once, when it enters the wire, with that virtual time, and the frames a
// switch port sends on its own link (BPDUs), which the wire does not carry (capture_port()).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/frame_port.h"
#include "sim/net/dhcp_server.h"
#include "sim/net/http_server.h"
#include "sim/proto/packet.h"
#include "sim/net/pcap_tap.h"
#include "sim/net/slirp_host.h"
#include "sim/net/tap_host.h"
#include "sim/net/tftp_watch.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

namespace bootsim {

struct NetworkConfig {
  std::uint32_t network = 0x0A000200;   ///< 10.0.2.0 (host byte order)
  std::uint32_t netmask = 0xFFFFFF00;
  std::uint32_t gateway = 0x0A000202;   ///< slirp's host address: router, TFTP server, DHCP server id
  std::uint32_t dns = 0x0A000203;       ///< slirp's DNS address (DNS itself is disabled)
  std::string tftp_root;                ///< empty: no TFTP
  std::vector<std::string> tftp_link_targets;  ///< where links in tftp_root may lead (TftpWatch)
  std::string http_root;                ///< empty: no HTTP server
  std::map<std::string, std::string> http_files;  ///< URL path without '/' → host file, laid over http_root
  std::uint32_t http_addr = 0x0A000264; ///< 10.0.2.100
  std::uint16_t http_port = 80;
  bool ipv6_ra = false;                 ///< IPv6 on in slirp: RS gets an RA (M=O=0), iPXE's IPv6 conf ends
  SimTime ra_interval = SimTime::from_s(300);
  SimTime latency = SimTime::from_us(50);
  std::uint64_t link_bps = 1000000000;  ///< serialization rate towards each NIC; 0: none
  DhcpServerConfig dhcp;                ///< the main DHCP server
  std::optional<DhcpServerConfig> proxy_dhcp;  ///< a ProxyDHCP server at its own address, if any
  std::string pcap_path;                ///< empty: no pcap
  /// Set: the user's own servers in a network namespace behind a TAP at `gateway` replace slirp and ours
  /// (dhcp, proxy_dhcp, tftp_root, http_* are then unused), and virtual time is paced to wall time.
  std::optional<NetnsServersConfig> external;

  /// Defaults for another /N network: gateway .2, DNS .3, pool from .15, HTTP at .100, and the DHCP
  /// server's addresses and MAC set to match.
  static NetworkConfig for_subnet(std::uint32_t network, std::uint32_t netmask);
};

class BootNetwork final : public FramePort {
 public:
  /// Builds slirp, the servers and the pcap tap. Throws std::runtime_error for unusable configuration
  /// (missing roots, pcap not writable, slirp refusing the HTTP address).
  BootNetwork(Scheduler& sched, Trace& trace, NetworkConfig config);
  ~BootNetwork() override;
  BootNetwork(const BootNetwork&) = delete;
  BootNetwork& operator=(const BootNetwork&) = delete;

  /// Attaches a NIC: frames for `mac` (and broadcasts) are delivered to `nic_rx` (its switch port). The
  /// caller also points the port's TX at this wire (`port.connect(&net, …)`). The attachment lives as
  /// long as the network.
  void attach(FramePort& nic_rx, const Mac& mac);
  /// Records a frame sent on one access link by the switch port itself (a BPDU to its NIC) in the pcap,
  /// at the time it is handed over; it is not routed anywhere (802.1D: bridges never forward frames to
  /// the bridge group address). Lives as long as the network.
  FramePort& capture_port() { return capture_; }

  /// FramePort: a frame transmitted by an attached NIC.
  void deliver(const Frame& frame) override;

  struct Stats {
    std::uint64_t from_guests = 0, to_guests = 0, to_slirp = 0, dhcp_malformed = 0, arp_answered = 0,
                  tftp_refused = 0, unroutable = 0;
  };
  const Stats& stats() const { return stats_; }
  const DhcpServer& dhcp() const { return *dhcp_; }
  DhcpServer& dhcp() { return *dhcp_; }
  SlirpHost& slirp() { return *slirp_; }
  /// The TAP backend; nullptr unless NetworkConfig::external.
  const TapHost* tap() const { return tap_.get(); }
  /// Flushes the pcap file (also done by the destructor).
  void flush();

  // Fork support, for World::can_fork / prepare_fork / continue_in_child (sim/world/world.h).
  /// Descriptors held for the whole run (pcap file, HTTP listener); any other one a run opened is a
  /// live connection or transfer that a fork would share between two worlds.
  std::vector<int> owned_fds() const;
  /// HTTP connections open now.
  std::size_t open_connections() const { return http_ ? http_->open_connections() : 0; }
  /// Before fork(): flush the pcap so the child can take a copy of it.
  void prepare_fork();
  /// In the child after fork(): write the pcap to `pcap_path` from now on (beginning with the frames so
  /// far) and serve HTTP on a listener of its own, so parent and child never touch each other's files.
  void continue_in_child(const std::string& pcap_path);

 private:
  /// The pcap side of capture_port().
  class Capture final : public FramePort {
   public:
    explicit Capture(BootNetwork& net) : net_(net) {}
    void deliver(const Frame& frame) override;

   private:
    BootNetwork& net_;
  };
  struct Port {
    FramePort* rx;
    Mac mac;
    SimTime busy_until{};
  };
  void route_from_guest(const Mac& src, const std::vector<std::uint8_t>& frame);
  void handle_dhcp(DhcpServer& server, const std::vector<std::uint8_t>& frame);
  bool answer_arp(const std::vector<std::uint8_t>& frame);
  /// Puts a frame on the wire towards the guests now: pcap, then one delivery per destination port.
  void send_to_guests(std::vector<std::uint8_t> frame, const Mac* except = nullptr);
  void deliver_to_port(Port& p, const std::shared_ptr<const std::vector<std::uint8_t>>& frame);

  Scheduler& sched_;
  Trace& trace_;
  NetworkConfig config_;
  std::string sock_dir_;
  std::unique_ptr<PcapTap> pcap_;
  std::unique_ptr<DhcpServer> dhcp_, proxy_;
  std::unique_ptr<TftpWatch> tftp_;
  std::unique_ptr<SlirpHost> slirp_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<TapHost> tap_;
  std::vector<Port> ports_;
  Capture capture_{*this};
  Stats stats_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // pending deliveries check it (outlive-safe)
};

}  // namespace bootsim
