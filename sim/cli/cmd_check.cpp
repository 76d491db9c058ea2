// `bootsim check FILE… [--set PATH=VALUE…] [--format text|json]`: loads and validates scenario files
// without running anything, for editors and pre-commit hooks. Exit 0 when every file loads, 2 otherwise.
// The JSON form gives each problem with file, line, column and element path, the shape editors consume.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "sim/cli/colour.h"
#include "sim/cli/commands.h"
#include "sim/cli/scenario_output.h"
#include "sim/core/errors.h"
#include "sim/scenario/loader.h"

namespace bootsim::cli {

namespace {

struct CheckOptions {
  std::vector<std::string> files;
  std::vector<std::string> set;
  std::string format = "text";
};

int run(const CheckOptions& o) {
  const auto overrides = parse_sets(o.set);
  nlohmann::json files = nlohmann::json::array();
  nlohmann::json diagnostics = nlohmann::json::array();
  bool all_ok = true;
  for (const auto& name : o.files) {
    nlohmann::json diag;
    try {
      const std::string path = resolve_scenario(name);
      scenario::LoadOptions lo = load_options(/*allow_servers=*/true);  // checks, never runs
      lo.overrides = overrides;
      scenario::Scenario s = scenario::load_scenario(path, lo);
      nlohmann::json variants = nlohmann::json::array();
      for (const auto& v : s.variants) variants.push_back(v.name);
      files.push_back({{"file", name}, {"path", path}, {"ok", true}, {"scenario", s.name}, {"variants", variants}});
      if (o.format == "text")
        std::printf("%s: %s scenario %s, %zu variant%s\n", name.c_str(), paint("ok:", Tone::kPass).c_str(), s.name.c_str(), s.variants.size(),
                    s.variants.size() == 1 ? "" : "s");
      // Warnings do not change the exit code: the file is valid, but probably not what was meant.
      for (const auto& w : s.warnings) {
        diagnostics.push_back({{"file", w.where.file}, {"line", w.where.line}, {"column", w.where.column},
                               {"path", w.where.path}, {"code", "warning"}, {"message", w.message}, {"severity", "warning"}});
        if (o.format == "text")
          std::printf("%s %s: %s\n", paint("warning:", Tone::kSkip).c_str(), scenario::to_string(w.where).c_str(), w.message.c_str());
      }
      continue;
    } catch (const scenario::ScenarioError& e) {
      diag = {{"file", e.where().file.empty() ? name : e.where().file}, {"line", e.where().line},
              {"column", e.where().column}, {"path", e.where().path}, {"code", scenario::to_string(e.code())},
              {"message", e.description()}};
      if (o.format == "text") std::printf("%s %s\n", paint("error:", Tone::kError).c_str(), e.what());
    } catch (const InputError& e) {
      // Not located in a file (a name that resolves to nothing, a bad --set): the file is the name given.
      diag = {{"file", name}, {"line", 0}, {"column", 0}, {"path", ""}, {"code", "input"}, {"message", e.what()}};
      const std::string what = e.what();
      const std::string located = what.rfind(name, 0) == 0 ? what : name + ": " + what;
      if (o.format == "text") std::printf("%s %s\n", paint("error:", Tone::kError).c_str(), located.c_str());
    }
    all_ok = false;
    diag["severity"] = "error";
    diagnostics.push_back(diag);
    files.push_back({{"file", name}, {"ok", false}});
  }
  if (o.format == "json") std::printf("%s\n", nlohmann::json{{"files", files}, {"diagnostics", diagnostics}}.dump(2).c_str());
  std::fflush(stdout);
  return all_ok ? kExitOk : kExitInvalidInput;
}

}  // namespace

void add_check_command(CLI::App& app, int& result) {
  auto opts = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand("check", "Load and validate scenario files without running them (exit 0 valid, 2 not)");
  cmd->add_option("files", opts->files, "scenario files (paths or bare names, as for `scenario`)")->required();
  cmd->add_option("--set", opts->set, "PATH=VALUE, repeatable: validate with this override applied, as `scenario --set` would");
  cmd->add_option("--format", opts->format, "text (one line per file) or json (files and located diagnostics, for editors)")
      ->check(CLI::IsMember({"text", "json"}));
  cmd->callback([opts, &result] { result = run(*opts); });
}

}  // namespace bootsim::cli
