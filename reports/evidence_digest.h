// Verdict evidence of a fleet, bounded: a multi-machine expectation's evidence lists every machine
// ("m01: DHCPACK accepted at 0.010 s; m02: …"), which for 100 machines is 100 repeated clauses. The
// digest groups machines whose clause reads the same apart from its numbers, one line per group:
//
//   "98/100 machines (m001, m002, … 96 more): DHCPACK accepted at 0.010205s…0.011317s"
//
// (every number that differs within a group is shown as its lowest…highest). Evidence that does not
// have the "machine: clause; machine: clause" form is returned as it is.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/scenario/verdict.h"

namespace bootsim::reports {

/// At most `max_lines` lines (then one "… N more kinds of evidence" line). `machines`: the names that
/// may start a clause.
std::string digest_evidence(const std::string& evidence, const std::vector<std::string>& machines,
                            size_t max_lines = 12);

/// Verdicts as a fleet shows them. A group's expectation (`<expect machine="x11-{n}">`) is judged once per
/// machine ("x11-01: at least …", all from one line of the file): consecutive ones with the same status and
/// the same text after the machine's name are one entry, named by that text, with their evidence joined
/// ("x11-01: …; x11-02: …") for digest_evidence over `machines`. Any other verdict is an entry of its own.
struct VerdictGroup {
  const scenario::Verdict* first = nullptr;  ///< status, fault and line of them all
  size_t count = 1;                          ///< verdicts in the entry
  std::string expectation;
  std::string evidence;
  std::vector<std::string> machines;         ///< the entry's machines; empty for a verdict of its own
};
/// `machines`: the variant's machine names (a verdict is a machine's when its text starts "<name>: ").
std::vector<VerdictGroup> group_verdicts(const std::vector<scenario::Verdict>& verdicts,
                                         const std::vector<std::string>& machines);

/// The machine a verdict is about: the one whose "<name>: " starts its expectation (a group's expectation
/// is judged once per machine, "x11-01: at least …"; the longest name, as one may prefix another), or ""
/// for a verdict on the whole variant.
std::string verdict_machine(const scenario::Verdict& v, const std::vector<std::string>& machines);

}  // namespace bootsim::reports
