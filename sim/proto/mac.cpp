#include "sim/proto/mac.h"

#include <cstdio>

namespace bootsim {

std::optional<Mac> parse_mac(const std::string& text) {
  Mac mac{};
  unsigned v[6];
  char sep[5];
  if (std::sscanf(text.c_str(), "%2x%c%2x%c%2x%c%2x%c%2x%c%2x", &v[0], &sep[0], &v[1], &sep[1], &v[2],
                  &sep[2], &v[3], &sep[3], &v[4], &sep[4], &v[5]) != 11 ||
      text.size() != 17)
    return std::nullopt;
  for (char c : sep)
    if (c != ':' && c != '-') return std::nullopt;
  for (int i = 0; i < 6; ++i) mac[i] = static_cast<std::uint8_t>(v[i]);
  return mac;
}

std::string format_mac(const Mac& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                mac[5]);
  return buf;
}

}  // namespace bootsim
