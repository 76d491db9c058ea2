// The text screen behind INT 10h (firmware/text_screen.h) and the console stream it derives: teletype
// bytes pass through unchanged, placed writes (09h + cursor moves, 13h, video-memory stores) reach the
// stream as whole rows when the screen is synchronised, and the one renderer (sim/machine/console.h) turns
// that stream into the lines expectations match.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "firmware/text_screen.h"
#include "sim/machine/console.h"

namespace bootsim {
namespace {

using ::testing::ElementsAre;

struct Screen {
  std::string stream;
  TextScreen s{[this](std::uint8_t ch) { stream += static_cast<char>(ch); }};
  void tty(const std::string& bytes) {
    for (char c : bytes) s.teletype(static_cast<std::uint8_t>(c));
  }
  /// GRUB's putchar for a printable character: 09h at the cursor, then 02h one column on.
  void grub_print(const std::string& text) {
    for (char c : text) {
      s.place(static_cast<std::uint8_t>(c), 0x07, 1);
      s.set_cursor(s.row(), s.col() + 1);
    }
  }
  std::vector<std::string> lines() const { return Console::render(stream); }
};

TEST(TextScreen, TeletypeBytesAreTheStreamUnchanged) {
  Screen t;
  t.tty("AB\bC\r\nX\a\n12345\r9\n");
  EXPECT_EQ(t.stream, "AB\bC\r\nX\a\n12345\r9\n");
  EXPECT_EQ(t.s.row(), 3);
  EXPECT_EQ(t.s.col(), 1);  // after "9", then a bare LF
  EXPECT_EQ(t.s.row_text(0), "AC");
  EXPECT_EQ(t.s.row_text(2), "912345");  // a bare LF keeps the column, as a BIOS teletype does
}

TEST(TextScreen, IpxeColourRewriteBeforeEachCharacterAddsNothingToTheStream) {
  // iPXE writes the character with its attribute (09h), then prints the same character by teletype.
  Screen t;
  for (char c : std::string("iPXE 1.0\r\n")) {
    if (c >= ' ') t.s.place(static_cast<std::uint8_t>(c), 0x0F, 1);
    t.s.teletype(static_cast<std::uint8_t>(c));
  }
  t.s.sync();
  EXPECT_EQ(t.stream, "iPXE 1.0\r\n");
  EXPECT_EQ(t.s.cell(0, 0), 0x0F00 | 'i');
}

TEST(TextScreen, GrubStylePlacedCharactersBecomeTheLineTheirCrLfEnds) {
  Screen t;
  t.grub_print("Welcome to GRUB!");
  t.tty("\r\n");
  t.grub_print("error: no such device.");
  t.tty("\r\n");
  EXPECT_THAT(t.lines(), ElementsAre("Welcome to GRUB!", "error: no such device."));
}

TEST(TextScreen, AMenuDrawnWithCursorMovesReachesTheStreamRowByRowAtSync) {
  Screen t;
  t.tty("Loading\r\n");
  t.s.scroll(true, 0, 0, 0, 24, 79, 0x07);  // clear: not text
  t.s.set_cursor(1, 30);
  t.grub_print("GNU GRUB  version 2.06");
  t.s.set_cursor(3, 2);
  t.grub_print("*Sentinel kernel");
  t.s.set_cursor(20, 5);
  t.grub_print("The highlighted entry will be executed automatically in 5s.");
  t.s.set_cursor(3, 3);  // the cursor rests on the selected entry
  t.s.sync();
  EXPECT_EQ(t.s.pending(), false);
  // A second sync with nothing new writes nothing.
  std::string before = t.stream;
  t.s.sync();
  EXPECT_EQ(t.stream, before);
  // The countdown is redrawn on its row: a new line each time it changes.
  t.s.set_cursor(20, 5);
  t.grub_print("The highlighted entry will be executed automatically in 4s.");
  t.s.set_cursor(3, 3);
  t.s.sync();
  EXPECT_THAT(t.lines(), ElementsAre("Loading", "                              GNU GRUB  version 2.06",
                                     "     The highlighted entry will be executed automatically in 5s.",
                                     "  *Sentinel kernel",
                                     "     The highlighted entry will be executed automatically in 4s.",
                                     "  *Sentinel kernel"));
}

TEST(TextScreen, TeletypeAfterACursorMoveContinuesOnTheCursorRow) {
  Screen t;
  t.tty("first");
  t.s.set_cursor(5, 3);
  t.tty("xyz\r\n");
  EXPECT_THAT(t.lines(), ElementsAre("first", "   xyz"));
}

TEST(TextScreen, WriteStringAndVideoMemoryStoresArePlacedText) {
  Screen t;
  t.s.write_string("Hi\r\nthere", "", 0x1F, 2, 4, false);
  EXPECT_EQ(t.s.row(), 0);  // AL bit 0 clear: the cursor stays
  EXPECT_EQ(t.s.cell(2, 4), 0x1F00 | 'H');
  EXPECT_EQ(t.s.cell(3, 0), 0x1F00 | 't');
  std::vector<std::uint8_t> mem(t.s.cells(), t.s.cells() + TextScreen::kBytes);
  const std::string direct = "B8000";
  for (size_t i = 0; i < direct.size(); ++i) mem[(10 * 80 + i) * 2] = static_cast<std::uint8_t>(direct[i]);
  t.s.load_cells(mem.data());
  t.s.sync();
  EXPECT_THAT(t.lines(), ElementsAre("    Hi", "there", "B8000"));
}

TEST(TextScreen, GlyphsInTheControlRangeAreWrittenAsAsciiPictures) {
  Screen t;
  t.s.set_cursor(4, 0);
  t.s.place(0x18, 0x07, 1);  // CP437 up arrow
  t.s.set_cursor(4, 1);
  t.s.place('\n', 0x07, 1);  // a glyph, not a line feed
  t.s.set_cursor(0, 0);
  t.s.sync();
  EXPECT_THAT(t.lines(), ElementsAre("^."));
}

TEST(TextScreen, TeletypeScrollsAtTheBottomAndKeepsWhatWasShown) {
  Screen t;
  for (int i = 0; i < 30; ++i) t.tty("line " + std::to_string(i) + "\r\n");
  EXPECT_EQ(t.s.row(), 24);
  EXPECT_EQ(t.s.row_text(23), "line 29");
  t.s.sync();  // scrolling moved shown text with the cells: nothing to write
  EXPECT_EQ(t.lines().size(), 30u);
}

}  // namespace
}  // namespace bootsim
