// The PXE ROM's own boot phase (the "base code"): its DHCP client, ARP, and TFTP download of the NBP,
// before any guest code runs. Host code, driven by frames from the NIC and timeouts on the scheduler.
// PxeRom owns it (PxeRom::start_base_code / poll_base_code) and keeps its results for GET_CACHED_INFO.
//
// Behaviour follows the PXE 2.1 spec: DISCOVER with option 60 "PXEClient:Arch:00000:UNDI:002001" and
// options 93/94/97 (no option 77 — that is how a DHCP server tells the ROM from iPXE), retransmitted after
// 4, 8, 16 and 32 s; REQUEST; an optional ProxyDHCP REQUEST to port 4011; then a TFTP read of the boot
// file. Failures print the usual PXE-Exx messages and end the boot.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "firmware/host.h"
#include "sim/core/frame_port.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/core/scheduler.h"
#include "sim/proto/uuid.h"

namespace bootsim {

class PxeBaseCode {
 public:
  struct Result {
    bool ok = false;
    std::string error;                        ///< "PXE-E51: …" when !ok
    std::vector<std::uint8_t> discover, ack, proxy_ack;  ///< DHCP payloads for GET_CACHED_INFO
    std::vector<std::uint8_t> nbp;            ///< the downloaded boot file
    std::string filename;
    std::uint32_t client_ip = 0, server_ip = 0;
    Mac server_mac{};  ///< the boot server's MAC, from the ROM's ARP (its cache outlives the boot phase)
  };

  /// `seed` chooses the xid, the client UUID and the TFTP client port.
  PxeBaseCode(FirmwareHost& host, Scheduler& sched, std::uint64_t seed, std::size_t max_nbp_bytes);
  PxeBaseCode(const PxeBaseCode&) = delete;
  PxeBaseCode& operator=(const PxeBaseCode&) = delete;
  ~PxeBaseCode();

  /// The machine's UUID (its SMBIOS type 1 UUID, as a real ROM uses), sent as option 97 and printed as
  /// the GUID. Call before start(); without it the GUID is the one the seed chose.
  void set_client_uuid(const Uuid& uuid) { uuid_ = uuid; }
  /// Opens the NIC and sends the first DHCPDISCOVER.
  void start();
  /// A frame the NIC received.
  void receive(const Frame& frame);
  bool done() const { return done_; }
  const Result& result() const { return result_; }

 private:
  enum class State { kDiscover, kRequest, kProxyArp, kProxyRequest, kTftpArp, kTftpOpen, kTftpData, kDone };
  void print(const std::string& text);
  void send_dhcp(std::uint8_t type, std::uint32_t dst_ip, std::uint16_t dst_port);
  void arm(SimTime delay, std::function<void()> on_timeout);
  void discover_expired();
  /// Enters `state` and sends with `send` now and again after each of `timeouts` (seconds) while the state
  /// holds; after the last one the boot fails with `error`. retry_later() does not send the first time.
  void retry(State state, const int (&timeouts)[4], std::function<void()> send, std::string error);
  void retry_later(State state, const int (&timeouts)[4], std::function<void()> send, std::string error);
  void retry_expired(State state);
  void fail(const std::string& message);
  void handle_dhcp(const DhcpPacket& p, std::uint16_t src_port);
  void after_ack();
  void start_tftp();
  void send_rrq();
  void send_ack(std::uint16_t block);
  /// A UDP datagram from the TFTP client port to the boot server (its MAC resolved by ARP).
  void send_to_boot_server(std::uint16_t dst_port, std::vector<std::uint8_t> payload);
  void handle_tftp(const std::vector<std::uint8_t>& payload, std::uint16_t src_port);
  void arp_then(std::uint32_t ip, State state, std::function<void()> next);

  FirmwareHost& host_;
  Scheduler& sched_;
  std::size_t max_nbp_;
  State state_ = State::kDiscover;
  bool done_ = false;
  Result result_;
  std::uint32_t xid_;
  Uuid uuid_{};  ///< the client GUID (option 97): the machine's SMBIOS UUID once set_client_uuid ran
  std::uint16_t tftp_port_;
  int tries_ = 0;
  Scheduler::EventId timer_ = 0;
  std::optional<DhcpPacket> offer_, proxy_offer_, ack_;
  std::uint32_t my_ip_ = 0, netmask_ = 0, gateway_ = 0, dhcp_server_ = 0, boot_server_ = 0;
  std::uint8_t boot_server_mac_[6] = {};
  std::uint32_t arp_target_ = 0;
  std::function<void()> arp_next_;
  std::uint16_t server_tid_ = 0, blksize_ = 512, next_block_ = 1;
  std::uint16_t ip_id_ = 0;
  const int* retry_timeouts_ = nullptr;
  std::function<void()> resend_;
  std::string retry_error_;
};

}  // namespace bootsim
