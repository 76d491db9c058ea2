// run_beside: the work is done, on another thread when one can be had, else on the caller's at get().
#include "sim/core/beside.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace bootsim {
namespace {

TEST(unit_Beside, TheWorkRunsOnAnotherThreadWhenOneCanBeHad) {
  const auto caller = std::this_thread::get_id();
  auto f = run_beside([] { return std::this_thread::get_id(); });
  EXPECT_NE(f.get(), caller);
}

/// This process's virtual size in bytes, from /proc.
unsigned long vm_size() {
  std::ifstream in("/proc/self/statm");
  unsigned long pages = 0;
  in >> pages;
  return pages * static_cast<unsigned long>(::sysconf(_SC_PAGESIZE));
}

TEST(unit_Beside, WithNoThreadToBeHadTheCallerDoesTheWorkAtGet) {
  // In a child whose address space has no room for a thread's stack (RLIMIT_AS binds root too, where
  // RLIMIT_NPROC does not): std::async alone throws std::system_error there.
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    rlimit lim{};
    lim.rlim_cur = lim.rlim_max = vm_size() + (64ul << 10);
    if (::setrlimit(RLIMIT_AS, &lim) != 0) ::_exit(10);
    // Threads that wait, until no more can be made (the first may reuse stacks glibc cached before).
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::vector<std::thread> held;
    try {
      while (held.size() < 1000) held.emplace_back([released] { released.wait(); });
    } catch (const std::system_error&) {
    }
    if (held.size() >= 1000) ::_exit(11);  // threads could be had after all: the premise failed
    const auto caller = std::this_thread::get_id();
    bool ran = false;
    auto f = run_beside([&ran] { ran = true; return std::this_thread::get_id(); });
    if (ran) ::_exit(12);  // deferred: nothing runs before get()
    if (f.get() != caller || !ran) ::_exit(13);
    release.set_value();
    for (auto& t : held) t.join();
    ::_exit(0);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st)) << "child died of signal " << WTERMSIG(st);
  EXPECT_EQ(WEXITSTATUS(st), 0) << "10: setrlimit failed, 11: a thread was created, 12/13: the work did not run at get()";
}

}  // namespace
}  // namespace bootsim
