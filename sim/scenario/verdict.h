// A verdict: one expectation (or the run itself) judged against a trace. The one type the runner makes,
// the CLI prints and the reports show; the exit code of a run is computed from these (exit_code()).
#pragma once

#include <ostream>
#include <string>

#include "sim/scenario/scenario.h"

namespace bootsim::scenario {

enum class VerdictStatus {
  kPass,
  kFail,
  kSkip,   ///< not judged: the variant was skipped or interrupted
  kError,  ///< the run itself broke: a guest fault no expectation foresaw, or bootsim failed (see `fault`)
};
/// "pass", "fail", "skip", "error": as report.json and junit.xml spell them.
const char* to_string(VerdictStatus s);
inline std::ostream& operator<<(std::ostream& os, VerdictStatus s) { return os << to_string(s); }

struct Verdict {
  std::string expectation;  ///< describe(expectation), or kRunsWithoutFault
  VerdictStatus status = VerdictStatus::kFail;
  std::string evidence;     ///< what in the trace decided it
  SourceLocation where;     ///< line 0 for the run's own verdict, which no line of the file wrote
  /// With kError: the fault's kind as the trace names it ("watchdog", "invalid_opcode", "unmapped_access",
  /// …, GuestFault::kind()), or "internal_error" when bootsim failed.
  std::string fault = {};
  /// The verdict judge() adds on the run itself (kRunsWithoutFault), not one of the file's expectations.
  bool about_run = false;

  bool internal_error() const { return status == VerdictStatus::kError && fault == "internal_error"; }
};

/// The verdict judge() adds on the run itself (a test case of its own for CI).
inline constexpr const char* kRunsWithoutFault = "runs without a guest fault";

/// kPass when `ok`, else kFail.
inline VerdictStatus pass_if(bool ok) { return ok ? VerdictStatus::kPass : VerdictStatus::kFail; }

/// The exit code verdicts deserve (DESIGN.md "Exit codes"), by severity: kExitInternalError when bootsim
/// failed, over kExitGuestFault for a fault no expectation foresaw, over kExitExpectationFailed; else kExitOk.
int exit_code(int so_far, const Verdict& v);

}  // namespace bootsim::scenario
