// JUnit XML as CI servers (Jenkins, GitLab, GitHub test reporters) read it:
//   <testsuites name tests failures skipped errors>
//     <testsuite name="SCENARIO" tests failures skipped errors>
//       <testcase classname="SCENARIO.VARIANT" name="EXPECTATION" file line>
//         <failure message="first line of evidence" type="expectation">evidence</failure>   a verdict "fail"
//         | <error message type="FAULT KIND">evidence</error>   "error": the guest faulted (watchdog, …) or bootsim failed
//         | <skipped message/>                                   "skip"
//         <system-out>rendered console of the variant</system-out>
//       </testcase>
// One testcase per verdict per variant. SCENARIO is ScenarioReport::id when set (unique per run), else the
// scenario's name. A variant without verdicts (a report made by hand) still gets one testcase, "runs
// without a guest fault", an error when its trace has a fault event, so its console is kept.
#pragma once

#include <string>
#include <vector>

#include "reports/report_model.h"

namespace bootsim::reports {

std::string render_junit(const ScenarioReport& report);
/// Several scenarios in one file: one <testsuite> each.
std::string render_junit(const std::vector<ScenarioReport>& reports, const std::string& name = "bootsim");

}  // namespace bootsim::reports
