#include "sim/cli/out_rule.h"

#include "sim/core/host_paths.h"

namespace bootsim::cli {

std::string out_root_of(const std::string& given) { return given.empty() ? "bootsim-out" : given; }

std::string sweep_folder_name(const std::string& scenario) { return "sweep-" + scenario; }

std::string run_folder(const std::string& root, const std::string& name) {
  return contained_path(root, name, "output folder").string();
}

}  // namespace bootsim::cli
