// A minimal LAN for `bootsim run --responder dhcp` and tests that need only a lease: one station on the
// wire that answers ARP for the DHCP server's address and DHCP itself, with our DHCP server (no slirp,
// no TFTP/HTTP, no pcap). Its `dhcp` and `dhcp_ignored` trace events are the boot network's (same
// server name, same fields), so reports and expectations read both wires alike.
// Replies reach the NIC 100 µs after the request (plus the server's reply_delay), through the scheduler.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/core/frame_port.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"
#include "sim/net/dhcp_server.h"

namespace bootsim {

class MiniLan final : public FramePort {
 public:
  /// `nic` receives the replies; the caller points the NIC's TX at this LAN (`nic.connect(&lan)`).
  MiniLan(Scheduler& sched, Trace& trace, FramePort& nic, DhcpServerConfig dhcp = {});

  /// FramePort: a frame the NIC transmitted. Never throws on guest input.
  void deliver(const Frame& f) override;

 private:
  void send(std::vector<std::uint8_t> bytes, SimTime extra_delay);

  Scheduler& sched_;
  Trace& trace_;
  FramePort& nic_;
  DhcpServer dhcp_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // pending replies check it (outlive-safe)
};

}  // namespace bootsim
