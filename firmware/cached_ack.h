// The DHCPACK a PXE ROM keeps after its own DHCP phase, which GET_CACHED_INFO hands to the NBP.
// Until the ROM's own DHCP runs, a run can be given a configured one (DESIGN.md "Until the ROM phase").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/proto/mac.h"

namespace bootsim {

struct CachedAckParams {
  std::uint32_t client_ip = 0x0A00020F;   // 10.0.2.15
  std::uint32_t server_ip = 0x0A000202;   // 10.0.2.2: DHCP server, next-server and router
  std::uint32_t netmask = 0xFFFFFF00;
  std::string filename = "undionly.kpxe";
  std::uint32_t xid = 0;
};

/// A DHCPACK as a PXE ROM's base code would have received it for `mac`.
std::vector<std::uint8_t> build_cached_ack(const Mac& mac, const CachedAckParams& p);

/// The DHCPDISCOVER a PXE ROM would have sent for `mac` in transaction `xid` (options 53, 55, 57, 60
/// "PXEClient:Arch:00000:UNDI:002001", 93, 94; no client UUID, which a configured run does not know):
/// GET_CACHED_INFO's packet type 1 when a run is given an ACK instead of running the ROM's DHCP.
std::vector<std::uint8_t> build_cached_discover(const Mac& mac, std::uint32_t xid);

}  // namespace bootsim
