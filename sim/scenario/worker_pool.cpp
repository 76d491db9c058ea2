#include "sim/scenario/worker_pool.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>

#include "sim/scenario/interrupt.h"

namespace bootsim::scenario {

int default_jobs() {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : static_cast<int>(n);
}

void exit_worker(int rc) {
  std::fflush(nullptr);
  _exit(rc);
}

namespace {

/// Signals every running worker and everything it forked (each is a process group of its own).
void stop_workers(const std::map<pid_t, size_t>& running, int sig) {
  for (const auto& [pid, job] : running) ::kill(-pid, sig);
}

}  // namespace

std::vector<WorkerEnd> run_in_workers(size_t count, const std::function<int(size_t)>& job, int max_workers,
                                      const std::function<void(size_t)>& on_end,
                                      const std::function<void()>& on_tick, std::chrono::milliseconds tick_every) {
  std::vector<WorkerEnd> ends(count);
  interrupt::ChildWake wake;
  const pid_t parent = ::getpid();
  std::map<pid_t, size_t> running;  // pid (= its process group) -> job
  size_t next = 0;
  bool stopping = false;
  std::chrono::steady_clock::time_point kill_at{};  // wall time, only to give up on a worker
  auto tick_at = std::chrono::steady_clock::now() + tick_every;  // wall time, for on_tick
  while ((next < count && !stopping) || !running.empty()) {
    if (interrupt::received() && !stopping) {
      stopping = true;
      stop_workers(running, SIGTERM);
      // Time for a worker to reach its boot's next event and write what it has (a 100-machine fleet's
      // trace takes about a second); a worker that does not end by then is killed.
      kill_at = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    }
    while (!stopping && next < count && static_cast<int>(running.size()) < max_workers) {
      size_t i = next++;
      ends[i].started = true;
      std::fflush(nullptr);  // or buffered output would be printed again by the worker
      pid_t pid = ::fork();
      if (pid == 0) {
        if (!interrupt::become_worker(parent, true)) exit_worker(1);
        exit_worker(job(i));
      }
      if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
      ::setpgid(pid, pid);  // also here: kill(-pid) must work before the child gets to run
      running[pid] = i;
    }
    if (running.empty()) continue;  // stopping with nothing left to wait for
    int st = 0;
    pid_t pid = ::waitpid(-1, &st, WNOHANG);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    if (pid == 0) {
      if (stopping && std::chrono::steady_clock::now() >= kill_at) {
        stop_workers(running, SIGKILL);
        kill_at += std::chrono::hours(1);
      }
      if (on_tick && !stopping && std::chrono::steady_clock::now() >= tick_at) {
        on_tick();
        tick_at = std::chrono::steady_clock::now() + tick_every;
      }
      const int nap_ms = static_cast<int>(std::min<std::chrono::milliseconds::rep>(250, tick_every.count()));
      interrupt::wait_for_wake(stopping ? 100 : on_tick ? nap_ms : -1);
      continue;
    }
    auto it = running.find(pid);
    if (it == running.end()) continue;  // not one of ours
    ends[it->second].wait_status = st;
    if (on_end) on_end(it->second);
    running.erase(it);
  }
  return ends;
}

}  // namespace bootsim::scenario
