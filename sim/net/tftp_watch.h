// Watches TFTP on the wire (slirp serves it) and guards its root.
//
// Tracing: a guest RRQ to the TFTP server opens a session (client ip:port, file, start); the server's
// OACK sets the block size; DATA blocks add up; the short last block or an ERROR closes the session as
// one trace event (kind "tftp": file, bytes, blocks, status, start_ns, end_ns; end is when the last DATA
// or the ERROR left the server).
//
// Guarding: slirp 4.7 refuses "../" in a file name but follows symlinks out of its root
// (ref/slirp-notes.md §2). Every RRQ is checked here before slirp sees it: when realpath(root/name)
// exists and is outside the root, the wire answers ERROR 2 "Access violation" itself and slirp never
// sees the request. Names that do not resolve are left to slirp (it answers "File not found").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/proto/packet.h"
#include "sim/proto/tftp_packet.h"
#include "sim/core/trace.h"

namespace bootsim {

class TftpWatch {
 public:
  /// `root` is the TFTP root slirp serves; `server_ip` the address TFTP is served at (slirp's vhost).
  /// `link_targets`: host files and folders a symlink in `root` may lead to (when root is a folder of
  /// links over a scenario's root and files, sim/scenario/runner.cpp); anything else outside is refused.
  TftpWatch(Trace& trace, std::string root, std::uint32_t server_ip, std::string name = "tftpd",
            const std::vector<std::string>& link_targets = {});

  /// A guest frame on its way to slirp. Returns an ERROR frame to send back instead when the RRQ names a
  /// file outside the root (the caller must then not pass the request to slirp).
  std::optional<std::vector<std::uint8_t>> on_guest_frame(SimTime t, const std::vector<std::uint8_t>& frame);
  /// A frame slirp sends towards the guests.
  void on_server_frame(SimTime t, const std::vector<std::uint8_t>& frame);

  /// True when `name` (as in an RRQ) resolves to an existing path outside the root.
  bool escapes_root(const std::string& name) const;

 private:
  struct Session {
    std::string file;
    SimTime start{};
    std::size_t blksize = 512;
    std::uint64_t bytes = 0, blocks = 0;
  };
  using Key = std::pair<std::uint32_t, std::uint16_t>;  // client ip, client port
  void close(SimTime t, const Key& k, Session& s, const char* status, std::optional<int> error_code = std::nullopt,
             std::optional<std::string> error = std::nullopt);

  Trace& trace_;
  std::string root_, root_real_;
  std::vector<std::string> targets_real_;
  std::uint32_t server_ip_;
  std::string name_;
  std::map<Key, Session> sessions_;
  std::uint16_t ip_id_ = 0x8000;
};

}  // namespace bootsim
