// bootsim-docgen: writes bootsim's man page or bash completion, generated from the same CLI11 App that
// bootsim parses with (app.h, cli_docs.h). Run by the build; installed nowhere.
//   bootsim-docgen man OUT.1 | bootsim-docgen bash OUT
#include <cstdio>
#include <fstream>
#include <string>

#include "sim/cli/app.h"
#include "sim/cli/cli_docs.h"

int main(int argc, char** argv) {
  if (argc != 3 || (std::string(argv[1]) != "man" && std::string(argv[1]) != "bash")) {
    std::fprintf(stderr, "usage: bootsim-docgen man|bash OUT\n");
    return 2;
  }
  CLI::App app{bootsim::cli::kAppDescription};
  int result = 0;
  bootsim::cli::build_app(app, result);
  std::string text = std::string(argv[1]) == "man" ? bootsim::cli::man_page(app) : bootsim::cli::bash_completion(app);
  std::ofstream f(argv[2], std::ios::binary | std::ios::trunc);
  f << text;
  if (!f) {
    std::fprintf(stderr, "bootsim-docgen: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
