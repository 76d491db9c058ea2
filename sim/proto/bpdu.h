// Rapid Spanning Tree BPDUs (IEEE 802.1w, 802.1D-2004 §9.3.3) as a switch port sends them to the station
// on its link: 802.3 length frame, LLC DSAP=SSAP=42h, version 2, type 2. iPXE's net/stp.c reads the
// port-state flags and defers DHCP while the port is not forwarding.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/core/sim_time.h"
#include "sim/proto/mac.h"

namespace bootsim {

/// The switch's own address: source of its BPDUs and the root bridge id's MAC part.
constexpr Mac kSwitchMac{0x02, 0x00, 0x00, 0x5C, 0x00, 0x01};
/// 802.1D bridge group address; bridges never forward frames sent to it.
constexpr Mac kStpGroupMac{0x01, 0x80, 0xC2, 0x00, 0x00, 0x00};

struct RstBpdu {
  bool forwarding = false;
  SimTime hello = SimTime::from_s(2);
  SimTime forward_delay = SimTime::from_s(15);
};

/// The 60-byte frame (padded, no FCS) of a designated port's RST BPDU with this root = this bridge.
std::vector<std::uint8_t> encode_rst_bpdu(const RstBpdu& b);

}  // namespace bootsim
