// `bootsim list [--format text|json]`: the scenarios bootsim ships and those in the current directory,
// each with its description and variants, so a new user sees what there is to run.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "sim/cli/commands.h"
#include "sim/cli/scenario_output.h"
#include "sim/core/errors.h"
#include "sim/scenario/loader.h"

namespace bootsim::cli {

namespace fs = std::filesystem;

namespace {

/// The *.xml files of `dir` whose root element is <scenario>, sorted by name: a JUnit file or a
/// pcap-to-XML export beside the scenarios is not one.
std::vector<fs::path> scenario_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file(ec) || e.path().extension() != ".xml") continue;
    pugi::xml_document doc;
    if (doc.load_file(e.path().c_str(), pugi::parse_minimal) && std::string(doc.document_element().name()) == "scenario")
      out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

nlohmann::json describe(const fs::path& file) {
  nlohmann::json j{{"file", file.string()}, {"name", file.stem().string()}};
  try {
    scenario::Scenario s = scenario::load_scenario(file.string(), load_options(/*allow_servers=*/true));
    j["name"] = s.name;
    j["description"] = s.description;
    nlohmann::json variants = nlohmann::json::array();
    for (const auto& v : s.variants) {
      nlohmann::json vj{{"name", v.name}, {"description", v.description}};
      if (!v.skip_reason.empty()) vj["skipped"] = v.skip_reason;
      variants.push_back(vj);
    }
    j["variants"] = variants;
  } catch (const InputError& e) {
    j["error"] = e.what();  // listed anyway: `bootsim check` tells more
  }
  return j;
}

void print_text(const std::string& title, const nlohmann::json& group) {
  std::printf("%s:\n", title.c_str());
  if (group.empty()) std::printf("  (none)\n");
  for (const auto& s : group) {
    std::printf("  %s\n", s["name"].get<std::string>().c_str());
    if (s.contains("error")) {
      std::printf("      does not load: %s\n", s["error"].get<std::string>().c_str());
      continue;
    }
    std::printf("      %s\n", s["description"].get<std::string>().c_str());
    std::string names;
    for (const auto& v : s["variants"])
      names += (names.empty() ? "" : ", ") + v["name"].get<std::string>() + (v.contains("skipped") ? " (skipped here)" : "");
    std::printf("      variants: %s\n", names.c_str());
  }
}

int run(const std::string& format) {
  // The first shipped folder that exists is the one resolve_scenario() finds names in.
  std::string shipped;
  for (const auto& dir : shipped_scenario_dirs())
    if (fs::is_directory(dir)) {
      shipped = fs::canonical(dir).string();
      break;
    }
  const std::string here = fs::current_path().string();
  nlohmann::json out{{"shipped", nlohmann::json::array()}, {"current_directory", nlohmann::json::array()}};
  out["shipped_dir"] = shipped;
  if (!shipped.empty())
    for (const auto& f : scenario_files(shipped)) out["shipped"].push_back(describe(f));
  if (here != shipped)  // run from the shipped folder, its files are listed once
    for (const auto& f : scenario_files(here)) out["current_directory"].push_back(describe(f.filename()));
  if (format == "json") {
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    print_text("shipped (" + (shipped.empty() ? std::string("not found") : shipped) + ")", out["shipped"]);
    if (here != shipped) print_text("current directory (" + here + ")", out["current_directory"]);
    std::printf("run one with: bootsim scenario NAME [--variant VARIANT]\n");
  }
  std::fflush(stdout);
  return kExitOk;
}

}  // namespace

void add_list_command(CLI::App& app, int& result) {
  auto format = std::make_shared<std::string>("text");
  CLI::App* cmd = app.add_subcommand("list", "List the shipped scenarios and those in the current directory, with their variants");
  cmd->add_option("--format", *format, "text or json")->check(CLI::IsMember({"text", "json"}));
  cmd->callback([format, &result] { result = run(*format); });
}

}  // namespace bootsim::cli
