#include "sim/proto/tftp_packet.h"

#include <cctype>

namespace bootsim {

namespace {

std::uint16_t be16(const std::vector<std::uint8_t>& p, std::size_t at) {
  return static_cast<std::uint16_t>(p[at] << 8 | p[at + 1]);
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// The NUL-terminated strings after the opcode; nullopt when the last one has no NUL.
std::optional<std::vector<std::string>> strings(const std::vector<std::uint8_t>& p) {
  std::vector<std::string> out;
  std::string cur;
  for (std::size_t i = 2; i < p.size(); ++i) {
    if (p[i] == 0) {
      out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(p[i]));
    }
  }
  if (!cur.empty()) return std::nullopt;
  return out;
}

TftpOptions options_from(const std::vector<std::string>& s, std::size_t first) {
  TftpOptions o;
  for (std::size_t i = first; i + 1 < s.size(); i += 2) o[lower(s[i])] = s[i + 1];
  return o;
}

}  // namespace

std::optional<TftpOpcode> tftp_opcode(const std::vector<std::uint8_t>& payload) {
  if (payload.size() < 2) return std::nullopt;
  std::uint16_t op = be16(payload, 0);
  if (op < 1 || op > 6) return std::nullopt;
  return static_cast<TftpOpcode>(op);
}

std::optional<TftpRequest> parse_tftp_rrq(const std::vector<std::uint8_t>& payload) {
  if (tftp_opcode(payload) != TftpOpcode::kRrq) return std::nullopt;
  auto s = strings(payload);
  if (!s || s->size() < 2 || (*s)[0].empty()) return std::nullopt;
  TftpRequest r;
  r.file = (*s)[0];
  r.mode = lower((*s)[1]);
  r.options = options_from(*s, 2);
  return r;
}

std::optional<TftpOptions> parse_tftp_oack(const std::vector<std::uint8_t>& payload) {
  if (tftp_opcode(payload) != TftpOpcode::kOack) return std::nullopt;
  auto s = strings(payload);
  if (!s) return std::nullopt;
  return options_from(*s, 0);
}

std::optional<std::uint32_t> tftp_number(const TftpOptions& options, const std::string& name, std::uint32_t lo,
                                         std::uint32_t hi) {
  auto it = options.find(name);
  if (it == options.end() || it->second.empty() || it->second.size() > 10) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : it->second) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v < lo || v > hi) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

std::optional<std::uint16_t> tftp_block(const std::vector<std::uint8_t>& payload) {
  auto op = tftp_opcode(payload);
  if ((op != TftpOpcode::kData && op != TftpOpcode::kAck) || payload.size() < 4) return std::nullopt;
  return be16(payload, 2);
}

std::optional<TftpError> parse_tftp_error(const std::vector<std::uint8_t>& payload) {
  if (tftp_opcode(payload) != TftpOpcode::kError || payload.size() < 4) return std::nullopt;
  TftpError e;
  e.code = be16(payload, 2);
  for (std::size_t i = 4; i < payload.size() && payload[i] != 0; ++i) e.message.push_back(static_cast<char>(payload[i]));
  return e;
}

std::vector<std::uint8_t> build_tftp_error(std::uint16_t code, const std::string& message) {
  std::vector<std::uint8_t> p;
  p.reserve(4 + message.size() + 1);
  for (std::uint8_t b : {std::uint8_t{0}, std::uint8_t{5}, static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code)})
    p.push_back(b);
  for (char c : message) p.push_back(static_cast<std::uint8_t>(c));
  p.push_back(0);
  return p;
}

}  // namespace bootsim
