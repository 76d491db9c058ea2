// The files one machine read by TFTP, from its own frames (frame_tx / frame_rx), not from any server's
// events: the same facts whether bootsim's slirp served the file or a real server did (an external
// dnsmasq or tftpd-hpa behind the wire). What the chainload-loop facts count (trace_facts.h).
//
//   TftpReader r;
//   r.feed_tx(t, udp) / r.feed_rx(t, udp)    // every UDP datagram the machine sent / received, in order
//   r.downloads()                            // the reads that got their short last block, in order
//
// A read begins with the machine's RRQ (UDP to port 69) and belongs to the machine's source port; the
// server answers from a port of its own (its TID). DATA blocks to that port add up (a block sent again
// counts once); the OACK may set the block size (RFC 2348), and a block shorter than it ends the read.
// An ERROR, or a new RRQ from the same port, abandons it. TFTP over other ports (MTFTP) is not read.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/proto/packet.h"

namespace bootsim::facts {

/// One complete TFTP read.
struct FileDownload {
  std::string file;             ///< the name in the RRQ
  std::string server;           ///< dotted quad the RRQ went to
  std::uint64_t bytes = 0;      ///< data received
  std::int64_t start_ns = 0;    ///< the (first) RRQ left
  std::int64_t end_ns = 0;      ///< the last block arrived
};

class TftpReader {
 public:
  void feed_tx(std::int64_t t, const UdpDatagram& d);
  void feed_rx(std::int64_t t, const UdpDatagram& d);
  const std::vector<FileDownload>& downloads() const { return done_; }

 private:
  struct Read {
    FileDownload d;
    std::uint32_t server_ip = 0, client_ip = 0;  ///< a frame for another client (a shared wire) is not ours
    std::size_t blksize = 512;
    std::uint32_t blocks = 0;  ///< blocks taken, counting past the 16-bit wrap
  };
  std::map<std::uint16_t, Read> open_;  // by the machine's port
  std::vector<FileDownload> done_;
};

}  // namespace bootsim::facts
