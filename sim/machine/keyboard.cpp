#include "sim/machine/keyboard.h"

#include <cctype>
#include <cstring>

namespace bootsim {

namespace {

// US layout set-1 scancodes for the ASCII range; iPXE uses the ASCII byte whenever it is non-zero.
std::uint8_t scancode_for(char c) {
  static const char* rows[] = {"1234567890-=", "qwertyuiop[]", "asdfghjkl;'`", "\\zxcvbnm,./"};
  static const std::uint8_t starts[] = {0x02, 0x10, 0x1E, 0x2B};
  static const char* shifted[] = {"!@#$%^&*()_+", "QWERTYUIOP{}", "ASDFGHJKL:\"~", "|ZXCVBNM<>?"};
  for (int r = 0; r < 4; ++r) {
    if (const char* p = std::strchr(rows[r], c); p && c) return static_cast<std::uint8_t>(starts[r] + (p - rows[r]));
    if (const char* p = std::strchr(shifted[r], c); p && c) return static_cast<std::uint8_t>(starts[r] + (p - shifted[r]));
  }
  if (c == ' ') return 0x39;
  return 0;
}

std::uint16_t ascii_key(char c) {
  switch (c) {
    case '\n': case '\r': return 0x1C0D;
    case '\t': return 0x0F09;
    case '\b': return 0x0E08;
    case 0x1B: return 0x011B;
    default: return static_cast<std::uint16_t>(scancode_for(c) << 8 | static_cast<std::uint8_t>(c));
  }
}

}  // namespace

std::optional<std::vector<std::uint16_t>> parse_keys(const std::string& text, std::string* error) {
  std::vector<std::uint16_t> keys;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      char n = text[++i];
      keys.push_back(ascii_key(n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n));
      continue;
    }
    if (c == '<') {
      size_t end = text.find('>', i);
      if (end == std::string::npos) {
        if (error) *error = "unterminated '<' in key text (write \\< for a literal '<')";
        return std::nullopt;
      }
      std::string name = text.substr(i + 1, end - i - 1);
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      i = end;
      if (name == "enter") keys.push_back(0x1C0D);
      else if (name == "esc") keys.push_back(0x011B);
      else if (name == "tab") keys.push_back(0x0F09);
      else if (name == "backspace") keys.push_back(0x0E08);
      else if (name == "up") keys.push_back(0x4800);
      else if (name == "down") keys.push_back(0x5000);
      else if (name == "left") keys.push_back(0x4B00);
      else if (name == "right") keys.push_back(0x4D00);
      else if (name.size() == 6 && name.compare(0, 5, "ctrl-") == 0 && name[5] >= 'a' && name[5] <= 'z') {
        char l = name[5];
        keys.push_back(static_cast<std::uint16_t>(scancode_for(l) << 8 | (l - 'a' + 1)));
      } else if (name.size() >= 2 && name[0] == 'f' && std::isdigit(static_cast<unsigned char>(name[1]))) {
        int n = std::atoi(name.c_str() + 1);
        if (n < 1 || n > 12) {
          if (error) *error = "unknown key <" + name + ">";
          return std::nullopt;
        }
        std::uint8_t sc = n <= 10 ? static_cast<std::uint8_t>(0x3A + n) : static_cast<std::uint8_t>(0x85 + n - 11);
        keys.push_back(static_cast<std::uint16_t>(sc << 8));
      } else {
        if (error) *error = "unknown key <" + name + ">";
        return std::nullopt;
      }
      continue;
    }
    keys.push_back(ascii_key(c));
  }
  return keys;
}

std::optional<KeyTrigger> parse_key_trigger(const std::string& spec, std::string* error) {
  size_t colon = spec.find(':');
  if (colon == std::string::npos || colon == 0) {
    if (error) *error = "expected WHEN:KEYS, e.g. '2s:<ctrl-b>' or 'Press Ctrl-B:<ctrl-b>'";
    return std::nullopt;
  }
  KeyTrigger t;
  std::string when = spec.substr(0, colon);
  t.keys_text = spec.substr(colon + 1);
  if (auto d = parse_duration(when)) t.at = *d;
  else t.on_console = when;
  auto keys = parse_keys(t.keys_text, error);
  if (!keys) return std::nullopt;
  t.keys = std::move(*keys);
  return t;
}

}  // namespace bootsim
