// A fiber: a function running on a stack of its own, on the thread that switches to it. Fibers switch
// explicitly (Fiber::Context::switch_to); nothing preempts them. The baton (baton.h) runs each machine of
// a fleet on one, because a machine gives the CPU away from deep inside a Unicorn hook.
//
// Built on Boost.Context's fcontext (make_fcontext/jump_fcontext), not glibc's swapcontext: swapcontext
// saves and restores the signal mask with a system call at every switch, and a fleet switches at nearly
// every host entry (96 k rt_sigprocmask calls, ~10% of a 21-machine start-up). No fiber here changes
// its signal mask, so there is none to keep apart. Under AddressSanitizer every switch tells ASan which
// stack runs next (__sanitizer_start/finish_switch_fiber): without that, ASan takes a fiber's stack for a
// buffer overflow of the thread's and reports false errors.
//
// A fiber's function must not let an exception escape (there is no frame above it to catch one) and must
// not return: it ends by switching away with `finished` set, and is never switched to again.
#pragma once

#include <cstddef>

namespace bootsim {

class Fiber {
 public:
  /// Where a switch comes back to: a fiber's context, or a thread's own stack (a default-constructed
  /// Context, filled by the first switch away from it).
  class Context {
   public:
    Context();
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
    /// Saves the running context into *this and continues `to`; returns when something switches back
    /// to *this. `finished`: *this is never continued again (ASan frees what it kept for this stack).
    void switch_to(Context& to, bool finished = false);

   private:
    friend class Fiber;
    /// Where this context continues (an fcontext_t). A switch hands the suspended context to the one
    /// it resumes, not back to its owner, so the resumed side stores it here (Fiber.cpp, resumed()).
    void* fctx_ = nullptr;
    Fiber* fiber_ = nullptr;  ///< the fiber whose context this is (null: a thread's own)
    const void* stack_ = nullptr;  ///< lowest address of the stack (null: the thread's own, found on demand)
    std::size_t stack_bytes_ = 0;
    void* asan_fake_stack_ = nullptr;
  };

  /// A fiber that will run fn(arg) the first time something switches to context(). Its stack is
  /// `stack_bytes` of address space with a guard page below, committed only as it is used. Throws
  /// std::runtime_error when the stack cannot be mapped.
  Fiber(void (*fn)(void*), void* arg, std::size_t stack_bytes = kDefaultStack);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  Context& context() { return ctx_; }

  /// The same as a thread's default stack on Debian (8 MiB): a machine's run needs no more than it did
  /// on a thread of its own.
  static constexpr std::size_t kDefaultStack = std::size_t{8} << 20;

 private:
  static void run(Fiber* f);
  /// First thing on the resumed side of every switch: stores the suspended context (`fctx`) where its
  /// owner will look for it, from what the switch passed (`data`); answers the context now running.
  static Context* resumed(void* fctx, void* data);

  void (*fn_)(void*);
  void* arg_;
  void* map_ = nullptr;
  std::size_t map_bytes_ = 0;
  Context ctx_;
};

}  // namespace bootsim
