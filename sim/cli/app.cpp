#include "sim/cli/app.h"

#include <string>

#include "sim/cli/colour.h"
#include "sim/cli/commands.h"
#include "sim/cli/version.h"
#include "sim/core/log.h"

namespace bootsim::cli {

namespace {

/// --log-level on every command: the human log on stderr (sim/core/log.h). It is set while the options are
/// parsed, so before the command's callback runs.
void add_log_level_option(CLI::App& command) {
  command
      .add_option_function<std::string>(
          "--log-level", [](const std::string& v) { bootsim::log::set_level(*bootsim::log::parse_level(v)); },
          "human log on stderr, each line with the virtual time and the machine: trace (frames), debug (PXE calls, "
          "TFTP/HTTP requests), info (start/end, link, DHCP lease, handoff, faults), warn (default), error, off")
      ->check(CLI::IsMember(bootsim::log::level_names()))
      ->type_name("LEVEL");
}

}  // namespace

void build_app(CLI::App& app, int& result) {
  app.require_subcommand(1);
  app.fallthrough();  // --color works after the subcommand too: `bootsim scenario X --color=never`
  // A version flag is handled like --help: it answers before the subcommand requirement is checked.
  app.set_version_flag("--version", [] {
        std::string v = version_text();
        return v.substr(0, v.size() - 1);  // CLI11 ends the text with a newline of its own
      }, "print bootsim's version, Unicorn's, libslirp's and the default iPXE's sha256");
  add_run_command(app, result);
  add_bench_command(app, result);
  add_scenario_command(app, result);
  add_sweep_command(app, result);
  add_check_command(app, result);
  add_list_command(app, result);
  add_profiles_command(app, result);
  app.add_option_function<std::string>("--color", [](const std::string& m) { set_color_mode(m); },
                                       "colour verdicts and errors: auto (on a terminal, honouring NO_COLOR and "
                                       "CLICOLOR_FORCE; the default), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->type_name("WHEN");
  add_merge_command(app, result);
  for (CLI::App* command : app.get_subcommands([](CLI::App*) { return true; })) add_log_level_option(*command);
}

}  // namespace bootsim::cli
