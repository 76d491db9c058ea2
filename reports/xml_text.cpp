#include "reports/xml_text.h"

#include <cstdio>

namespace bootsim::reports {

std::string xml_safe(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        char b[8];
        if (c == '\b') std::snprintf(b, sizeof b, "\\b");
        else std::snprintf(b, sizeof b, "\\x%02x", c);
        out += b;
      } else if (c == 0x7f) {
        out += "\\x7f";
      } else {
        out += char(c);
      }
      ++i;
      continue;
    }
    size_t n = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n != 0 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
    if (ok && n == 3) {  // no surrogates, no U+FFFE/FFFF (not XML characters)
      unsigned cp = ((c & 0x0F) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
                    (static_cast<unsigned char>(s[i + 2]) & 0x3F);
      ok = cp >= 0x800 && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0xFFFE && cp != 0xFFFF;
    }
    if (ok && n == 2) ok = c >= 0xC2;
    if (ok && n == 4) ok = c <= 0xF4 && !(c == 0xF0 && static_cast<unsigned char>(s[i + 1]) < 0x90);
    if (ok) {
      out.append(s, i, n);
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

}  // namespace bootsim::reports
