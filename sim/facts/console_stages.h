// iPXE's progress as it prints it: the stages one machine's console output shows (iPXE init, banner, Ctrl-B
// prompt, "Configuring (net0 …)", downloads, boot messages), each with its outcome ("ok", or failed with
// iPXE's message). Derived once here; expectations (phase ipxe-init) and reports read the result.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bootsim::facts {

/// An interval of a machine's boot, as the trace shows it.
struct Stage {
  std::string machine;
  std::string source;   ///< "model" (phase events), "console" (derived from output), "network" (transactions)
  std::string name;     ///< machine-readable: rom_dhcp, ipxe_init, banner, ctrl_b_prompt, configuring,
                        ///< download, dhcp, tftp, http, handoff, or a phase event's own name
  std::string label;    ///< human text, e.g. "configuring net0", "download tftp://10.0.2.2/x"
  std::int64_t start_ns = 0, end_ns = 0;
  std::string outcome;  ///< "ok", "failed", "unfinished" (still open at the end of the trace) or ""
  std::string detail;   ///< e.g. the failure text iPXE printed
};

/// Fed one machine's console bursts in time order, appends the stages they show to `out`.
class ConsoleStages {
 public:
  ConsoleStages(std::string machine, std::vector<Stage>* out) : machine_(std::move(machine)), out_(out) {}

  /// One console event's text (the raw bytes iPXE wrote), written at `t`.
  void feed(const std::string& text, std::int64_t t);
  /// Closes what is still open at `end` (the end of the trace): "unfinished".
  void finish(std::int64_t end);

 private:
  void open(const std::string& name, const std::string& label, std::int64_t t);
  void open_instant(const std::string& name, const std::string& label, std::int64_t t);
  void close(std::int64_t t, const std::string& outcome, const std::string& detail);
  void close_result(std::string& pending, std::int64_t t);

  std::string machine_;
  std::vector<Stage>* out_;
  size_t current_ = SIZE_MAX;
  bool awaiting_ = false, banner_open_ = false, prompt_open_ = false;
  std::int64_t banner_end_ = 0;
  size_t message_of_ = SIZE_MAX;  ///< the failed stage whose message line is not finished yet
  std::string message_;           ///< that line so far
};

}  // namespace bootsim::facts
