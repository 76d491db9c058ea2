#include "sim/core/fiber.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include <boost/context/detail/fcontext.hpp>

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

namespace fc = boost::context::detail;

namespace {
// What a switch passes across: the context that switched away (which the resumed side must store, see
// Context::fctx_) and the one it switched to (a fiber's first run finds its Fiber there).
struct Switch {
  Fiber::Context* from;
  Fiber::Context* to;
};
}  // namespace

Fiber::Context::Context() = default;

Fiber::Context* Fiber::resumed(void* fctx, void* data) {
  auto* sw = static_cast<Switch*>(data);
  sw->from->fctx_ = fctx;
  return sw->to;
}

void Fiber::Context::switch_to(Context& to, bool finished) {
  if (!to.fctx_) {
    // Running, or finished: a switch to it would be our bug, and nothing sensible could continue.
    std::fprintf(stderr, "bootsim: fiber switch to a context that is not suspended\n");
    std::abort();
  }
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
  Switch sw{this, &to};
  void* target = to.fctx_;
  to.fctx_ = nullptr;
  const fc::transfer_t back = fc::jump_fcontext(target, &sw);
#ifdef BOOTSIM_ASAN
  __sanitizer_finish_switch_fiber(asan_fake_stack_, nullptr, nullptr);
#endif
  resumed(back.fctx, back.data);
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
  ctx_.stack_ = static_cast<char*>(map_) + page;
  ctx_.stack_bytes_ = stack_bytes;
  ctx_.fiber_ = this;
  // fcontext stacks grow down from the address given.
  ctx_.fctx_ = fc::make_fcontext(static_cast<char*>(map_) + map_bytes_, stack_bytes, [](fc::transfer_t t) {
#ifdef BOOTSIM_ASAN
    __sanitizer_finish_switch_fiber(nullptr, nullptr, nullptr);
#endif
    run(resumed(t.fctx, t.data)->fiber_);
  });
}

Fiber::~Fiber() {
  if (map_) munmap(map_, map_bytes_);
}

void Fiber::run(Fiber* f) {
  f->fn_(f->arg_);
  // fn must switch away for good instead: there is no frame to return to.
  std::fprintf(stderr, "bootsim: a fiber's function returned\n");
  std::abort();
}

}  // namespace bootsim
