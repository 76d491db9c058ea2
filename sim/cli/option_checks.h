// Checks for command-line values that CLI11's stock validators word badly or let through ("-j 0" gave
// "Value 0 not in range 0.000000 to 1.79e308"; "--seed -5" wrapped around to 2^64-5).
#pragma once

#include <CLI/CLI.hpp>

#include <cctype>
#include <string>

namespace bootsim::cli {

/// A decimal integer >= `min`, e.g. at_least(1, "variants run at once").
inline CLI::Validator at_least(long min, const std::string& what) {
  return CLI::Validator(
      [min, what](std::string& v) -> std::string {
        std::size_t used = 0;
        long n = 0;
        try {
          n = std::stol(v, &used);
        } catch (...) {
          used = 0;
        }
        if (used == 0 || used != v.size())
          return "'" + v + "' is not a whole number (" + what + ")";
        if (n < min) return "must be at least " + std::to_string(min) + " (" + what + "), not " + v;
        return {};
      },
      "INT>=" + std::to_string(min));
}

/// A non-negative decimal integer that fits 64 bits (no sign, no wrap-around).
inline CLI::Validator unsigned_integer(const std::string& what) {
  return CLI::Validator(
      [what](std::string& v) -> std::string {
        bool digits = !v.empty() && v.size() <= 20;
        for (char c : v) digits = digits && std::isdigit(static_cast<unsigned char>(c));
        if (!digits) return "'" + v + "' is not a non-negative whole number (" + what + ")";
        try {
          (void)std::stoull(v);
        } catch (...) {
          return "'" + v + "' does not fit in 64 bits (" + what + ")";
        }
        return {};
      },
      "UINT");
}

}  // namespace bootsim::cli
