#include "firmware/stop_reason.h"

namespace bootsim {

const char* stop_reason_name(StopReason r) {
  switch (r) {
    case StopReason::kNone: return "none";
    case StopReason::kTimeLimit: return "time_limit";
    case StopReason::kNbpReturned: return "nbp_returned";
    case StopReason::kBootFailed: return "boot_failed";
    case StopReason::kHandoff: return "handoff";
    case StopReason::kReset: return "reset";
    case StopReason::kGuestFault: return "guest_fault";
    case StopReason::kRomFailed: return "rom_failed";
    case StopReason::kInternalError: return "internal_error";
  }
  return "?";
}

}  // namespace bootsim
