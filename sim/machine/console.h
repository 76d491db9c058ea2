// The guest console: the raw byte stream the firmware wrote through INT 10h, and the rendered screen
// text (backspace and CR applied) that stdout and expectations use (DESIGN.md "Console").
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/core/sim_time.h"

namespace bootsim {

class Console {
 public:
  struct Line {
    SimTime t;         ///< when the line's first character was written
    std::string text;  ///< rendered text, without the newline
  };

  /// Appends one byte written at `now`.
  void put(std::uint8_t ch, SimTime now);
  /// Appends every byte of `bytes`, all written at `now` (a console event of the trace, replayed).
  void write(const std::string& bytes, SimTime now);

  /// The one rendering of a console byte stream (reports, expectations and the live echo agree): its
  /// completed lines, then the current line when it holds text, each without trailing blanks.
  static std::vector<std::string> render(const std::string& raw);

  /// Everything written so far, unrendered.
  const std::string& raw() const { return raw_; }
  /// Completed rendered lines, in order.
  const std::vector<Line>& lines() const { return lines_; }
  /// The rendered line still being written (no newline yet).
  const std::string& current_line() const { return current_; }
  /// When the current line's first byte was written (meaningless while current_line() is empty).
  SimTime current_line_time() const { return line_start_; }
  /// All rendered text: completed lines joined with '\n', then the current line.
  std::string screen_text() const;

  /// Called with each completed rendered line (stdout echo).
  void on_line(std::function<void(const Line&)> fn) { line_cb_ = std::move(fn); }

 private:
  std::string raw_;
  std::vector<Line> lines_;
  std::string current_;
  size_t cursor_ = 0;
  SimTime line_start_{};
  bool line_started_ = false;
  std::function<void(const Line&)> line_cb_;
};

}  // namespace bootsim
