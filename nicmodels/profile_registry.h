// NIC profiles by name: the fields a profile sets (one table, so the loader, `bootsim profiles` and the
// generated README table agree on names, units and descriptions), and a registry of profiles with where
// each one and each of its values comes from.
//
//   ProfileRegistry r = scenario::builtin_profiles();      // the files in nicmodels/profiles/
//   const ProfileEntry* e = r.find("broadcom-like");
//   for (const ProfileField& f : profile_fields())
//     printf("%s = %s (%s)\n", f.name, format_profile_value(e->profile, f).c_str(), e->source_of(f.name).c_str());
#pragma once

#include <map>
#include <string>
#include <vector>

#include "nicmodels/link_profile.h"

namespace bootsim {

/// One value of a LinkProfile as a profile file writes it: `autoneg="12.5s"`.
struct ProfileField {
  enum class Kind { kHex16, kHex8, kBitRate, kIrq, kBool, kDuration };
  const char* name;         ///< attribute name in profile files and <nic-profile>
  Kind kind;
  const char* description;  ///< one line, for schema docs and `bootsim profiles`
};

/// Every field a profile sets, in documentation order.
const std::vector<ProfileField>& profile_fields();
/// The field's value with its unit, as a profile file would write it ("0x14e4", "1Gbps", "12.5s", "true").
std::string format_profile_value(const LinkProfile& p, const ProfileField& f);

/// A profile and its provenance.
struct ProfileEntry {
  LinkProfile profile;
  /// Where the profile is defined: "built-in (nicmodels/profiles/intel-like.xml, embedded at build time)"
  /// or "FILE:LINE" for a scenario's own <nic-profile>.
  std::string origin;
  std::string extends;                          ///< the profile it starts from; "" for a built-in one
  std::map<std::string, std::string> sources;   ///< field name -> where its value comes from
  bool builtin = false;

  /// The source of one field's value; "" when none is recorded.
  std::string source_of(const std::string& field) const;
};

/// Profiles by name, in the order they were added. A plain value: copy it to extend it.
class ProfileRegistry {
 public:
  /// Adds `e`; returns false (and adds nothing) when a profile of that name exists.
  bool add(ProfileEntry e);
  /// nullptr for an unknown name.
  const ProfileEntry* find(const std::string& name) const;
  std::vector<std::string> names() const;
  const std::vector<ProfileEntry>& entries() const { return entries_; }

 private:
  std::vector<ProfileEntry> entries_;
};

}  // namespace bootsim
