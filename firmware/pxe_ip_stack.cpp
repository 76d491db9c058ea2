#include "firmware/pxe_ip_stack.h"

#include <algorithm>

namespace bootsim {

namespace {
constexpr int kArpTries = 4;
const SimTime kArpWait = SimTime::from_s(1);
}  // namespace

void PxeIpStack::configure(std::uint32_t ip, std::uint32_t netmask, std::uint32_t gateway) {
  ip_ = ip;
  netmask_ = netmask;
  gateway_ = gateway;
}

void PxeIpStack::poll() {
  UndiNic& nic = host_.nic();
  while (auto f = nic.receive()) {
    if (auto arp = parse_arp_frame(f->bytes)) {
      if (arp->op == 1 && ip_ && arp->target_ip == ip_) {
        ArpPacket reply{2, nic.mac(), arp->sender_mac, ip_, arp->sender_ip};
        nic.transmit(build_arp_frame(reply, arp->sender_mac));
      }
      if (arp->sender_ip && (arp->op == 2 || arp->target_ip == ip_)) arp_[arp->sender_ip] = arp->sender_mac;
      continue;
    }
    auto udp = parse_udp_frame(f->bytes);
    if (!udp || !ip_ || udp->dst_ip != ip_) continue;
    if (queue_.size() >= kQueueMax) continue;  // the ROM's receive buffers are full: the newest is lost
    queue_.push_back(std::move(*udp));
  }
}

std::optional<UdpDatagram> PxeIpStack::take() {
  poll();
  if (queue_.empty()) return std::nullopt;
  UdpDatagram d = std::move(queue_.front());
  queue_.pop_front();
  return d;
}

std::optional<UdpDatagram> PxeIpStack::wait_for(std::uint16_t port, std::uint32_t from_ip, SimTime deadline) {
  while (!host_.stopping()) {
    poll();
    auto it = std::find_if(queue_.begin(), queue_.end(), [&](const UdpDatagram& d) {
      return d.dst_port == port && (!from_ip || d.src_ip == from_ip);
    });
    if (it != queue_.end()) {
      UdpDatagram d = std::move(*it);
      queue_.erase(it);
      return d;
    }
    if (host_.now() >= deadline) break;
    host_.wait_for_event(deadline);
  }
  return std::nullopt;
}

std::optional<Mac> PxeIpStack::resolve(std::uint32_t ip, std::uint32_t gw) {
  if (ip == 0xFFFFFFFF) return kBroadcastMac;
  bool off_subnet = netmask_ && (ip & netmask_) != (ip_ & netmask_);
  std::uint32_t hop = ip;
  if (off_subnet) hop = gw ? gw : gateway_;
  if (!hop) return std::nullopt;
  if (auto it = arp_.find(hop); it != arp_.end()) return it->second;
  for (int i = 0; i < kArpTries && !host_.stopping(); ++i) {
    ArpPacket req{1, host_.nic().mac(), Mac{}, ip_, hop};
    host_.nic().transmit(build_arp_frame(req, kBroadcastMac));
    SimTime deadline = host_.now() + kArpWait;
    while (!host_.stopping()) {
      poll();
      if (auto it = arp_.find(hop); it != arp_.end()) return it->second;
      if (host_.now() >= deadline) break;
      host_.wait_for_event(deadline);
    }
  }
  return std::nullopt;
}

bool PxeIpStack::send(std::uint32_t dst_ip, std::uint32_t gw, std::uint16_t src_port, std::uint16_t dst_port,
                      std::vector<std::uint8_t> payload) {
  auto mac = resolve(dst_ip, gw);
  if (!mac) return false;
  UdpDatagram d;
  d.src_mac = host_.nic().mac();
  d.dst_mac = *mac;
  d.src_ip = ip_;
  d.dst_ip = dst_ip;
  d.src_port = src_port;
  d.dst_port = dst_port;
  d.payload = std::move(payload);
  host_.nic().transmit(build_udp_frame(d, ip_id_++));
  return true;
}

}  // namespace bootsim
