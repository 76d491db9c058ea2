#include "sim/cpu/unicorn_cr0.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "sim/cpu/unicorn_interpose.h"
#include "sim/cpu/unicorn_x86_state.h"

// Unicorn's own name and signature (qemu/target/i386/helper.c, x86_64 target).
extern "C" {
struct CPUX86State;
void cpu_x86_update_cr0_x86_64(CPUX86State* env, std::uint32_t new_cr0);
}

namespace bootsim {
namespace {

using UpdateFn = void (*)(CPUX86State*, std::uint32_t);

using unicorn_x86::kCr0Pe;
using unicorn_x86::kCr0Pg;
// CR0 bits whose change makes the engine flush its TLB.
constexpr std::uint64_t kFlushBits = kCr0Pe | unicorn_x86::kCr0Wp | kCr0Pg;

std::atomic<bool> library_only{false};
std::atomic<bool> layout_known{false};
std::atomic<std::uint64_t> kept{0};

bool bound() {
  return unicorn_interpose::bound("cpu_x86_update_cr0_x86_64", reinterpret_cast<void*>(&cpu_x86_update_cr0_x86_64));
}

}  // namespace

void unicorn_cr0_configure() {
  const char* v = std::getenv("BOOTSIM_UNICORN_CR0");
  library_only.store(v && std::string_view(v) == "library", std::memory_order_relaxed);
}

void unicorn_cr0_check_layout(uc_engine* uc, const std::uint8_t* env, std::size_t size) {
  layout_known.store(unicorn_x86::layout_matches(uc, env, size), std::memory_order_relaxed);
}

bool unicorn_cr0_lean() {
  return bound() && !library_only.load(std::memory_order_relaxed) && layout_known.load(std::memory_order_relaxed);
}

std::uint64_t unicorn_cr0_flushes_kept() { return kept.load(std::memory_order_relaxed); }

}  // namespace bootsim

extern "C" {

__attribute__((visibility("default"))) void cpu_x86_update_cr0_x86_64(CPUX86State* env, std::uint32_t new_cr0) {
  static const bootsim::UpdateFn library =
      bootsim::unicorn_interpose::library<bootsim::UpdateFn>("cpu_x86_update_cr0_x86_64");
  if (!bootsim::library_only.load(std::memory_order_relaxed) &&
      bootsim::layout_known.load(std::memory_order_relaxed)) {
    auto* state = reinterpret_cast<std::uint8_t*>(env);
    auto cr0 = bootsim::unicorn_x86::field<std::uint64_t>(state, bootsim::unicorn_x86::kCr);
    if (((cr0 ^ new_cr0) & bootsim::kFlushBits) == bootsim::kCr0Pe && !(cr0 & bootsim::kCr0Pg)) {
      cr0 ^= bootsim::kCr0Pe;
      std::memcpy(state + bootsim::unicorn_x86::kCr, &cr0, sizeof cr0);
      bootsim::kept.fetch_add(1, std::memory_order_relaxed);
    }
  }
  library(env, new_cr0);
}
}
