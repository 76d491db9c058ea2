// The scenario loader on any file and any `--set`/`--vary` overrides: what a pull request can hand CI.
//
// Input: leading lines "--set PATH=VALUE" and "--vary PATH=RANGE" (the range's first value is set, as
// a sweep's first cell does), then the XML. The file is written next to a link "files" to the shipped
// scenarios' files, so the seeds (the shipped scenarios) load and the mutations explore past them.
// Property: a scenario loads or is refused with InputError (exit 2, file:line:col); any other exception
// is what `bootsim scenario` would report as an internal error (exit 4), so it is a finding.
#include <unistd.h>

#include <exception>
#include <fstream>
#include <string>
#include <typeinfo>

#include "fuzz_input.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/sweep.h"

using namespace bootsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string dir = [] {
    std::string d = fuzz::scratch_dir();
    if (::symlink(BOOTSIM_SOURCE_DIR "/scenarios/files", (d + "/files").c_str()) != 0) fuzz::bug("symlink failed");
    return d;
  }();
  std::string text(reinterpret_cast<const char*>(data), size);
  scenario::LoadOptions opts;
  opts.payload_dirs = {BOOTSIM_BINARY_DIR "/payloads"};
  opts.ipxe_dir = BOOTSIM_IPXE_DIR;
  // Deterministic environment: one variable set, every other unset.
  opts.getenv = [](const std::string& name) -> std::optional<std::string> {
    if (name == "FUZZ_IPXE") return std::string(BOOTSIM_IPXE_DIR "/undionly.kpxe");
    return std::nullopt;
  };
  try {
    while (text.rfind("--set ", 0) == 0 || text.rfind("--vary ", 0) == 0) {
      std::size_t eol = text.find('\n');
      std::string line = text.substr(0, eol);
      text.erase(0, eol == std::string::npos ? text.size() : eol + 1);
      if (line.rfind("--set ", 0) == 0) {
        std::string spec = line.substr(6);
        std::size_t eq = spec.find('=');
        if (eq == std::string::npos) continue;
        opts.overrides.emplace_back(spec.substr(0, eq), spec.substr(eq + 1));
      } else {
        scenario::SweepAxis axis = scenario::parse_vary(line.substr(7));
        FUZZ_CHECK(!axis.values.empty(), "a parsed range without values: " + line);
        opts.overrides.emplace_back(axis.path, axis.values.front());
      }
    }
    const std::string path = dir + "/fuzz.xml";
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    scenario::Scenario s = scenario::load_scenario(path, opts);
    if (fuzz::verbose()) std::fprintf(stderr, "scenario_loader: loaded, %zu variants\n", s.variants.size());
  } catch (const InputError& e) {
    // A user error, located: exit 2. Fine.
    if (fuzz::verbose()) std::fprintf(stderr, "scenario_loader: %s\n", e.what());
  } catch (const std::exception& e) {
    fuzz::bug(std::string("not an InputError (exit 4): ") + typeid(e).name() + ": " + e.what());
  }
  return 0;
}
