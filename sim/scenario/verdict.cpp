#include "sim/scenario/verdict.h"

#include <algorithm>

#include "sim/core/errors.h"

namespace bootsim::scenario {

const char* to_string(VerdictStatus s) {
  switch (s) {
    case VerdictStatus::kPass: return "pass";
    case VerdictStatus::kFail: return "fail";
    case VerdictStatus::kSkip: return "skip";
    case VerdictStatus::kError: return "error";
  }
  return "error";
}

int exit_code(int so_far, const Verdict& v) {
  switch (v.status) {
    case VerdictStatus::kPass:
    case VerdictStatus::kSkip: return so_far;
    case VerdictStatus::kFail: return std::max(so_far, int{kExitExpectationFailed});
    case VerdictStatus::kError:
      return std::max(so_far, v.internal_error() ? int{kExitInternalError} : int{kExitGuestFault});
  }
  return std::max(so_far, int{kExitInternalError});
}

}  // namespace bootsim::scenario
