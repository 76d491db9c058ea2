#include "sim/world/boot_run.h"

#include <fstream>
#include <iterator>

#include "firmware/memory_map.h"
#include "sim/core/errors.h"
#include "sim/core/host_paths.h"
#include "sim/world/world.h"

namespace bootsim {

std::vector<std::uint8_t> read_nbp_file(const std::string& path, const std::string& what) {
  if (auto why = input_file_problem(path, layout::kMaxNbpBytes))
    throw InputError(path + ": cannot boot this NBP (" + what + "): it " + *why);
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path + ": cannot open the NBP file (" + what + ")");
  return {std::istreambuf_iterator<char>(f), {}};
}

int exit_code_for(StopReason reason) {
  switch (reason) {
    case StopReason::kGuestFault: return kExitGuestFault;
    case StopReason::kInternalError: return kExitInternalError;
    default: return kExitOk;
  }
}

BootRunOutcome run_boot(const BootRunSpec& spec) { return World(spec).run(); }

}  // namespace bootsim
