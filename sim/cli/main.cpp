// bootsim: network-boot emulator and conformance test harness. A thin shell over the library.
#include <cstdio>
#include <exception>

#include "sim/cli/app.h"
#include "sim/cli/colour.h"
#include "sim/core/errors.h"

int main(int argc, char** argv) {
  CLI::App app{bootsim::cli::kAppDescription};
  int result = bootsim::kExitOk;
  bootsim::cli::build_app(app, result);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : bootsim::kExitInvalidInput;
  } catch (const bootsim::InputError& e) {
    std::fprintf(stderr, "bootsim: %s %s\n", bootsim::cli::paint("error:", bootsim::cli::Tone::kError, stderr).c_str(), e.what());
    return bootsim::kExitInvalidInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bootsim: %s %s\n", bootsim::cli::paint("internal error:", bootsim::cli::Tone::kError, stderr).c_str(), e.what());
    return bootsim::kExitInternalError;
  }
  return result;
}
