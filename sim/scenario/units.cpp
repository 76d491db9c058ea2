#include "sim/scenario/units.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "sim/core/errors.h"

namespace bootsim::scenario {

namespace {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

/// A non-negative decimal number split into an integer scaled by 10^frac_digits, then a unit suffix.
struct Decimal {
  std::int64_t scaled = 0;  ///< value × 10^frac_digits
  int frac_digits = 0;
  std::string unit;
};

std::optional<Decimal> split_decimal(const std::string& text) {
  Decimal d;
  size_t i = 0;
  bool digits = false;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (d.scaled > INT64_MAX / 100) return std::nullopt;
    d.scaled = d.scaled * 10 + (text[i++] - '0');
    digits = true;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    bool frac = false;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (d.scaled > INT64_MAX / 100 || d.frac_digits >= 9) return std::nullopt;
      d.scaled = d.scaled * 10 + (text[i++] - '0');
      ++d.frac_digits;
      frac = true;
    }
    if (!frac) return std::nullopt;  // "1." is not a number
  }
  if (!digits) return std::nullopt;
  d.unit = text.substr(i);
  return d;
}

std::int64_t pow10(int n) {
  std::int64_t v = 1;
  while (n-- > 0) v *= 10;
  return v;
}

/// value × multiplier, exact when the result is integral; nullopt on overflow or a fractional result.
std::optional<std::uint64_t> scale(const Decimal& d, std::uint64_t multiplier) {
  std::int64_t div = pow10(d.frac_digits);
  if (multiplier % static_cast<std::uint64_t>(div) == 0) {
    std::uint64_t m = multiplier / static_cast<std::uint64_t>(div);
    if (m != 0 && static_cast<std::uint64_t>(d.scaled) > UINT64_MAX / m) return std::nullopt;
    return static_cast<std::uint64_t>(d.scaled) * m;
  }
  long double v = static_cast<long double>(d.scaled) * multiplier / div;
  if (v != std::floor(v) || v > 1.8e19L) return std::nullopt;
  return static_cast<std::uint64_t>(v);
}

std::string format_decimal(std::int64_t scaled, int frac_digits, const std::string& unit) {
  std::string digits = std::to_string(scaled);
  if (frac_digits > 0) {
    while (static_cast<int>(digits.size()) <= frac_digits) digits.insert(0, "0");
    digits.insert(digits.size() - frac_digits, ".");
    while (digits.back() == '0') digits.pop_back();
    if (digits.back() == '.') digits.pop_back();
  }
  return digits + unit;
}

}  // namespace

std::optional<bool> parse_bool(const std::string& text) {
  if (text == "true" || text == "on") return true;
  if (text == "false" || text == "off") return false;
  return std::nullopt;
}

std::optional<std::uint64_t> parse_uint(const std::string& text) {
  if (!all_digits(text) || text.size() > 19) return std::nullopt;
  return std::stoull(text);
}

std::optional<double> parse_percent(const std::string& text) {
  auto d = split_decimal(text);
  if (!d || d->unit != "%") return std::nullopt;
  double v = static_cast<double>(d->scaled) / static_cast<double>(pow10(d->frac_digits));
  if (v > 100.0) return std::nullopt;
  return v / 100.0;
}

std::optional<std::uint64_t> parse_bitrate(const std::string& text) {
  auto d = split_decimal(text);
  if (!d) return std::nullopt;
  std::uint64_t mult;
  if (d->unit == "bps") mult = 1;
  else if (d->unit == "kbps" || d->unit == "Kbps") mult = 1000;
  else if (d->unit == "Mbps") mult = 1000000;
  else if (d->unit == "Gbps") mult = 1000000000;
  else return std::nullopt;
  return scale(*d, mult);
}

std::optional<std::uint64_t> parse_bytes(const std::string& text) {
  auto d = split_decimal(text);
  if (!d) return std::nullopt;
  std::uint64_t mult;
  if (d->unit == "B") mult = 1;
  else if (d->unit == "KiB") mult = 1ull << 10;
  else if (d->unit == "MiB") mult = 1ull << 20;
  else if (d->unit == "GiB") mult = 1ull << 30;
  else return std::nullopt;
  return scale(*d, mult);
}

std::optional<std::uint32_t> parse_ipv4_strict(const std::string& text) {
  std::uint32_t addr = 0;
  size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    size_t end = text.find('.', pos);
    if (part == 3) end = text.size();
    if (end == std::string::npos) return std::nullopt;
    std::string octet = text.substr(pos, end - pos);
    if (!all_digits(octet) || octet.size() > 3) return std::nullopt;
    unsigned v = static_cast<unsigned>(std::stoul(octet));
    if (v > 255) return std::nullopt;
    addr = addr << 8 | v;
    pos = end + 1;
  }
  return addr;
}

std::optional<std::pair<std::uint32_t, int>> parse_cidr(const std::string& text) {
  size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto addr = parse_ipv4_strict(text.substr(0, slash));
  std::string len = text.substr(slash + 1);
  if (!addr || !all_digits(len) || len.size() > 2) return std::nullopt;
  int n = std::stoi(len);
  if (n < 1 || n > 30) return std::nullopt;  // a boot LAN needs room for a server and a client
  std::uint32_t mask = 0xFFFFFFFFu << (32 - n);
  if ((*addr & ~mask) != 0) return std::nullopt;
  return std::make_pair(*addr, n);
}

std::vector<std::string> parse_range(const std::string& text) {
  auto fail = [&](const std::string& why) -> InputError {
    return InputError("range '" + text + "': " + why +
                      " (expected FROM..TO/STEP such as 1s..20s/1s, or a list such as 5s,10s)");
  };
  if (text.empty()) throw fail("empty");
  size_t dots = text.find("..");
  if (dots == std::string::npos) {
    std::vector<std::string> values;
    size_t pos = 0;
    while (true) {
      size_t comma = text.find(',', pos);
      std::string v = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      if (v.empty()) throw fail("empty list element");
      values.push_back(v);
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    return values;
  }
  size_t slash = text.find('/', dots);
  if (slash == std::string::npos) throw fail("missing /STEP");
  auto from = split_decimal(text.substr(0, dots));
  auto to = split_decimal(text.substr(dots + 2, slash - dots - 2));
  auto step = split_decimal(text.substr(slash + 1));
  if (!from || !to || !step) throw fail("FROM, TO and STEP must be non-negative numbers with an optional unit");
  if (from->unit != to->unit || from->unit != step->unit)
    throw fail("FROM, TO and STEP must use the same unit ('" + from->unit + "', '" + to->unit + "', '" +
               step->unit + "')");
  // Bring all three to the same number of fractional digits so that the arithmetic is exact.
  int frac = std::max({from->frac_digits, to->frac_digits, step->frac_digits});
  auto norm = [&](const Decimal& d) {
    std::int64_t m = pow10(frac - d.frac_digits);
    if (d.scaled > INT64_MAX / m) throw fail("a value is too large at this many decimal places");
    return d.scaled * m;
  };
  std::int64_t a = norm(*from), b = norm(*to), s = norm(*step);
  if (s <= 0) throw fail("STEP must be greater than zero");
  if (a > b) throw fail("FROM is greater than TO");
  if ((b - a) / s >= 10000) throw fail("more than 10000 values");
  // Ranges are inclusive and exact (README): a STEP that skips TO would silently drop the last value.
  if ((b - a) % s != 0)
    throw fail("STEP does not land on TO (the last value would be " + format_decimal(b - (b - a) % s, frac, from->unit) +
               "); choose TO or STEP so that TO - FROM is a whole number of steps");
  std::vector<std::string> values;
  for (std::int64_t v = a; v <= b; v += s) values.push_back(format_decimal(v, frac, from->unit));
  return values;
}

}  // namespace bootsim::scenario
