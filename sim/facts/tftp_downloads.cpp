#include "sim/facts/tftp_downloads.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace bootsim::facts {

namespace {

constexpr std::uint16_t kRrq = 1, kData = 3, kError = 5, kOack = 6;

std::uint16_t opcode(const std::vector<std::uint8_t>& p) { return p.size() < 2 ? 0 : (p[0] << 8) | p[1]; }

/// The NUL-terminated strings after the opcode (RRQ: file, mode, options; OACK: options).
std::vector<std::string> strings(const std::vector<std::uint8_t>& p) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 2; i < p.size(); ++i) {
    if (p[i] == 0) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(p[i]);
    }
  }
  return out;
}

std::string dotted(std::uint32_t ip) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
  return buf;
}

}  // namespace

void TftpReader::feed_tx(std::int64_t t, const UdpDatagram& d) {
  if (d.dst_port != 69 || opcode(d.payload) != kRrq) return;
  std::vector<std::string> s = strings(d.payload);
  if (s.empty() || s[0].empty()) return;
  auto it = open_.find(d.src_port);
  // A retransmitted RRQ (same port, same file) keeps the read; anything else starts a new one.
  if (it != open_.end() && it->second.d.file == s[0] && it->second.blocks == 0) return;
  Read r;
  r.d.file = s[0];
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
  switch (opcode(d.payload)) {
    case kOack: {
      std::vector<std::string> s = strings(d.payload);
      for (size_t i = 0; i + 1 < s.size(); i += 2) {
        std::string name = s[i];
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        long v = std::strtol(s[i + 1].c_str(), nullptr, 10);
        if (name == "blksize" && v >= 8 && v <= 65464) r.blksize = static_cast<std::size_t>(v);
      }
      return;
    }
    case kData: {
      if (d.payload.size() < 4) return;
      std::uint16_t block = static_cast<std::uint16_t>((d.payload[2] << 8) | d.payload[3]);
      // Only the next block counts: a duplicate (the server sent it again) adds nothing.
      if (block != static_cast<std::uint16_t>(r.blocks + 1)) return;
      ++r.blocks;
      std::size_t len = d.payload.size() - 4;
      r.d.bytes += len;
      if (len < r.blksize) {
        r.d.end_ns = t;
        done_.push_back(r.d);
        open_.erase(it);
      }
      return;
    }
    case kError: open_.erase(it); return;
    default: return;
  }
}

}  // namespace bootsim::facts
