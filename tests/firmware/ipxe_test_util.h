// Helpers for tests that boot Debian's real iPXE binaries through run_boot().
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/scenario/nic_profiles.h"
#include "firmware/cached_ack.h"
#include "sim/world/boot_run.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/proto/packet.h"

namespace bootsim::test {

inline std::string ipxe_path(const std::string& file) { return std::string(BOOTSIM_IPXE_DIR) + "/" + file; }

/// A run of `nbp` from Debian's ipxe package on a generic NIC with the usual cached DHCPACK.
inline BootRunSpec ipxe_spec(const std::string& nbp = "undionly.kpxe", SimTime until = SimTime::from_s(10)) {
  BootRunSpec spec;
  spec.machine.nbp_path = ipxe_path(nbp);
  spec.machine.nbp = read_nbp_file(spec.machine.nbp_path, "test");
  spec.machine.nic_profile = scenario::builtin_profiles().find("generic")->profile;
  spec.machine.rom.cached_ack = build_cached_ack(spec.machine.mac, CachedAckParams{});
  spec.until = until;
  return spec;
}


/// The DHCP messages the guest sent, decoded from the frames on the wire, with their times.
struct SentDhcp {
  SimTime t;
  DhcpPacket packet;
};
inline std::vector<SentDhcp> sent_dhcp(const Trace& trace) {
  std::vector<SentDhcp> out;
  for (const auto& ev : trace.events_of("frame_tx")) {
    auto udp = parse_udp_frame(from_hex(ev["hex"].get<std::string>()));
    if (!udp || udp->dst_port != 67) continue;
    auto pkt = DhcpPacket::decode(udp->payload.data(), udp->payload.size(), nullptr);
    if (pkt) out.push_back({SimTime::from_ns(ev["t_ns"].get<std::int64_t>()), *pkt});
  }
  return out;
}

/// The time of the first console event whose raw text contains `needle`, or -1.
inline std::int64_t console_time(const Trace& trace, const std::string& needle) {
  std::string raw;
  for (const auto& ev : trace.events_of("console")) {
    raw += ev["text"].get<std::string>();
    if (raw.find(needle) != std::string::npos) return ev["t_ns"].get<std::int64_t>();
  }
  return -1;
}

}  // namespace bootsim::test
