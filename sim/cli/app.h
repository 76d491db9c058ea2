// The whole bootsim command line as one CLI11 App: every subcommand, its options and the global ones.
// main.cpp parses with it; the man page and the bash completion are generated from it at build time
// (cli_docs.h), so neither can drift from what bootsim accepts.
#pragma once

#include <CLI/CLI.hpp>

namespace bootsim::cli {

/// The App's one-line description (the first line of `bootsim --help`, the man page's).
inline constexpr const char* kAppDescription = "bootsim: runs real network-boot firmware on an emulated PC in virtual time";

/// Registers every subcommand and global option (--version, --color, --log-level on each command) on
/// `app`. A subcommand's callback stores its exit code in `result`.
void build_app(CLI::App& app, int& result);

}  // namespace bootsim::cli
