#include "sim/machine/console.h"

namespace bootsim {

void Console::put(std::uint8_t ch, SimTime now) {
  raw_ += static_cast<char>(ch);
  if (!line_started_) {
    line_start_ = now;
    line_started_ = true;
  }
  switch (ch) {
    case '\n':
      // Trailing blanks (what "\b \b" erasing leaves behind) are not text.
      while (!current_.empty() && current_.back() == ' ') current_.pop_back();
      lines_.push_back({line_start_, current_});
      if (line_cb_) line_cb_(lines_.back());
      current_.clear();
      cursor_ = 0;
      line_started_ = false;
      break;
    case '\r': cursor_ = 0; break;
    case '\b': if (cursor_) --cursor_; break;
    case '\a': case 0: break;
    default:
      // A character overwrites at the cursor, as on a screen; "\b \b" erases.
      if (cursor_ < current_.size()) current_[cursor_] = static_cast<char>(ch);
      else current_ += static_cast<char>(ch);
      ++cursor_;
      break;
  }
}

void Console::write(const std::string& bytes, SimTime now) {
  for (char ch : bytes) put(static_cast<std::uint8_t>(ch), now);
}

std::vector<std::string> Console::render(const std::string& raw) {
  Console c;
  c.write(raw, SimTime{});
  std::vector<std::string> out;
  for (const auto& l : c.lines()) out.push_back(l.text);
  std::string last = c.current_line();
  while (!last.empty() && last.back() == ' ') last.pop_back();
  if (!last.empty()) out.push_back(std::move(last));
  return out;
}

std::string Console::screen_text() const {
  std::string out;
  for (const auto& l : lines_) {
    out += l.text;
    out += '\n';
  }
  out += current_;
  return out;
}

}  // namespace bootsim
