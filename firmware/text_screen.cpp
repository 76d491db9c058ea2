#include "firmware/text_screen.h"

#include <algorithm>
#include <cstring>

namespace bootsim {

namespace {

/// A placed cell's character as stream text. The cell holds a CP437 glyph code: codes below 20h (arrows,
/// triangles) would act as control bytes in the stream, and codes from 80h on (GRUB's menu frame) would
/// read as unrelated Latin-1 letters, so both are written as the nearest ASCII picture.
char stream_char(std::uint8_t ch) {
  if (ch >= 0x80) {
    switch (ch) {
      case 0xB3: case 0xBA: return '|';
      case 0xC4: return '-';
      case 0xCD: return '=';
      case 0xB0: case 0xB1: case 0xB2: case 0xDB: return '#';
      default: return (ch >= 0xB4 && ch <= 0xDA) || ch == 0xD9 ? '+' : '?';
    }
  }
  switch (ch) {
    case 0x00: return ' ';
    case 0x10: case 0x1A: return '>';
    case 0x11: case 0x1B: return '<';
    case 0x18: case 0x1E: return '^';
    case 0x19: case 0x1F: return 'v';
    default: return ch < 0x20 || ch == 0x7F ? '.' : static_cast<char>(ch);
  }
}

}  // namespace

TextScreen::TextScreen(std::function<void(std::uint8_t)> stream) : stream_(std::move(stream)) {
  for (std::size_t i = 0; i < cells_.size(); i += 2) {
    cells_[i] = ' ';
    cells_[i + 1] = kNormal;
  }
  shown_.fill(' ');
}

void TextScreen::emit(const std::string& bytes) {
  for (char c : bytes) stream_(static_cast<std::uint8_t>(c));
}

std::uint16_t TextScreen::cell(int row, int col) const {
  std::size_t i = (static_cast<std::size_t>(row) * kCols + col) * 2;
  return static_cast<std::uint16_t>(cells_[i] | cells_[i + 1] << 8);
}

std::string TextScreen::row_text(int row) const {
  std::string t;
  for (int c = 0; c < kCols; ++c) t += stream_char(cells_[(row * kCols + c) * 2]);
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t;
}

std::string TextScreen::shown_text(int row) const {
  std::string t(reinterpret_cast<const char*>(&shown_[row * kCols]), kCols);
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t;
}

void TextScreen::set_cursor(int row, int col) {
  row = std::clamp(row, 0, kRows - 1);
  col = std::clamp(col, 0, kCols - 1);
  if (row != row_ || col != col_) moved_ = true;
  row_ = row;
  col_ = col;
}

void TextScreen::scroll_grid(std::uint8_t* grid, int stride, bool up, int lines, int top, int left, int bottom,
                             int right, std::uint8_t fill, std::uint8_t fill_attr) {
  int height = bottom - top + 1;
  if (lines <= 0 || lines > height) lines = height;  // 0 clears the window
  auto at = [&](int r, int c) { return grid + (static_cast<std::size_t>(r) * kCols + c) * stride; };
  std::size_t span = static_cast<std::size_t>(right - left + 1) * stride;
  if (up) {
    for (int r = top; r + lines <= bottom; ++r) std::memmove(at(r, left), at(r + lines, left), span);
    for (int r = bottom - lines + 1; r <= bottom; ++r)
      for (int c = left; c <= right; ++c) {
        at(r, c)[0] = fill;
        if (stride == 2) at(r, c)[1] = fill_attr;
      }
  } else {
    for (int r = bottom; r - lines >= top; --r) std::memmove(at(r, left), at(r - lines, left), span);
    for (int r = top; r < top + lines; ++r)
      for (int c = left; c <= right; ++c) {
        at(r, c)[0] = fill;
        if (stride == 2) at(r, c)[1] = fill_attr;
      }
  }
}

void TextScreen::scroll(bool up, int lines, int top, int left, int bottom, int right, std::uint8_t attr) {
  top = std::clamp(top, 0, kRows - 1);
  bottom = std::clamp(bottom, 0, kRows - 1);
  left = std::clamp(left, 0, kCols - 1);
  right = std::clamp(right, 0, kCols - 1);
  if (top > bottom || left > right) return;
  scroll_grid(cells_.data(), 2, up, lines, top, left, bottom, right, ' ', attr);
  scroll_grid(shown_.data(), 1, up, lines, top, left, bottom, right, ' ', 0);
}

void TextScreen::newline() {
  if (row_ < kRows - 1) {
    ++row_;
  } else {
    scroll(true, 1, 0, 0, kRows - 1, kCols - 1, kNormal);
  }
}

void TextScreen::follow_cursor() {
  if (!moved_) return;
  moved_ = false;
  std::string s;
  if (row_ != open_row_) {
    if (open_) s += '\n';
    open_ = false;
  } else {
    s += '\r';
  }
  for (int c = 0; c < col_; ++c) {
    std::uint8_t ch = cells_[(row_ * kCols + c) * 2];
    s += stream_char(ch);
    shown_[row_ * kCols + c] = static_cast<std::uint8_t>(stream_char(ch));
  }
  if (col_ > 0) open_ = true;
  open_row_ = row_;
  emit(s);
}

void TextScreen::teletype(std::uint8_t ch) {
  bool control = ch == '\r' || ch == '\n' || ch == '\b' || ch == '\a';
  if (control && pending_) sync();
  follow_cursor();
  std::size_t i = static_cast<std::size_t>(row_) * kCols + col_;
  switch (ch) {
    case '\a': break;
    case '\r': col_ = 0; break;
    case '\n':
      newline();
      open_ = false;
      open_row_ = row_;
      break;
    case '\b':
      if (col_ > 0) --col_;
      break;
    default:
      // Teletype keeps the cell's attribute (text modes); the character is shown as it goes out. Placed
      // text waiting for the stream goes first, with this character already in its cell: iPXE's 09h of
      // the same character just before (its colour change) is then no change at all.
      cells_[i * 2] = ch;
      shown_[i] = ch;
      if (pending_) sync();
      open_ = true;
      if (++col_ >= kCols) {
        col_ = 0;
        newline();
      }
      // The stream's line continues across the wrap, as the bytes do.
      open_row_ = row_;
      break;
  }
  stream_(ch);
}

void TextScreen::place(std::uint8_t ch, int attr, int count) {
  std::size_t p = static_cast<std::size_t>(row_) * kCols + col_;
  for (int n = 0; n < count && p < static_cast<std::size_t>(kCols) * kRows; ++n, ++p) {
    cells_[p * 2] = ch;
    if (attr >= 0) cells_[p * 2 + 1] = static_cast<std::uint8_t>(attr);
  }
  if (count > 0) pending_ = true;
}

void TextScreen::write_string(const std::string& text, const std::string& attrs, std::uint8_t attr, int row,
                              int col, bool move_cursor) {
  int r = std::clamp(row, 0, kRows - 1), c = std::clamp(col, 0, kCols - 1);
  auto down = [&] {
    if (r < kRows - 1) ++r;
    else scroll(true, 1, 0, 0, kRows - 1, kCols - 1, kNormal);
  };
  for (std::size_t k = 0; k < text.size(); ++k) {
    std::uint8_t ch = static_cast<std::uint8_t>(text[k]);
    switch (ch) {
      case '\a': break;
      case '\r': c = 0; break;
      case '\n': down(); break;
      case '\b': if (c > 0) --c; break;
      default: {
        std::size_t p = static_cast<std::size_t>(r) * kCols + c;
        cells_[p * 2] = ch;
        cells_[p * 2 + 1] = k < attrs.size() ? static_cast<std::uint8_t>(attrs[k]) : attr;
        if (++c >= kCols) {
          c = 0;
          down();
        }
      }
    }
  }
  pending_ = true;
  if (move_cursor) set_cursor(r, c);
}

void TextScreen::load_cells(const std::uint8_t* bytes) {
  if (std::memcmp(bytes, cells_.data(), kBytes) == 0) return;
  std::memcpy(cells_.data(), bytes, kBytes);
  pending_ = true;
}

void TextScreen::sync() {
  pending_ = false;
  bool cursor_changed = false;
  std::vector<int> others;
  for (int r = 0; r < kRows; ++r) {
    if (row_text(r) == shown_text(r)) continue;
    if (r == row_) cursor_changed = true;
    else others.push_back(r);
  }
  if (others.empty() && !cursor_changed) return;
  std::string s;
  auto show = [&](int r) {
    for (int c = 0; c < kCols; ++c)
      shown_[r * kCols + c] = static_cast<std::uint8_t>(stream_char(cells_[(r * kCols + c) * 2]));
  };
  if (!others.empty()) {
    if (open_) s += '\n';
    open_ = false;
    for (int r : others) {
      std::string t = row_text(r);
      show(r);
      if (!t.empty()) s += t + '\n';  // a blanked row is not text
    }
  }
  // The cursor's row: rewritten in place (or, after other rows, typed again) and left open.
  std::size_t old_len = shown_text(row_).size();
  std::string t = row_text(row_);
  show(row_);
  std::size_t len = t.size();
  if (!others.empty()) {
    s += t;
  } else {
    s += '\r' + t;
    if (old_len > len) {
      s += std::string(old_len - len, ' ');
      len = old_len;
    }
  }
  if (static_cast<std::size_t>(col_) >= len) {
    if (!t.empty() || open_ || col_ > 0) s += std::string(col_ - len, ' ');
  } else {
    s += '\r' + t.substr(0, col_);
  }
  if (!t.empty() || col_ > 0) open_ = true;
  open_row_ = row_;
  moved_ = false;
  emit(s);
}

}  // namespace bootsim
