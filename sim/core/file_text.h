// A whole file read into memory, in one place: traces of a 100-machine fleet are >100 MB, and reading
// them through a stringstream copied them twice more and grew the buffer step by step.
#pragma once

#include <filesystem>
#include <string>

namespace bootsim {

/// The bytes of `path`, or an empty string when it cannot be opened or read (callers that must tell
/// "missing" from "empty" check the file first).
std::string read_file_bytes(const std::filesystem::path& path);

}  // namespace bootsim
