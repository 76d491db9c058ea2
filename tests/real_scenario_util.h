// Shared by the tests that load scenarios and boot Debian's real iPXE through them (tests/scenario,
// tests/firmware): the load options that find the real binaries, a fresh scratch directory, and reading
// an artifact back.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/scenario/loader.h"

namespace bootsim::test {

/// ${ipxe} is Debian's /usr/lib/ipxe, ${payloads} the sentinel kernels this build assembled.
inline scenario::LoadOptions real_load_options() {
  scenario::LoadOptions o;
  o.payload_dirs = {BOOTSIM_PAYLOAD_DIR};
  o.ipxe_dir = BOOTSIM_IPXE_DIR;
  return o;
}

/// An empty directory <gtest temp>/<group>/<name>, created anew.
inline std::filesystem::path fresh_dir(const std::string& group, const std::string& name) {
  std::filesystem::path d = std::filesystem::path(::testing::TempDir()) / group / name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

/// A whole file's bytes ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace bootsim::test
