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

namespace bootsim::cli {

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
  /// Erases the terminal's status line, before the command prints to stdout (which may be the same
  /// terminal); the next done() draws it again.
  void clear();
  /// clear(), for good (also done by the destructor): later calls print nothing.
  void finish();

  /// The text of the status after `done` runs ended (no "\r", no newline): what both styles print.
  std::string status(const std::string& label, const std::string& outcome, std::int64_t reached_ns) const;

 private:
  std::string what_;
  std::size_t total_, done_ = 0;
  ProgressStyle style_;
  std::FILE* out_;
  Clock clock_;
  std::chrono::steady_clock::time_point start_;
  bool drawn_ = false, finished_ = false;
};

}  // namespace bootsim::cli
