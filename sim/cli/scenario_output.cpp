#include "sim/cli/scenario_output.h"

#include <cstdio>

#include "sim/guest_fault.h"

namespace bootsim::cli {

int print_verdicts(const ScenarioOutcome& o) {
  int rc = kExitOk;
  for (const auto& v : o.variants) {
    if (!v.skip_reason.empty()) {
      std::printf("  [%s] SKIP  %s\n", v.name.c_str(), v.skip_reason.c_str());
      continue;
    }
    std::printf("  [%s] ran %s virtual in %.2f s wall, ended: %s\n", v.name.c_str(), format_time(v.result.end_time).c_str(),
                v.wall_seconds, stop_reason_name(v.result.reason));
    bool fault_covered = false;
    for (const auto& verdict : v.verdicts) {
      const char* tag = verdict.status == "pass" ? "PASS" : verdict.status == "skip" ? "SKIP" : "FAIL";
      std::printf("  [%s] %s  %s — %s\n", v.name.c_str(), tag, verdict.expectation.c_str(), verdict.evidence.c_str());
      if (verdict.status == "fail" && rc == kExitOk) rc = kExitExpectationFailed;
      if (verdict.expectation.find("guest_fault") != std::string::npos) fault_covered = true;
    }
    if (v.result.reason == StopReason::kGuestFault && !fault_covered) {
      std::printf("  [%s] FAULT %s\n", v.name.c_str(), v.result.detail.c_str());
      rc = kExitGuestFault;
    }
    if (v.result.reason == StopReason::kInternalError) rc = kExitInternalError;
    std::printf("  [%s] trace %s, console %s, pcap %s\n", v.name.c_str(), v.trace_path.c_str(), v.console_path.c_str(),
                v.pcap_path.c_str());
  }
  std::fflush(stdout);
  return rc;
}

}  // namespace bootsim::cli
