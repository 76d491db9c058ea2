#include "sim/core/fiber.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#if defined(__SANITIZE_ADDRESS__)
#define BOOTSIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BOOTSIM_ASAN 1
#endif
#endif
#ifdef BOOTSIM_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace bootsim {

namespace {
// getcontext "returns twice" as far as the compiler knows (-Wclobbered in its caller). Here it returns once:
// the context is only a template for makecontext, never continued as it is.
__attribute__((noinline)) int template_context(ucontext_t* uc) { return getcontext(uc); }
}  // namespace

Fiber::Context::Context() = default;

void Fiber::Context::switch_to(Context& to, bool finished) {
#ifdef BOOTSIM_ASAN
  if (!stack_) {
    // A thread's own stack: ASan needs its bounds when something switches back to it.
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void* addr = nullptr;
      std::size_t size = 0;
      if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
        stack_ = addr;
        stack_bytes_ = size;
      }
      pthread_attr_destroy(&attr);
    }
  }
  __sanitizer_start_switch_fiber(finished ? nullptr : &asan_fake_stack_, to.stack_, to.stack_bytes_);
#else
  (void)finished;
#endif
  if (swapcontext(&uc_, &to.uc_) != 0) {
    // Only fails for an invalid context, which would be our bug; nothing sensible can continue.
    std::fprintf(stderr, "bootsim: fiber switch failed: %s\n", std::strerror(errno));
    std::abort();
  }
#ifdef BOOTSIM_ASAN
  __sanitizer_finish_switch_fiber(asan_fake_stack_, nullptr, nullptr);
#endif
}

Fiber::Fiber(void (*fn)(void*), void* arg, std::size_t stack_bytes) : fn_(fn), arg_(arg) {
  const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  stack_bytes = (stack_bytes + page - 1) / page * page;
  map_bytes_ = stack_bytes + page;  // the guard page below the stack turns an overflow into a SIGSEGV
  void* map = mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
                   -1, 0);
  if (map == MAP_FAILED) throw std::runtime_error(std::string("cannot map a fiber stack: ") + std::strerror(errno));
  map_ = map;
  // The destructor does not run for a constructor that throws: give the mapping back here.
  auto fail = [this](const char* what) {
    const int err = errno;
    munmap(map_, map_bytes_);
    map_ = nullptr;
    throw std::runtime_error(std::string(what) + ": " + std::strerror(err));
  };
  if (mprotect(map_, page, PROT_NONE) != 0) fail("cannot protect a fiber stack's guard page");
  if (template_context(&ctx_.uc_) != 0) fail("getcontext failed");
  ctx_.stack_ = static_cast<char*>(map_) + page;
  ctx_.stack_bytes_ = stack_bytes;
  ctx_.uc_.uc_stack.ss_sp = const_cast<void*>(ctx_.stack_);
  ctx_.uc_.uc_stack.ss_size = stack_bytes;
  ctx_.uc_.uc_link = nullptr;
  // makecontext passes int arguments only: the fiber's address in two halves.
  auto self = reinterpret_cast<std::uintptr_t>(this);
  makecontext(&ctx_.uc_, reinterpret_cast<void (*)()>(&Fiber::entry), 2, static_cast<unsigned>(self >> 32),
              static_cast<unsigned>(self & 0xffffffffu));
}

Fiber::~Fiber() {
  if (map_) munmap(map_, map_bytes_);
}

void Fiber::entry(unsigned hi, unsigned lo) {
#ifdef BOOTSIM_ASAN
  __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
  auto* f = reinterpret_cast<Fiber*>((static_cast<std::uintptr_t>(hi) << 32) | lo);
  f->fn_(f->arg_);
  // fn must switch away for good instead; returning would end the thread (uc_link is null).
  std::fprintf(stderr, "bootsim: a fiber's function returned\n");
  std::abort();
}

}  // namespace bootsim
