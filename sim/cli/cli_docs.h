// The man page and the bash completion of bootsim, generated from its CLI11 App (app.h) at build time by
// `bootsim-docgen` (docgen_main.cpp), so they list exactly the subcommands and options bootsim accepts:
//
//   CLI::App app{"…"}; int rc = 0; build_app(app, rc);
//   std::string roff = man_page(app);         // installed as share/man/man1/bootsim.1
//   std::string bash = bash_completion(app);  // installed as share/bash-completion/completions/bootsim
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace bootsim::cli {

/// bootsim(1) in roff (man macros): NAME, SYNOPSIS, DESCRIPTION, one subsection per subcommand with its
/// arguments and options as CLI11 describes them, the global options, EXIT STATUS, ENVIRONMENT, FILES.
/// Deterministic: no date, nothing from the host.
std::string man_page(const CLI::App& app);

/// A bash completion script (`complete -F _bootsim bootsim`): subcommands, each one's options, the
/// choices of options with a fixed set of values (from their CLI11 validators), file names otherwise.
std::string bash_completion(const CLI::App& app);

}  // namespace bootsim::cli
