// The PXE option ROM: its own boot phase (the base code, pxe_base_code.h, which it owns), and, for the NBP
// it then starts, the PXENV+ and !PXE structures and the PXE/UNDI API behind them. What the base code
// learnt (its DISCOVER, the ACK, the ProxyDHCP ACK) is what GET_CACHED_INFO later hands out.
//
// Calls arrive at one RETF byte in the UNDI code segment (the !PXE entry, stack convention, or the PXENV+
// entry, BX and ES:DI convention); a host code hook calls entry(). Every call goes through one dispatch
// table whose default answer is failure; every reply writes Status at offset 0 of the parameter block and
// AX = PXENV_EXIT (ref/ipxe-platform-contract.md §1.3). Parameter blocks are the packed layouts of
// pxe_api.h. UNDI calls reach the NIC through its UNDI-facing interface (nicmodels/undi_nic.h).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "firmware/host.h"
#include "firmware/pxe_base_code.h"
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

  FirmwareHost& host_;
  PxeRomConfig config_;
  std::unique_ptr<PxeBaseCode> base_;
  std::uint64_t isr_polls_ = 0;
  std::uint64_t calls_ = 0;
  std::uint64_t tx_count_ = 0, rx_count_ = 0;
  std::optional<std::vector<std::uint8_t>> station_mac_;
};

}  // namespace bootsim
