// bootsim: network-boot emulator and conformance test harness. A thin shell over the library.
#include <cstdio>
#include <cstdlib>
#include <exception>

#ifdef BOOTSIM_MIMALLOC
#include <mimalloc.h>
#endif

#include "sim/cli/app.h"
#include "sim/cli/colour.h"
#include "sim/core/errors.h"

namespace {

// A fleet's run touches about a gigabyte of fresh memory (each machine's engine, its translated code, the
// trace), and on the VMs this was measured on each first touch of a 4 KiB page is a fault of ~10 us. 2 MiB pages
// make a sixth of the page faults (rack_100: 226k -> 39k, 0.2-0.3 s less system time) for 6% more RSS.
// A user's own MIMALLOC_LARGE_OS_PAGES wins. Nothing the simulation computes depends on where memory is.
void tune_allocator() {
#ifdef BOOTSIM_MIMALLOC
  if (std::getenv("MIMALLOC_LARGE_OS_PAGES") == nullptr) mi_option_enable(mi_option_large_os_pages);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  tune_allocator();
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
