// Shared by the tests that load scenarios and boot Debian's real iPXE through them (tests/scenario,
// tests/firmware): the load options that find the real binaries, a fresh scratch directory, and reading
// an artifact back.
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "scratch_root.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/verdict.h"

namespace bootsim::test {

/// Passes when `verdicts` is not empty and each has status "pass"; the failure lists the others. Use as
/// EXPECT_TRUE(all_verdicts_pass(r.verdicts)): a failure points at the caller's line, and a variant that
/// judged nothing fails instead of passing a loop that checked nothing.
inline std::string status_text(scenario::VerdictStatus s) { return scenario::to_string(s); }
inline std::string status_text(const std::string& s) { return s; }  // the helper's own test uses strings
template <typename Verdicts>
::testing::AssertionResult all_verdicts_pass(const Verdicts& verdicts) {
  if (verdicts.empty()) return ::testing::AssertionFailure() << "no verdicts: nothing was checked";
  bool ok = true;
  ::testing::AssertionResult failure = ::testing::AssertionFailure();
  for (const auto& v : verdicts)
    if (status_text(v.status) != "pass") {
      ok = false;
      failure << "\n  " << v.status << ": " << v.expectation << " — " << v.evidence;
    }
  return ok ? ::testing::AssertionSuccess() : failure;
}

/// ${ipxe} is Debian's /usr/lib/ipxe, ${payloads} the sentinel kernels this build assembled.
inline scenario::LoadOptions real_load_options() {
  scenario::LoadOptions o;
  o.payload_dirs = {BOOTSIM_PAYLOAD_DIR};
  o.ipxe_dir = BOOTSIM_IPXE_DIR;
  return o;
}

/// An empty directory <this process's scratch root>/<group>/<name>, created anew.
inline std::filesystem::path fresh_dir(const std::string& group, const std::string& name) {
  std::filesystem::path d = scratch_root() / group / name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}


#ifdef BOOTSIM_EXE
/// Runs the built bootsim with `args` (shell words) and returns its exit code (-1 when it did not exit);
/// its stdout goes to *out and its stderr to *err. `tag` names the temp files, per test binary and pid.
inline int run_bootsim(const std::string& tag, const std::string& args, std::string* out, std::string* err = nullptr) {
  const std::string stem = "bootsim_" + tag + "." + std::to_string(::getpid());
  std::filesystem::path o = std::filesystem::temp_directory_path() / (stem + ".out");
  std::filesystem::path e = std::filesystem::temp_directory_path() / (stem + ".err");
  int rc = std::system((std::string(BOOTSIM_EXE) + " " + args + " > " + o.string() + " 2> " + e.string()).c_str());
  *out = slurp(o);
  if (err) *err = slurp(e);
  std::filesystem::remove(o);
  std::filesystem::remove(e);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}
#endif

/// The stems of scenarios/*.xml, sorted, for tests that run every shipped scenario: without the fleets
/// declared with <machine count> (rack_100 costs minutes, far longer in the sanitizer suite, and several
/// machines never share a boot); golden.rack_100 runs those once. Nor the external-server scenarios
/// (mode="external"): they run in real time and are not byte-deterministic; their own ctests (label
/// external) run them.
inline std::vector<std::string> shipped_scenarios_but_fleets() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(std::string(BOOTSIM_SOURCE_DIR) + "/scenarios"))
    if (e.path().extension() == ".xml" && slurp(e.path()).find(" count=\"") == std::string::npos &&
        slurp(e.path()).find("mode=\"external\"") == std::string::npos)
      names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace bootsim::test
