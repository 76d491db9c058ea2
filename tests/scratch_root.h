// Where a test process keeps its scratch files. ctest runs every test of a suite as its own process, two at
// a time, and the sanitizer suite runs the same tests beside the plain ones: a directory named only after the
// test is written by several processes at once (a pcap read back while another process rewrites it). So each
// process gets its own root, removed when it exits (kept with BOOTSIM_KEEP_TEST_DIRS=1, for a look after).
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace bootsim::test {

inline const std::filesystem::path& scratch_root() {
  struct Root {
    std::filesystem::path path;
    pid_t owner;
    Root() : path(std::filesystem::path(::testing::TempDir()) / ("bootsim-tests." + std::to_string(::getpid()))),
             owner(::getpid()) {
      std::filesystem::create_directories(path);  // it exists, like the temp folder it stands in for
    }
    Root(const Root&) = delete;
    ~Root() {
      // A forked child that exits normally runs this too: only the process that made the root removes it.
      if (::getpid() != owner || std::getenv("BOOTSIM_KEEP_TEST_DIRS")) return;
      std::error_code ec;
      std::filesystem::remove_all(path, ec);
    }
  };
  static const Root root;
  return root.path;
}

/// The whole contents of a file ("" when it cannot be read).
inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace bootsim::test
