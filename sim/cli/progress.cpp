#include "sim/cli/progress.h"

#include <unistd.h>

#include <cmath>

namespace bootsim::cli {

namespace {

/// "4.2 s", "3 min 05 s": a wall-clock duration for humans.
std::string wall(double s) {
  char b[40];
  if (s < 60) std::snprintf(b, sizeof b, "%.1f s", s);
  else std::snprintf(b, sizeof b, "%d min %02d s", static_cast<int>(s / 60), static_cast<int>(std::fmod(s, 60)));
  return b;
}

}  // namespace

ProgressStyle progress_style(bool quiet, int fd) {
  if (quiet) return ProgressStyle::kNone;
  return ::isatty(fd) ? ProgressStyle::kTerminal : ProgressStyle::kLines;
}

Progress::Progress(std::string what, std::size_t total, ProgressStyle style, std::FILE* out, Clock clock)
    : what_(std::move(what)), total_(total), style_(style), out_(out),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      start_(clock_()), last_line_(start_) {}

Progress::~Progress() { finish(); }

std::string Progress::status(const std::string& label, const std::string& outcome, std::int64_t reached_ns) const {
  char b[64];
  std::string s = "progress: " + std::to_string(done_) + "/" + std::to_string(total_) + " " + what_ + " done";
  if (!label.empty()) s += "; " + label + (outcome.empty() ? "" : ": " + outcome);
  if (reached_ns >= 0) {
    std::snprintf(b, sizeof b, " at %.3f s virtual", reached_ns / 1e9);
    s += b;
  }
  s += elapsed_and_eta();
  return s;
}

std::string Progress::running_status(const std::vector<RunningRun>& runs) const {
  std::string s = "progress: " + std::to_string(done_) + "/" + std::to_string(total_) + " " + what_ + " done; running ";
  char b[96];
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunningRun& r = runs[i];
    std::snprintf(b, sizeof b, " at %.3f s virtual", r.reached_ns / 1e9);
    s += (i ? ", " : "") + r.label + b;
    if (r.machines > 1) s += " (" + std::to_string(r.machines_ended) + "/" + std::to_string(r.machines) + " machines ended)";
  }
  return s + elapsed_and_eta();
}

std::string Progress::elapsed_and_eta() const {
  last_read_ = clock_();
  double elapsed = std::chrono::duration<double>(last_read_ - start_).count();
  std::string s = "; " + wall(elapsed) + " elapsed";
  // The ETA assumes the runs left take as long as the ones done did, on average.
  if (done_ > 0 && done_ < total_) s += ", about " + wall(elapsed / done_ * (total_ - done_)) + " left";
  return s;
}

void Progress::done(const std::string& label, const std::string& outcome, std::int64_t reached_ns) {
  if (style_ == ProgressStyle::kNone || finished_) return;
  ++done_;
  show(status(label, outcome, reached_ns));
}

void Progress::running(const std::vector<RunningRun>& runs) {
  if (style_ == ProgressStyle::kNone || finished_ || runs.empty()) return;
  if (style_ == ProgressStyle::kLines && clock_() - last_line_ < kQuietLines) return;
  show(running_status(runs));
}

void Progress::show(const std::string& s) {
  if (style_ == ProgressStyle::kLines) {
    std::fprintf(out_, "%s\n", s.c_str());
    last_line_ = last_read_;  // the status's own reading: the clock is read once per status
  } else {
    std::fprintf(out_, "\r\x1b[K%s", s.c_str());  // back to the line's start, erase it, draw
    drawn_ = true;
  }
  std::fflush(out_);
}

void Progress::clear() {
  if (!drawn_) return;
  drawn_ = false;
  std::fprintf(out_, "\r\x1b[K");
  std::fflush(out_);
}

void Progress::finish() {
  clear();
  finished_ = true;
}

}  // namespace bootsim::cli
