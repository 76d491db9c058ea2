// The console renderer (sim/machine/console.h) as the firmware drives it: a BIOS text screen, one byte one
// cell. What it renders is what stdout echoes and what console expectations match, so each rule is pinned
// here: newline, carriage return, backspace and iPXE's "\b \b" erase, the bytes it ignores, and the bytes it
// keeps as cells (tabs, escape sequences, Latin-1 and UTF-8 bytes). The raw stream keeps every byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/machine/console.h"

namespace bootsim {
namespace {

/// Writes `bytes` one at a time at 1 µs apart from `start_us`.
void put_all(Console& c, const std::string& bytes, std::int64_t start_us = 0) {
  std::int64_t t = start_us;
  for (char ch : bytes) c.put(static_cast<std::uint8_t>(ch), SimTime::from_ns(1000 * t++));
}

std::vector<std::string> texts(const Console& c) {
  std::vector<std::string> out;
  for (const auto& l : c.lines()) out.push_back(l.text);
  return out;
}

TEST(Console, NewlineCompletesALineAndReportsItWithTheTimeOfItsFirstByte) {
  Console c;
  std::vector<Console::Line> seen;
  c.on_line([&](const Console::Line& l) { seen.push_back(l); });
  put_all(c, "one\r\ntwo\nthr", 100);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].text, "one");
  EXPECT_EQ(seen[0].t, SimTime::from_ns(100000));
  EXPECT_EQ(seen[1].text, "two");
  EXPECT_EQ(seen[1].t, SimTime::from_ns(105000));  // "one\r\n" took 5 bytes
  EXPECT_EQ(c.current_line(), "thr");
  EXPECT_EQ(c.screen_text(), "one\ntwo\nthr");
}

TEST(Console, CarriageReturnOverwritesFromTheStartOfTheLine) {
  Console c;
  put_all(c, "Loading....\rOK\n");
  EXPECT_EQ(texts(c), (std::vector<std::string>{"OKading...."}));
}

TEST(Console, BackspaceSpaceBackspaceErasesAsIpxeDoesForItsCtrlBPrompt) {
  // iPXE erases "Press Ctrl-B for the iPXE command line..." with one "\b \b" per character.
  std::string prompt = "Press Ctrl-B for the iPXE command line...";
  std::string erase;
  for (size_t i = 0; i < prompt.size(); ++i) erase += "\b \b";
  Console c;
  put_all(c, prompt + erase + "\n");
  EXPECT_EQ(texts(c), (std::vector<std::string>{""}));  // the blanks erasing leaves are not text
  EXPECT_EQ(c.raw(), prompt + erase + "\n");              // the raw stream keeps all of it
}

TEST(Console, BackspaceMovesTheCursorWithoutErasingAndStopsAtColumnZero) {
  Console c;
  put_all(c, "\b\babc\bX\n");  // two backspaces at column 0 do nothing
  put_all(c, "abc\b\n");       // a backspace alone erases nothing
  EXPECT_EQ(texts(c), (std::vector<std::string>{"abX", "abc"}));
}

TEST(Console, BellAndNulAreNotCellsButStayInTheRawStream) {
  Console c;
  put_all(c, std::string("a\ab\0c\n", 7));
  EXPECT_EQ(texts(c), (std::vector<std::string>{"abc"}));
  EXPECT_EQ(c.raw().size(), 7u);
}

TEST(Console, TabIsOneCellNotExpandedToSpaces) {
  Console c;
  put_all(c, "a\tb\n");
  EXPECT_EQ(texts(c), (std::vector<std::string>{"a\tb"}));
}

TEST(Console, EscapeSequencesAreNotInterpretedTheirBytesAreCells) {
  // iPXE's BIOS console does not send ANSI erase sequences to INT 10h (it writes "\b \b"); the renderer does
  // not interpret them, so an "erase line" leaves its bytes in the text.
  Console c;
  put_all(c, "abc\x1b[2K\rxy\n");
  EXPECT_EQ(texts(c), (std::vector<std::string>{"xyc\x1b[2K"}));
}

TEST(Console, OtherControlCharactersAreCells) {
  Console c;
  put_all(c, "a\x01\x1f\x7f" "b\n");
  EXPECT_EQ(texts(c), (std::vector<std::string>{"a\x01\x1f\x7f" "b"}));
}

TEST(Console, ALatin1ByteIsOneCellSoBackspaceErasesIt) {
  Console c;
  put_all(c, "caf\xe9\b \b\xe8\n");
  EXPECT_EQ(texts(c), (std::vector<std::string>{"caf\xe8"}));
}

TEST(Console, UTF8BytesAreOneCellEachAsOnABiosScreen) {
  // "é" in UTF-8 is two bytes, so two cells: one "\b \b" erases only its second byte.
  Console c;
  put_all(c, "caf\xc3\xa9\n");
  put_all(c, "caf\xc3\xa9\b \b\n");
  put_all(c, "caf\xc3\xa9\b \b\b \b\n");
  EXPECT_EQ(texts(c), (std::vector<std::string>{"caf\xc3\xa9", "caf\xc3", "caf"}));
}

TEST(Console, TrailingBlanksAreTrimmedOnlyWhenTheLineCompletes) {
  Console c;
  put_all(c, "ab  ");
  EXPECT_EQ(c.current_line(), "ab  ");
  put_all(c, "\n");
  EXPECT_EQ(texts(c), (std::vector<std::string>{"ab"}));
}

}  // namespace
}  // namespace bootsim
