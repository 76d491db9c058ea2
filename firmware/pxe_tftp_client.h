// The base code's TFTP client as the NBP drives it through the PXE API (TFTP_OPEN/READ/CLOSE,
// GET_FSIZE, READ_FILE): one read transfer at a time, blocking in virtual time as a ROM's calls do
// (TFTP_READ returns when the next DATA block is there, or with a timeout status).
//
// RFC 1350 with the RFC 2347-2349 options a PXE ROM sends (blksize, tsize). Retransmissions follow the
// boot phase's schedule (pxe_base_code.cpp): 1, 2, 4, 8 s. Statuses are the PXE spec's PXENV_STATUS_TFTP_*.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "firmware/host.h"
#include "firmware/pxe_ip_stack.h"

namespace bootsim {

class PxeTftpClient {
 public:
  /// `local_port`: the client's UDP port (its TID) for this transfer.
  PxeTftpClient(FirmwareHost& host, PxeIpStack& ip, std::uint16_t local_port)
      : host_(host), ip_(ip), port_(local_port) {}

  /// Sends the read request and waits for the server's first answer. `blksize` 0 asks for no block
  /// size (512-byte blocks); `want_tsize` asks for the file size. Returns a PXENV status.
  std::uint16_t open(std::uint32_t server, std::uint32_t gw, std::uint16_t server_port, const std::string& file,
                     std::uint16_t blksize, bool want_tsize);
  /// The next DATA block, acknowledged: its number and bytes. Returns a PXENV status.
  std::uint16_t read(std::uint16_t& block, std::vector<std::uint8_t>& data);
  /// Ends the transfer early with a TFTP ERROR to the server (nothing to do after the last block).
  void abort();

  bool eof() const { return eof_; }
  std::uint16_t blksize() const { return blksize_; }
  std::optional<std::uint32_t> tsize() const { return tsize_; }

 private:
  void send(std::vector<std::uint8_t> payload);
  void send_ack(std::uint16_t block);

  FirmwareHost& host_;
  PxeIpStack& ip_;
  std::uint16_t port_;
  std::uint32_t server_ = 0, gw_ = 0;
  std::uint16_t server_tid_ = 0;
  std::uint16_t blksize_ = 512;
  std::optional<std::uint32_t> tsize_;
  std::uint16_t last_block_ = 0;  ///< the last block acknowledged
  std::optional<std::vector<std::uint8_t>> first_data_;  ///< DATA 1 that answered the request itself
  bool open_ = false, eof_ = false;
};

}  // namespace bootsim
