// Our DHCP server (slirp's is disabled): leases from a pool and chooses the boot file by client class,
// the way PXE admins configure ISC dhcpd or dnsmasq: a client without option 77 "iPXE" (the legacy PXE
// ROM) gets the NBP; a client with it gets the iPXE script URL, which breaks the chainload loop. Per-host
// rules (dnsmasq `dhcp-host`, ISC `host` blocks) can choose other files for a client by its MAC (chaddr)
// and/or its UUID (option 97, which PXE ROMs and iPXE fill from SMBIOS): the first rule that matches wins.
//
// Two modes:
//  - kFull: a normal DHCP server on port 67 (address, router, DNS, lease, next-server, boot file). With
//    `offer_pxeclient` its OFFERs also carry option 60 "PXEClient", so iPXE takes them as ProxyDHCP offers
//    too and leaves discovery at once (ref/ipxe-platform-contract.md §7.3, "Leaving discovery" rule 1).
//  - kProxy: a ProxyDHCP server. It answers DISCOVERs on port 67 with an address-less OFFER carrying
//    option 60 "PXEClient" and its server id (no boot file unless `proxy_boot_in_offer`), and answers the
//    client's REQUEST to port 4011 with the ACK that names the next-server and the boot file. Another
//    server (a kFull one with an empty boot file, typically) hands out the address.
//
// The server is a pure function of its inputs plus a seeded generator: no clock, no I/O. The caller (the
// wire) delivers the reply frame after `Reply::delay` and traces both directions.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sim/proto/dhcp_packet.h"
#include "sim/proto/packet.h"
#include "sim/core/sim_time.h"
#include "sim/core/trace.h"

namespace bootsim {

/// A per-host rule: which clients it matches and the boot files it gives them.
struct DhcpHostRule {
  std::optional<Mac> mac;             ///< chaddr; nullopt: any
  std::optional<Uuid> uuid;           ///< option 97's UUID (client_uuid()); nullopt: any
  std::optional<std::string> rom_filename, ipxe_filename;  ///< nullopt: the server's
};

struct DhcpServerConfig {
  enum class Mode { kFull, kProxy };
  Mode mode = Mode::kFull;
  std::string name = "dhcpd";             ///< the trace's `machine` for this server's events
  std::uint32_t server_ip = 0x0A000202;   // 10.0.2.2
  Mac server_mac{0x52, 0x55, 0x0A, 0x00, 0x02, 0x02};
  std::uint32_t pool_start = 0x0A00020F;  // 10.0.2.15
  std::uint32_t pool_size = 64;
  std::uint32_t netmask = 0xFFFFFF00;
  std::uint32_t router = 0x0A000202;      // 0: no option 3
  std::uint32_t dns = 0;                  // 0: no option 6
  std::uint32_t lease_seconds = 86400;
  std::uint32_t next_server = 0x0A000202; // siaddr and option 66
  std::string rom_filename = "undionly.kpxe";  // for clients without option 77; empty: no file, no 66/67
  std::string ipxe_filename;              // for clients with option 77 "iPXE"; empty: same as rom
  bool offer_pxeclient = false;           // kFull: option 60 "PXEClient" in OFFER and ACK
  bool proxy_boot_in_offer = false;       // kProxy: the port-67 OFFER already names siaddr and the file
  SimTime reply_delay{};                  // added before each reply reaches the wire
  double drop_rate = 0.0;                 // probability in [0, 1] that a reply is dropped
  std::uint64_t seed = 0;                 // seeds the drop generator; same seed, same drops
  std::vector<DhcpHostRule> hosts;        // per-host boot files, first match wins
};

class DhcpServer {
 public:
  explicit DhcpServer(DhcpServerConfig config) : config_(std::move(config)), rng_(config_.seed) {}

  struct Reply {
    std::vector<std::uint8_t> frame;  ///< Ethernet frame ready for the wire
    DhcpPacket packet;
    std::uint16_t src_port = 67;
    SimTime delay{};                  ///< config.reply_delay
    bool dropped = false;             ///< the seeded generator chose to lose it; do not deliver
  };
  /// What one datagram to port 67 or 4011 did.
  struct Result {
    std::optional<DhcpPacket> request;  ///< the decoded request, when it decoded
    std::optional<Reply> reply;         ///< the answer, when there is one (possibly marked dropped)
    bool malformed = false;             ///< truncated or undecodable: counted, ignored
    std::string why;                    ///< why there is no reply (for the trace)
  };
  /// Handles one UDP datagram addressed to port 67 or 4011. Never throws on guest input.
  Result process(const UdpDatagram& request);

  /// Compatibility wrapper: the reply (even a dropped one is returned as nullopt), `why` when none.
  std::optional<Reply> handle(const UdpDatagram& request, std::string* why);

  /// Boot file for a request: the iPXE filename when option 77 says "iPXE", else the ROM filename; the
  /// first host rule that matches the request replaces the server's filenames with those it gives.
  std::string boot_file_for(const DhcpPacket& request) const;
  /// True when option 77 (user class) is "iPXE", raw (as iPXE sends it) or RFC 3004 length-prefixed.
  static bool is_ipxe_client(const DhcpPacket& request);

  struct Stats {
    std::uint64_t received = 0, replied = 0, dropped = 0, malformed = 0, ignored = 0;
  };
  const Stats& stats() const { return stats_; }
  const DhcpServerConfig& config() const { return config_; }

  /// Called with "network/dhcp" just before the server first builds a reply (the values below are read
  /// from then on); it may fork the process and swap them (set_reply_params) before it returns
  /// (sim/scenario/shared_boot.h). Empty: nothing is shared.
  void observe_with(std::function<void(std::string_view section)> hook) { observe_ = std::move(hook); }
  /// Replaces how replies are made (reply_delay, drop_rate, rom_filename, ipxe_filename, lease_seconds)
  /// with `c`'s. The drop generator keeps its state: a run configured with `c` has drawn nothing before
  /// its first reply either.
  void set_reply_params(const DhcpServerConfig& c);
  /// The address leased to `mac`, 0 when none.
  std::uint32_t lease_of(const Mac& mac) const;

 private:
  std::uint32_t lease_for(const Mac& mac);
  bool roll_drop();

  DhcpServerConfig config_;
  std::mt19937_64 rng_;
  std::function<void(std::string_view)> observe_;
  std::map<Mac, std::uint32_t> leases_;
  std::uint16_t ip_id_ = 0;
  Stats stats_;
};

/// The `dhcp` trace event of one DHCP message (trace_kinds.h), `dropped` left unset.
trace_kind::Dhcp dhcp_trace_fields(const DhcpPacket& p, const char* dir, std::uint16_t port);

}  // namespace bootsim
