// `bootsim --version`: what this binary is and what it runs on, so a bug report or a CI log says exactly
// which bootsim, which emulator and which default firmware produced a result.
#pragma once

#include <string>

namespace bootsim::cli {

/// Several lines: bootsim's git description, the Unicorn and libslirp versions linked in, and the default
/// iPXE binary (path and SHA-256, or why it cannot be read).
std::string version_text();

/// SHA-256 of a file as lowercase hex; empty when the file cannot be read.
std::string file_sha256(const std::string& path);

}  // namespace bootsim::cli
