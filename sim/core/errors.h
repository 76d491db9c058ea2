// Errors, sorted by whose fault they are (STYLE.md §7).
#pragma once

#include <stdexcept>
#include <string>

namespace bootsim {

/// The guest did something a real machine would not survive or we refuse to serve: an unmapped access,
/// an invalid opcode, a PXE call with a pointer outside memory. Stops that machine, never the host.
class GuestFault : public std::runtime_error {
 public:
  GuestFault(std::string kind, const std::string& what) : std::runtime_error(what), kind_(std::move(kind)) {}
  /// Short machine-readable class: "unmapped_access", "invalid_opcode", "bad_pointer", "watchdog", …
  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;
};

/// Bad user input (scenario, command line, missing file): exit code 2 with a located message.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Exit codes of every bootsim command (DESIGN.md "Interfaces").
enum ExitCode : int {
  kExitOk = 0,
  kExitExpectationFailed = 1,
  kExitInvalidInput = 2,
  kExitGuestFault = 3,
  kExitInternalError = 4,
};

}  // namespace bootsim
