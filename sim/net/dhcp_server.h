// Our DHCP server (slirp's is disabled): leases from a pool and chooses the boot file by client class,
// the way PXE admins configure ISC dhcpd or dnsmasq: a client without option 77 "iPXE" (the legacy PXE
// ROM) gets the NBP; a client with it gets the iPXE script URL, which breaks the chainload loop.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/net/dhcp_packet.h"
#include "sim/net/packet.h"

namespace bootsim {

struct DhcpServerConfig {
  std::uint32_t server_ip = 0x0A000202;   // 10.0.2.2
  Mac server_mac{0x52, 0x55, 0x0A, 0x00, 0x02, 0x02};
  std::uint32_t pool_start = 0x0A00020F;  // 10.0.2.15
  std::uint32_t pool_size = 64;
  std::uint32_t netmask = 0xFFFFFF00;
  std::uint32_t router = 0x0A000202;
  std::uint32_t dns = 0;                  // 0: no option 6
  std::uint32_t lease_seconds = 86400;
  std::uint32_t next_server = 0x0A000202; // siaddr and option 66
  std::string rom_filename = "undionly.kpxe";  // for clients without option 77
  std::string ipxe_filename;              // for clients with option 77 "iPXE"; empty: same as rom
};

class DhcpServer {
 public:
  explicit DhcpServer(DhcpServerConfig config) : config_(std::move(config)) {}

  struct Reply {
    std::vector<std::uint8_t> frame;
    DhcpPacket packet;
  };
  /// Handles one DHCP request datagram (UDP to port 67). Returns the reply, or nullopt when the request
  /// is not for us or is not answerable (`why` says which, for the trace).
  std::optional<Reply> handle(const UdpDatagram& request, std::string* why);

  const DhcpServerConfig& config() const { return config_; }

 private:
  std::uint32_t lease_for(const Mac& mac);

  DhcpServerConfig config_;
  std::map<Mac, std::uint32_t> leases_;
  std::uint16_t ip_id_ = 0;
};

}  // namespace bootsim
