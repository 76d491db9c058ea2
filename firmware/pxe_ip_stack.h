// The PXE ROM's own IPv4/UDP/ARP layer, as the NBP reaches it through the base code's TFTP and UDP API
// (PXE 2.1, "TFTP API" and "UDP API"). Host code on top of the NIC's UNDI-facing side, in virtual time.
//
// It owns no frames until the NBP calls a TFTP or UDP service: an NBP that drives UNDI itself (iPXE,
// lpxelinux) takes its frames through UNDI_ISR and never sees this layer. When it runs, it drains the NIC:
// ARP requests for the station address are answered (libslirp learns the client's MAC only from ARP),
// ARP replies fill the cache, and UDP datagrams to the station address are queued (at most kQueueMax,
// oldest kept, as a ROM's few receive buffers); everything else is dropped, as the base code does.
//
// Blocking waits (ARP, TFTP) let virtual time pass through FirmwareHost::wait_for_event, so they are
// deterministic and take the baton like any other wait.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "firmware/host.h"
#include "sim/proto/packet.h"

namespace bootsim {

class PxeIpStack {
 public:
  static constexpr std::size_t kQueueMax = 16;

  explicit PxeIpStack(FirmwareHost& host) : host_(host) {}

  /// The station's address, as the DHCP ACK gave it (host byte order). Until then no datagram is sent.
  void configure(std::uint32_t ip, std::uint32_t netmask, std::uint32_t gateway);
  bool configured() const { return ip_ != 0; }
  std::uint32_t ip() const { return ip_; }
  std::uint32_t gateway() const { return gateway_; }
  /// An ARP cache entry the ROM already holds (the boot server's MAC from its own boot phase).
  void learn(std::uint32_t ip, const Mac& mac) { arp_[ip] = mac; }

  /// Takes every frame waiting in the NIC (see the top of this file).
  void poll();
  /// The oldest queued datagram, removed; nullopt when none.
  std::optional<UdpDatagram> take();
  /// Waits until a datagram to local port `port` (from `from_ip` when non-zero) is queued, and takes it;
  /// other datagrams stay queued. nullopt at `deadline` (or when the run stops first).
  std::optional<UdpDatagram> wait_for(std::uint16_t port, std::uint32_t from_ip, SimTime deadline);

  /// The MAC of `ip`'s next hop (`gw` when given and `ip` is off-subnet, else the ACK's router), asking
  /// by ARP and waiting (PXE base code: four tries a second apart). nullopt: no answer.
  std::optional<Mac> resolve(std::uint32_t ip, std::uint32_t gw = 0);
  /// Sends one datagram from the station address. False when the next hop did not answer ARP.
  bool send(std::uint32_t dst_ip, std::uint32_t gw, std::uint16_t src_port, std::uint16_t dst_port,
            std::vector<std::uint8_t> payload);

 private:
  FirmwareHost& host_;
  std::uint32_t ip_ = 0, netmask_ = 0, gateway_ = 0;
  std::map<std::uint32_t, Mac> arp_;
  std::deque<UdpDatagram> queue_;
  std::uint16_t ip_id_ = 0x4000;  // apart from the boot phase's ids, which start at 0
};

}  // namespace bootsim
