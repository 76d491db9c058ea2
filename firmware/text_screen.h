// The 80x25 colour text screen (video mode 3) behind INT 10h and video memory at B8000h, and the console
// stream derived from it.
//
// The screen holds 2000 cells (character, attribute), laid out as in video memory, and a cursor. Two
// kinds of writes reach it, and they reach the console stream (the trace's "console" text, which the one
// renderer, sim/machine/console.h, turns into lines) differently:
//  - Teletype output (INT 10h AH=0Eh) is the stream itself: each byte goes to the stream as written, so a
//    firmware that prints only through teletype (iPXE) gives the same stream as a plain byte log.
//  - Placed writes (AH=09h/0Ah characters at the cursor, AH=13h strings, stores into B8000h) change cells
//    without saying where a line begins or ends. GRUB prints every visible character this way (09h, then a
//    cursor move) and draws its menu with cursor moves and 09h. These reach the stream when the screen is
//    synchronised (sync()): at every host entry other than a video call, before a teletype control byte,
//    and when the run ends. A row whose text then differs from what the stream last showed for it is
//    written out: rows other than the cursor's as whole lines of their own ("text\n"), top to bottom;
//    the cursor's row as "\r" + its text, left open so that teletype output continues it, and the stream
//    cursor put back on the BIOS cursor column. A row that became blank (a clear) is not text and is not
//    written. So GRUB's "Welcome" line is one console line, each menu row is one, and a countdown
//    redrawn in place is a new line each second (or, on the cursor's row, the open line rewritten).
//  - Scrolling and clearing (AH=06h/07h, teletype LF on the last row) move or blank what the stream has
//    shown as well as the cells: they are not text.
// A teletype byte after a cursor move (AH=02h) first puts the stream on the cursor's row and column
// (ending the open line if the row changed), so the transcript stays in screen order.
// Placed cells hold CP437 glyph codes; the stream gets them as ASCII pictures where they are not plain
// ASCII: the frame of GRUB's menu as + - | (and # for shades), its arrows as ^ v < >, anything else as ?.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bootsim {

class TextScreen {
 public:
  static constexpr int kCols = 80;
  static constexpr int kRows = 25;
  static constexpr std::uint8_t kNormal = 0x07;  ///< grey on black

  /// `stream` receives every byte of the console stream, in order.
  explicit TextScreen(std::function<void(std::uint8_t)> stream);

  int row() const { return row_; }
  int col() const { return col_; }
  /// Moves the cursor (AH=02h); coordinates are clamped to the screen.
  void set_cursor(int row, int col);

  /// AH=0Eh: writes `ch` at the cursor and advances (CR, LF, BS, BEL act), scrolling on the last row.
  void teletype(std::uint8_t ch);
  /// AH=09h (`attr` given) / 0Ah (attribute kept): `count` copies of `ch` from the cursor on, without
  /// moving it; clipped at the end of the screen.
  void place(std::uint8_t ch, int attr, int count);
  /// AH=13h: `text` at (row, col); `attrs` per character when not empty, else `attr`. CR, LF, BS and BEL
  /// move the position; the cursor ends after the text when `move_cursor`.
  void write_string(const std::string& text, const std::string& attrs, std::uint8_t attr, int row, int col,
                    bool move_cursor);
  /// AH=06h (up) / 07h (down): scrolls the window by `lines` (0 = clear it), filling with blanks of `attr`.
  void scroll(bool up, int lines, int top, int left, int bottom, int right, std::uint8_t attr);

  /// Character (low byte) and attribute (high byte) at a cell.
  std::uint16_t cell(int row, int col) const;
  /// The cells as video memory holds them: 4000 bytes, character then attribute.
  const std::uint8_t* cells() const { return cells_.data(); }
  static constexpr std::size_t kBytes = kCols * kRows * 2;
  /// Takes cells the guest stored into video memory: placed writes, reaching the stream at sync().
  void load_cells(const std::uint8_t* bytes);

  /// Writes rows changed by placed writes to the stream (see above).
  void sync();
  /// Placed writes since the last sync (sync() has something to look at).
  bool pending() const { return pending_; }
  /// A row's text: its characters with trailing blanks removed (NUL reads as a blank).
  std::string row_text(int row) const;

 private:
  void emit(const std::string& bytes);
  void newline();
  void scroll_grid(std::uint8_t* grid, int stride, bool up, int lines, int top, int left, int bottom, int right,
                   std::uint8_t fill, std::uint8_t fill_attr);
  std::string shown_text(int row) const;
  /// Puts the stream's open line on the cursor row at the cursor column (after cursor moves).
  void follow_cursor();

  std::function<void(std::uint8_t)> stream_;
  std::array<std::uint8_t, kBytes> cells_;
  std::array<std::uint8_t, kCols * kRows> shown_;  ///< what the stream has shown of each cell
  int row_ = 0, col_ = 0;
  bool pending_ = false;
  bool moved_ = false;  ///< the cursor moved (AH=02h, AH=13h) since the stream last followed it
  /// The stream's open line: has text (ended by the next newline) and belongs to screen row `open_row_`.
  bool open_ = false;
  int open_row_ = 0;
};

}  // namespace bootsim
