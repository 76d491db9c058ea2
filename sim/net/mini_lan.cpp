#include "sim/net/mini_lan.h"

#include "sim/proto/packet.h"

namespace bootsim {

MiniLan::MiniLan(Scheduler& sched, Trace& trace, FramePort& nic, DhcpServerConfig dhcp)
    : sched_(sched), trace_(trace), nic_(nic), dhcp_(std::move(dhcp)) {}

void MiniLan::deliver(const Frame& f) {
  const DhcpServerConfig& c = dhcp_.config();
  if (auto arp = parse_arp_frame(f.bytes); arp && arp->op == 1 && arp->target_ip == c.server_ip) {
    ArpPacket reply{2, c.server_mac, arp->sender_mac, c.server_ip, arp->sender_ip};
    send(build_arp_frame(reply, arp->sender_mac), {});
    return;
  }
  auto udp = parse_udp_frame(f.bytes);
  if (!udp || udp->dst_port != 67) return;
  DhcpServer::Result r = dhcp_.process(*udp);
  if (r.malformed) {
    trace_.emit(sched_.now(), c.name, trace_kind::DhcpIgnored{r.why, true, f.bytes.size()});
    return;
  }
  if (r.request) trace_.emit(sched_.now(), c.name, dhcp_trace_fields(*r.request, "rx", udp->dst_port));
  if (!r.reply) {
    trace_.emit(sched_.now(), c.name, trace_kind::DhcpIgnored{r.why, false, std::nullopt});
    return;
  }
  trace_kind::Dhcp ev = dhcp_trace_fields(r.reply->packet, "tx", r.reply->src_port);
  if (r.reply->dropped) ev.dropped = true;
  trace_.emit(sched_.now(), c.name, ev);
  if (r.reply->dropped) return;
  send(std::move(r.reply->frame), r.reply->delay);
}

void MiniLan::send(std::vector<std::uint8_t> bytes, SimTime extra_delay) {
  auto frame = std::make_shared<Frame>(Frame{sched_.now(), std::move(bytes)});
  std::weak_ptr<int> alive = alive_;
  sched_.schedule_in(SimTime::from_us(100) + extra_delay, "lan.reply", [this, alive, frame] {
    if (!alive.lock()) return;
    frame->t = sched_.now();
    nic_.deliver(*frame);
  });
}

}  // namespace bootsim
