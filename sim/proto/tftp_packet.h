// TFTP messages (RFC 1350, options RFC 2347/2348/2349) as the bytes of a UDP payload. One parser for every
// reader: the ROM model's client (firmware/pxe_base_code), the watch in front of slirp's server
// (sim/net/tftp_watch) and the download facts (sim/facts/tftp_downloads). Each gets its bytes from a peer
// it does not control — a guest, or since external servers a real daemon with the user's config — so
// nothing here throws: what does not parse is nullopt.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bootsim {

enum class TftpOpcode : std::uint16_t { kRrq = 1, kWrq = 2, kData = 3, kAck = 4, kError = 5, kOack = 6 };

/// The payload's opcode, nullopt when it is shorter than the 2-byte opcode or not one of RFC 1350/2347's.
std::optional<TftpOpcode> tftp_opcode(const std::vector<std::uint8_t>& payload);

/// Option names are case-insensitive (RFC 2347): the maps below hold them lowercased.
using TftpOptions = std::map<std::string, std::string>;

struct TftpRequest {
  std::string file, mode;  ///< mode lowercased ("octet")
  TftpOptions options;
};
/// A read request: nullopt for any other opcode, an empty file name, no mode, or a string not ended by NUL.
std::optional<TftpRequest> parse_tftp_rrq(const std::vector<std::uint8_t>& payload);

/// An option acknowledgement's options; nullopt for any other opcode or a string not ended by NUL. A last
/// name without a value is left out.
std::optional<TftpOptions> parse_tftp_oack(const std::vector<std::uint8_t>& payload);

/// A numeric option's value when it is present, all decimal digits and within [lo, hi]; nullopt otherwise
/// (a server's "blksize 0" or "blksize x" is not a block size).
std::optional<std::uint32_t> tftp_number(const TftpOptions& options, const std::string& name, std::uint32_t lo,
                                         std::uint32_t hi);

/// RFC 2348's limits on blksize.
constexpr std::uint32_t kTftpMinBlksize = 8, kTftpMaxBlksize = 65464;

/// The block number of a DATA or ACK; nullopt for anything else or fewer than 4 bytes.
std::optional<std::uint16_t> tftp_block(const std::vector<std::uint8_t>& payload);

struct TftpError {
  std::uint16_t code = 0;
  std::string message;  ///< up to the first NUL (or the end, when a server forgot it)
};
std::optional<TftpError> parse_tftp_error(const std::vector<std::uint8_t>& payload);
/// An ERROR payload: opcode 5, the code, the message and its NUL.
std::vector<std::uint8_t> build_tftp_error(std::uint16_t code, const std::string& message);

}  // namespace bootsim
