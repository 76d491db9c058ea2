// bootsim: network-boot emulator and conformance test harness. A thin shell over the library.
#include <cstdio>
#include <exception>

#include "sim/cli/commands.h"
#include "sim/core/errors.h"

int main(int argc, char** argv) {
  CLI::App app{"bootsim: runs real network-boot firmware on an emulated PC in virtual time"};
  app.require_subcommand(1);
  int result = bootsim::kExitOk;
  bootsim::cli::add_run_command(app, result);
  bootsim::cli::add_bench_command(app, result);
  bootsim::cli::add_scenario_command(app, result);
  bootsim::cli::add_sweep_command(app, result);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : bootsim::kExitInvalidInput;
  } catch (const bootsim::InputError& e) {
    std::fprintf(stderr, "bootsim: %s\n", e.what());
    return bootsim::kExitInvalidInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bootsim: internal error: %s\n", e.what());
    return bootsim::kExitInternalError;
  }
  return result;
}
