#include "sim/core/sim_time.h"

#include <cctype>
#include <cstdio>

namespace bootsim {

std::optional<SimTime> parse_duration(std::string_view text) {
  // Integer and fractional parts are parsed separately so that "1.5s" is exact (no binary floating point).
  size_t i = 0;
  std::int64_t whole = 0;
  std::int64_t frac = 0, frac_scale = 1;
  bool digits = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (whole > INT64_MAX / 100) return std::nullopt;
    whole = whole * 10 + (text[i++] - '0');
    digits = true;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (frac_scale < 1000000000) {
        frac = frac * 10 + (text[i] - '0');
        frac_scale *= 10;
      }
      ++i;
      digits = true;
    }
  }
  if (!digits) return std::nullopt;
  std::string_view unit = text.substr(i);
  std::int64_t mult;
  if (unit == "ns") mult = 1;
  else if (unit == "us") mult = 1000;
  else if (unit == "ms") mult = 1000000;
  else if (unit == "s") mult = 1000000000;
  else if (unit == "m" || unit == "min") mult = 60LL * 1000000000;
  else return std::nullopt;
  if (whole > INT64_MAX / mult) return std::nullopt;
  // frac < frac_scale; both it and mult are powers of ten (mult may be 60 × one), so the larger divides by
  // the smaller and neither product below can overflow (frac × mult could: 999999999 × 60e9).
  std::int64_t frac_ns = mult >= frac_scale ? frac * (mult / frac_scale) : frac * mult / frac_scale;
  if (whole * mult > INT64_MAX - frac_ns) return std::nullopt;
  return SimTime{whole * mult + frac_ns};
}

std::string format_time(SimTime t) {
  char buf[48];
  std::int64_t us = t.ns / 1000;
  std::snprintf(buf, sizeof buf, "%lld.%06llds", static_cast<long long>(us / 1000000),
                static_cast<long long>(us % 1000000));
  return buf;
}

}  // namespace bootsim
