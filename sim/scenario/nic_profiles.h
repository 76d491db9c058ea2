// The NIC profiles as data: the built-in ones are the files nicmodels/profiles/*.xml, embedded in the binary
// at build time and read by the strict scenario loader (same table, same located errors); a scenario may
// add its own with <nic-profile name="…" extends="…">.
//
//   const ProfileEntry* p = builtin_profiles().find("intel-like");   // values, sources, origin
//   LinkProfile nic = p->profile;
#pragma once

#include <string>

#include "nicmodels/profile_registry.h"

namespace bootsim::scenario {

/// The built-in profiles, read once from the embedded files in file-name order. A file that does not load
/// is a bootsim bug (the build shipped it): throws std::logic_error with the located error.
const ProfileRegistry& builtin_profiles();

/// Reads one profile file's text. `file` names it in errors ("nicmodels/profiles/x.xml:3:5: …"), `origin`
/// becomes ProfileEntry::origin. Throws ScenarioError on anything the table does not allow, a bad value, or
/// a value without a <source>.
ProfileEntry load_profile_text(const std::string& text, const std::string& file, const std::string& origin);

/// The table of every built-in profile's values (Markdown), generated into scenarios/README.md.
std::string profiles_reference_markdown();

}  // namespace bootsim::scenario
