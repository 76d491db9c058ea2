// `bootsim profiles [SCENARIO] [--format text|json]`: every NIC profile with all its values, their units
// and where each value comes from: the built-in ones (nicmodels/profiles/*.xml, embedded at build time) and,
// given a scenario, that scenario's own <nic-profile>s.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "sim/cli/colour.h"
#include "sim/cli/commands.h"
#include "sim/cli/scenario_output.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/nic_profiles.h"

namespace bootsim::cli {

namespace {

struct ProfilesOptions {
  std::string scenario;
  std::string format = "text";
};

nlohmann::json to_json(const ProfileEntry& e) {
  nlohmann::json values = nlohmann::json::array();
  for (const ProfileField& f : profile_fields())
    values.push_back({{"field", f.name}, {"value", format_profile_value(e.profile, f)}, {"description", f.description},
                      {"source", e.source_of(f.name)}});
  nlohmann::json j{{"name", e.profile.name}, {"description", e.profile.description}, {"source", e.profile.source},
                   {"origin", e.origin}, {"builtin", e.builtin}, {"values", values}};
  if (!e.extends.empty()) j["extends"] = e.extends;
  return j;
}

void print_text(const ProfileEntry& e) {
  std::printf("%s — %s\n", paint(e.profile.name, Tone::kPass).c_str(), e.profile.description.c_str());
  std::printf("  from: %s%s\n", e.origin.c_str(), e.extends.empty() ? "" : (", extends " + e.extends).c_str());
  size_t width = 0;
  for (const ProfileField& f : profile_fields()) width = std::max(width, std::string(f.name).size());
  for (const ProfileField& f : profile_fields())
    std::printf("  %-*s %-8s %s\n", static_cast<int>(width), f.name, format_profile_value(e.profile, f).c_str(),
                e.source_of(f.name).c_str());
}

int run(const ProfilesOptions& o) {
  std::vector<ProfileEntry> all = scenario::builtin_profiles().entries();
  if (!o.scenario.empty()) {
    scenario::Scenario s = scenario::load_scenario(resolve_scenario(o.scenario), load_options(/*allow_servers=*/true));
    all.insert(all.end(), s.nic_profiles.begin(), s.nic_profiles.end());
  }
  if (o.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& e : all) j.push_back(to_json(e));
    std::printf("%s\n", nlohmann::json{{"profiles", j}}.dump(2).c_str());
  } else {
    for (size_t i = 0; i < all.size(); ++i) {
      if (i) std::printf("\n");
      print_text(all[i]);
    }
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

void add_profiles_command(CLI::App& app, int& result) {
  auto opts = std::make_shared<ProfilesOptions>();
  CLI::App* cmd = app.add_subcommand("profiles", "List the NIC profiles with every value, its unit and its source");
  cmd->add_option("scenario", opts->scenario, "also list this scenario's own <nic-profile>s (a path or a bare name)");
  cmd->add_option("--format", opts->format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([opts, &result] { result = run(*opts); });
}

}  // namespace bootsim::cli
