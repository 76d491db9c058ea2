// Live progress of long commands (`scenario`, `sweep`, `bench`) on stderr: how many of the runs (variants,
// cells, measurements) have finished, the virtual time the last one reached, and an ETA.
//
//   Progress p("cells", 20, progress_style(quiet));
//   p.done("autoneg=2s stock", "pass", reached);   // as each run ends
//
// On a terminal one status line is redrawn in place ("\r", erase line) and cleared at the end; otherwise
// one plain line per finished run (a CI log); with -q nothing. It is for the user only: it never writes
// stdout or an artifact, and nothing in it reaches the simulation. The wall clock is read only for the
// ETA (and the elapsed time shown next to it).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace bootsim::cli {

/// A run still going, as its worker last said (scenario::JobRunning, with its label made).
struct RunningRun {
  std::string label;
  std::int64_t reached_ns = 0;  ///< the virtual time its boot has reached
  std::uint32_t machines = 0, machines_ended = 0;
};

enum class ProgressStyle {
  kNone,      ///< -q: print nothing
  kLines,     ///< stderr is not a terminal: one line per finished run
  kTerminal,  ///< stderr is a terminal: a status line redrawn in place
};

/// kNone when `quiet`, else kTerminal when `fd` is a terminal, else kLines.
ProgressStyle progress_style(bool quiet, int fd = 2);

class Progress {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;
  /// `what`: the runs' name in the plural ("variants", "cells", "runs"); `total`: how many there will be.
  /// `clock`: wall time for the ETA (tests give their own).
  Progress(std::string what, std::size_t total, ProgressStyle style, std::FILE* out = stderr, Clock clock = {});
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// One run ended: `label` names it ("stock", "autoneg=2s stock"), `outcome` says how ("pass",
  /// "handoff", may be ""), `reached_ns` the virtual time its boot reached (< 0: not known).
  void done(const std::string& label, const std::string& outcome, std::int64_t reached_ns);
  /// Whether anything is printed at all (not -q): callers need not gather what would not be shown.
  bool shown() const { return style_ != ProgressStyle::kNone; }
  /// Runs still going (called about once a second; a 100-machine variant takes a minute): the status
  /// line on a terminal; a plain line when nothing was printed for kQuietLines; nothing when `runs`
  /// is empty.
  void running(const std::vector<RunningRun>& runs);
  static constexpr std::chrono::seconds kQuietLines{10};
  /// Erases the terminal's status line, before the command prints to stdout (which may be the same
  /// terminal); the next done() draws it again.
  void clear();
  /// clear(), for good (also done by the destructor): later calls print nothing.
  void finish();

  /// The text of the status after `done` runs ended (no "\r", no newline): what both styles print.
  std::string status(const std::string& label, const std::string& outcome, std::int64_t reached_ns) const;
  /// The text running() prints for `runs` (no "\r", no newline).
  std::string running_status(const std::vector<RunningRun>& runs) const;

 private:
  std::string what_;
  std::size_t total_, done_ = 0;
  ProgressStyle style_;
  std::FILE* out_;
  Clock clock_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_line_;  ///< when the last plain line was printed (kLines)
  mutable std::chrono::steady_clock::time_point last_read_;  ///< the clock as the last status read it
  bool drawn_ = false, finished_ = false;
  /// Prints `s` in this style.
  void show(const std::string& s);
  /// "; 4.2 s elapsed, about 23.2 s left": the tail of both statuses.
  std::string elapsed_and_eta() const;
};

}  // namespace bootsim::cli
