#include "sim/facts/tftp_downloads.h"

#include <cstdio>

#include "sim/proto/tftp_packet.h"

namespace bootsim::facts {

namespace {

std::string dotted(std::uint32_t ip) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
  return buf;
}

}  // namespace

void TftpReader::feed_tx(std::int64_t t, const UdpDatagram& d) {
  if (d.dst_port != 69) return;
  auto rrq = parse_tftp_rrq(d.payload);
  if (!rrq) return;
  auto it = open_.find(d.src_port);
  // A retransmitted RRQ (same port, same file) keeps the read; anything else starts a new one.
  if (it != open_.end() && it->second.d.file == rrq->file && it->second.blocks == 0) return;
  Read r;
  r.d.file = rrq->file;
  r.d.server = dotted(d.dst_ip);
  r.d.start_ns = t;
  r.server_ip = d.dst_ip;
  r.client_ip = d.src_ip;
  open_[d.src_port] = r;
}

void TftpReader::feed_rx(std::int64_t t, const UdpDatagram& d) {
  auto it = open_.find(d.dst_port);
  if (it == open_.end() || d.src_ip != it->second.server_ip || d.dst_ip != it->second.client_ip) return;
  Read& r = it->second;
  const auto op = tftp_opcode(d.payload);
  if (op == TftpOpcode::kOack) {
    if (auto oack = parse_tftp_oack(d.payload))
      if (auto b = tftp_number(*oack, "blksize", kTftpMinBlksize, kTftpMaxBlksize)) r.blksize = *b;
  } else if (op == TftpOpcode::kData) {
    // Only the next block counts: a duplicate (the server sent it again) adds nothing.
    auto block = tftp_block(d.payload);
    if (!block || *block != static_cast<std::uint16_t>(r.blocks + 1)) return;
    ++r.blocks;
    std::size_t len = d.payload.size() - 4;
    r.d.bytes += len;
    if (len < r.blksize) {
      r.d.end_ns = t;
      done_.push_back(r.d);
      open_.erase(it);
    }
  } else if (op == TftpOpcode::kError) {
    open_.erase(it);
  }
}

}  // namespace bootsim::facts
