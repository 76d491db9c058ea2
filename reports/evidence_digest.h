// Verdict evidence of a fleet, bounded: a multi-machine expectation's evidence lists every machine
// ("m01: DHCPACK accepted at 0.010 s; m02: …"), which for 100 machines is 100 repeated clauses. The
// digest groups machines whose clause reads the same apart from its numbers, one line per group:
//
//   "98/100 machines (m001, m002, … 96 more): DHCPACK accepted at 0.010205s…0.011317s"
//
// (every number that differs within a group is shown as its lowest…highest). Evidence that does not
// have the "machine: clause; machine: clause" form is returned as it is.
#pragma once

#include <string>
#include <vector>

namespace bootsim::reports {

/// At most `max_lines` lines (then one "… N more kinds of evidence" line). `machines`: the names that
/// may start a clause.
std::string digest_evidence(const std::string& evidence, const std::vector<std::string>& machines,
                            size_t max_lines = 12);

}  // namespace bootsim::reports
