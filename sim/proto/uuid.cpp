#include "sim/proto/uuid.h"

#include <cstdio>

namespace bootsim {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// The mixed-endian swap is its own inverse: reverse time_low (4 bytes), time_mid and time_hi (2 each).
std::array<std::uint8_t, 16> swap_fields(const std::uint8_t* in) {
  std::array<std::uint8_t, 16> out{};
  for (int i = 0; i < 16; ++i) out[i] = in[i];
  for (int i = 0; i < 4; ++i) out[i] = in[3 - i];
  out[4] = in[5], out[5] = in[4];
  out[6] = in[7], out[7] = in[6];
  return out;
}

}  // namespace

std::optional<Uuid> parse_uuid(const std::string& text) {
  if (text.size() != 36) return std::nullopt;
  Uuid u{};
  size_t b = 0;
  for (size_t i = 0; i < text.size();) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    u[b++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return u;
}

std::string format_uuid(const Uuid& u) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
                u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
  return buf;
}

std::array<std::uint8_t, 16> guid_bytes(const Uuid& uuid) { return swap_fields(uuid.data()); }

Uuid from_guid_bytes(const std::uint8_t* bytes) { return swap_fields(bytes); }

}  // namespace bootsim
