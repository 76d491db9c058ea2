// JUnit XML as CI servers (Jenkins, GitLab, GitHub test reporters) read it:
//   <testsuites name tests failures skipped>
//     <testsuite name="SCENARIO" tests failures skipped errors="0">
//       <testcase classname="SCENARIO.VARIANT" name="EXPECTATION">
//         <failure message="first line of evidence" type="expectation">evidence</failure> | <skipped message/>
//         <system-out>rendered console of the variant</system-out>
//       </testcase>
// One testcase per expectation per variant. A variant without expectations still gets one testcase,
// "run completes", failing when the run ended in a fault or internal error, so its console is kept.
#pragma once

#include <string>
#include <vector>

#include "reports/report_model.h"

namespace bootsim::reports {

std::string render_junit(const ScenarioReport& report);
/// Several scenarios in one file: one <testsuite> each.
std::string render_junit(const std::vector<ScenarioReport>& reports, const std::string& name = "bootsim");

}  // namespace bootsim::reports
