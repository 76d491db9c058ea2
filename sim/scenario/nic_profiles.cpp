#include "sim/scenario/nic_profiles.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "nic_profile_files.h"  // generated: kEmbeddedProfileFiles (sim/scenario/CMakeLists.txt)
#include "sim/scenario/loader.h"

namespace bootsim::scenario {

namespace {

ProfileRegistry read_builtin() {
  ProfileRegistry r;
  for (const auto& f : kEmbeddedProfileFiles) {
    ProfileEntry e;
    try {
      e = load_profile_text(f.text, f.path, std::string("built-in (") + f.path + ", embedded at build time)");
    } catch (const ScenarioError& err) {
      throw std::logic_error(std::string("built-in NIC profile: ") + err.what());
    }
    if (!r.add(e)) throw std::logic_error(std::string(f.path) + ": a second profile named " + e.profile.name);
  }
  if (!r.find("generic")) throw std::logic_error("no built-in NIC profile named generic (nicmodels/profiles/generic.xml)");
  return r;
}

std::string cell(std::string s) {
  for (size_t i = 0; (i = s.find('|', i)) != std::string::npos; i += 2) s.replace(i, 1, "\\|");
  return s;
}

}  // namespace

const ProfileRegistry& builtin_profiles() {
  static const ProfileRegistry registry = read_builtin();
  return registry;
}

std::string profiles_reference_markdown() {
  const auto& entries = builtin_profiles().entries();
  std::ostringstream md;
  md << "| Field |";
  for (const auto& e : entries) md << " `" << e.profile.name << "` |";
  md << "\n|---|";
  for (size_t i = 0; i < entries.size(); ++i) md << "---|";
  md << "\n";
  for (const ProfileField& f : profile_fields()) {
    md << "| `" << f.name << "` |";
    for (const auto& e : entries) md << " `" << format_profile_value(e.profile, f) << "` |";
    md << "\n";
  }
  md << "\nSources of the values:\n\n";
  for (const auto& e : entries) {
    md << "* **" << e.profile.name << "** (" << cell(e.profile.description) << "; `nicmodels/profiles/" << e.profile.name
       << ".xml`):\n";
    // Fields that share a source are listed together, in field order.
    std::vector<std::pair<std::string, std::vector<std::string>>> by_source;
    for (const ProfileField& f : profile_fields()) {
      std::string src = e.source_of(f.name);
      auto it = std::find_if(by_source.begin(), by_source.end(), [&](const auto& p) { return p.first == src; });
      if (it == by_source.end()) by_source.push_back({src, {f.name}});
      else it->second.push_back(f.name);
    }
    for (const auto& [src, fields] : by_source) {
      md << "  - ";
      for (size_t i = 0; i < fields.size(); ++i) md << (i ? ", " : "") << "`" << fields[i] << "`";
      md << ": " << src << "\n";
    }
  }
  return md.str();
}

}  // namespace bootsim::scenario
