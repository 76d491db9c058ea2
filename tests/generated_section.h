// A README section generated from code (the scenario schema, the trace vocabulary) sits between two
// marker lines; this checks it is current, or rewrites it when BOOTSIM_UPDATE_REFERENCE is set.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace bootsim::test {

/// `readme` is relative to the source tree; `begin` ends with a newline, `end` starts the closing line.
inline ::testing::AssertionResult generated_section_is_current(const std::string& readme, const std::string& begin,
                                                                const std::string& end, const std::string& want) {
  const std::string path = std::string(BOOTSIM_SOURCE_DIR) + "/" + readme;
  std::ifstream in(path);
  if (!in) return ::testing::AssertionFailure() << "cannot read " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  size_t b = text.find(begin), e = text.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b)
    return ::testing::AssertionFailure() << readme << " lacks the markers " << begin << " … " << end;
  b += begin.size();
  if (text.compare(b, e - b, want) == 0) return ::testing::AssertionSuccess();
  if (std::getenv("BOOTSIM_UPDATE_REFERENCE")) {
    text.replace(b, e - b, want);
    std::ofstream(path) << text;
    return ::testing::AssertionSuccess() << "rewritten";
  }
  return ::testing::AssertionFailure() << readme << " is out of date; rerun with BOOTSIM_UPDATE_REFERENCE=1. Generated:\n"
                                       << want;
}

}  // namespace bootsim::test
