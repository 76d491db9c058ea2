// The one narrow seam where NIC models and the network meet.
//
// A FramePort is one side of a link: whoever holds a pointer to a port can hand it an Ethernet frame.
// A NIC model's transmit side is connected to the wire's port; the wire hands frames to the NIC's port.
// NIC code never sees libslirp, boot servers never see the NIC. Every frame carries the virtual time at
// which it crosses the port.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/sim_time.h"

namespace bootsim {

struct Frame {
  SimTime t;                        ///< when the frame crosses the port
  std::vector<std::uint8_t> bytes;  ///< full Ethernet frame, header included, no FCS
};

class FramePort {
 public:
  virtual ~FramePort() = default;
  /// Takes a frame arriving at this port. The callee copies what it keeps; must not re-enter the sender.
  virtual void deliver(const Frame& frame) = 0;
};

}  // namespace bootsim
