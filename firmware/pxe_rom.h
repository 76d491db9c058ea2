// The PXE option ROM: its own boot phase (the base code, pxe_base_code.h, which it owns), and, for the NBP
// it then starts, the PXENV+ and !PXE structures and the PXE/UNDI API behind them. What the base code
// learnt (its DISCOVER, the ACK, the ProxyDHCP ACK) is what GET_CACHED_INFO later hands out.
//
// Calls arrive at one RETF byte in the UNDI code segment (the !PXE entry, stack convention, or the PXENV+
// entry, BX and ES:DI convention); a host code hook calls entry(). Every call goes through one dispatch
// table whose default answer is failure; every reply writes Status at offset 0 of the parameter block and
// AX = PXENV_EXIT (ref/ipxe-platform-contract.md §1.3). Parameter blocks are the packed layouts of
// pxe_api.h. UNDI calls reach the NIC through its UNDI-facing interface (nicmodels/undi_nic.h).
//
// The base code's services (TFTP: pxe_tftp_api.cpp, UDP: pxe_udp_api.cpp) run on the ROM's own IP layer
// (pxe_ip_stack.h), configured from the ACK it cached. They live as long as the base code: STOP_BASE and
// UNLOAD_STACK end them (later TFTP/UDP/GET_CACHED_INFO calls fail, as the code that served them is gone
// on a real PC), and STOP_UNDI ends the UNDI API too. gPXE/iPXE's extension calls (FILE_API_CHECK) are
// answered as a vendor ROM answers them: unsupported.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/host.h"
#include "firmware/pxe_base_code.h"
#include "firmware/pxe_ip_stack.h"
#include "firmware/pxe_tftp_client.h"
#include "sim/core/scheduler.h"

namespace bootsim {

struct PxeRomConfig {
  /// DHCP packets GET_CACHED_INFO hands out: the ROM's own DISCOVER, the ACK, and the boot-server reply.
  /// Empty means "not available" (the call fails).
  std::vector<std::uint8_t> cached_discover;
  std::vector<std::uint8_t> cached_ack;
  std::vector<std::uint8_t> cached_reply;
  /// Answer to PXENV_FILE_CMDLINE; nullopt answers "unsupported" as a normal PXE ROM does.
  std::optional<std::string> cmdline;
  /// The client GUID the base code sends as option 97 and prints: the machine's SMBIOS UUID.
  std::optional<Uuid> client_uuid;
};

class PxeRom {
 public:
  PxeRom(FirmwareHost& host, PxeRomConfig config) : host_(host), config_(std::move(config)) {}

  /// Writes PXENV+, !PXE and the entry stubs into guest memory.
  void install();
  /// Services a call that reached an entry stub. `stack_convention` is true for the !PXE entry
  /// (opcode and parameter far pointer on the stack), false for PXENV+ (BX and ES:DI, result in CF too).
  void entry(bool stack_convention);

  // --- The ROM's own boot phase (base code): DHCP + TFTP of the NBP before any guest code runs. ------
  /// Opens the NIC and sends the first DHCPDISCOVER. `seed` chooses xid, UUID and TFTP port.
  void start_base_code(Scheduler& sched, std::uint64_t seed, std::size_t max_nbp_bytes);
  /// Hands the frames the NIC received to the base code. True once the boot phase has ended; then, if it
  /// succeeded, GET_CACHED_INFO answers with its DISCOVER, ACK and ProxyDHCP ACK.
  bool poll_base_code();
  /// The boot phase's outcome (the NBP, or the PXE-Exx error); valid once poll_base_code() returned true.
  const PxeBaseCode::Result& base_code_result() const { return base_->result(); }

  /// Called with "machine/cmdline" just before PXENV_FILE_CMDLINE reads the command line; it may fork
  /// the process and swap it (set_cmdline) before it returns (sim/scenario/shared_boot.h).
  void observe_with(std::function<void(std::string_view section)> hook) { observe_ = std::move(hook); }
  void set_cmdline(std::optional<std::string> cmdline) { config_.cmdline = std::move(cmdline); }

  /// A hash of the PXENV_FILE_CMDLINE calls answered so far, each as "there was a command line" or not
  /// (0: none asked). A guest branches on that, so machines that differ in it may compute differently
  /// from there on; sim/machine/stretch_shelf.h does not make them wait for each other's start-up.
  std::uint64_t cmdline_answers() const { return cmdline_answers_; }

  std::uint64_t isr_polls() const { return isr_polls_; }
  std::uint64_t calls() const { return calls_; }

 private:
  using Handler = std::uint16_t (PxeRom::*)(std::uint32_t params);
  struct Api {
    std::uint16_t opcode;
    Handler handler;
  };
  static const Api kApi[];

  std::uint16_t undi_startup(std::uint32_t p);
  std::uint16_t undi_cleanup(std::uint32_t p);
  std::uint16_t undi_initialize(std::uint32_t p);
  std::uint16_t undi_reset_adapter(std::uint32_t p);
  std::uint16_t undi_shutdown(std::uint32_t p);
  std::uint16_t undi_open(std::uint32_t p);
  std::uint16_t undi_close(std::uint32_t p);
  std::uint16_t undi_transmit(std::uint32_t p);
  std::uint16_t undi_set_station_address(std::uint32_t p);
  std::uint16_t undi_accept(std::uint32_t p);
  std::uint16_t undi_get_information(std::uint32_t p);
  std::uint16_t undi_get_statistics(std::uint32_t p);
  std::uint16_t undi_get_nic_type(std::uint32_t p);
  std::uint16_t undi_get_iface_info(std::uint32_t p);
  std::uint16_t undi_isr(std::uint32_t p);
  std::uint16_t stop_undi(std::uint32_t p);
  std::uint16_t start_undi(std::uint32_t p);
  std::uint16_t unload_stack(std::uint32_t p);
  std::uint16_t get_cached_info(std::uint32_t p);
  std::uint16_t file_cmdline(std::uint32_t p);
  std::uint16_t file_api_check(std::uint32_t p);
  std::uint16_t stop_base(std::uint32_t p);
  // pxe_tftp_api.cpp
  std::uint16_t tftp_open(std::uint32_t p);
  std::uint16_t tftp_close(std::uint32_t p);
  std::uint16_t tftp_read(std::uint32_t p);
  std::uint16_t tftp_read_file(std::uint32_t p);
  std::uint16_t tftp_get_fsize(std::uint32_t p);
  std::uint16_t restart_tftp(std::uint32_t p);
  /// READ_FILE's download into guest memory at `addr`, at most `max` bytes; `size` gets the file size.
  std::uint16_t download(std::uint32_t p, std::uint32_t addr, std::uint32_t max, std::uint32_t& size);
  // pxe_udp_api.cpp
  std::uint16_t udp_open(std::uint32_t p);
  std::uint16_t udp_close(std::uint32_t p);
  std::uint16_t udp_read(std::uint32_t p);
  std::uint16_t udp_write(std::uint32_t p);

  /// The ROM's IP layer, configured from the cached ACK on first use; null when there is no ACK (no
  /// address: the base code's services cannot work).
  PxeIpStack* ip_stack();
  /// A fresh client port for each TFTP transfer the NBP opens (the ROM's own choice, deterministic).
  std::uint16_t next_tftp_port();
  /// Checked first by every base-code service: STATUS_SUCCESS while the base code is there.
  std::uint16_t base_code_state() const;

  FirmwareHost& host_;
  PxeRomConfig config_;
  std::uint64_t cmdline_answers_ = 0;
  std::function<void(std::string_view)> observe_;
  std::unique_ptr<PxeBaseCode> base_;
  std::uint64_t isr_polls_ = 0;
  std::uint64_t calls_ = 0;
  std::uint64_t tx_count_ = 0, rx_count_ = 0;
  std::optional<std::vector<std::uint8_t>> station_mac_;

  std::unique_ptr<PxeIpStack> ip_;
  std::unique_ptr<PxeTftpClient> tftp_;  ///< the transfer TFTP_OPEN opened, until TFTP_CLOSE
  bool udp_open_ = false;
  bool empty_udp_read_ = false;  ///< this call was a UDP_READ that found nothing (counted, not traced)
  bool base_stopped_ = false;  ///< STOP_BASE or UNLOAD_STACK
  bool undi_stopped_ = false;  ///< STOP_UNDI
  std::uint16_t tftp_port_ = 0;
  std::uint32_t boot_server_ip_ = 0;  ///< with its MAC: the ARP entry the boot phase left
  Mac boot_server_mac_{};
};

}  // namespace bootsim
