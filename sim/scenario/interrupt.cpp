#include "sim/scenario/interrupt.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>

namespace bootsim::scenario::interrupt {

namespace {

constexpr int kCaught[] = {SIGINT, SIGTERM, SIGHUP};

volatile sig_atomic_t g_signal = 0;
int g_pipe[2] = {-1, -1};
struct sigaction g_old[3];
struct sigaction g_old_chld;

void ensure_pipe() {
  if (g_pipe[0] >= 0) return;
  if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) throw std::runtime_error("interrupt: cannot create a pipe");
}

void poke() {
  int saved = errno;  // a handler must leave errno as it found it
  char b = 0;
  [[maybe_unused]] ssize_t n = ::write(g_pipe[1], &b, 1);  // full pipe: a wake-up is pending anyway
  errno = saved;
}

void on_signal(int sig) {
  if (g_signal == 0) g_signal = sig;
  poke();
}

void on_child(int) { poke(); }

/// A worker's SIGTERM: recorded only. Its self-pipe is the parent's (inherited), which must not wake.
void on_stop(int sig) {
  if (g_signal == 0) g_signal = sig;
}

/// No SA_RESTART: a blocking flock() or waitpid() returns EINTR so the caller can look at received().
void install(int sig, void (*fn)(int), struct sigaction* old) {
  struct sigaction sa {};
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = sig == SIGCHLD ? SA_NOCLDSTOP : 0;
  ::sigaction(sig, &sa, old);
}

}  // namespace

Catcher::Catcher() {
  ensure_pipe();
  g_signal = 0;
  for (int i = 0; i < 3; ++i) install(kCaught[i], on_signal, &g_old[i]);
}

Catcher::~Catcher() {
  for (int i = 0; i < 3; ++i) ::sigaction(kCaught[i], &g_old[i], nullptr);
  g_signal = 0;  // a later run in this process (tests) starts uninterrupted
}

ChildWake::ChildWake() {
  ensure_pipe();
  install(SIGCHLD, on_child, &g_old_chld);
}

ChildWake::~ChildWake() { ::sigaction(SIGCHLD, &g_old_chld, nullptr); }

int received() { return g_signal; }

int exit_code() { return 128 + g_signal; }

void wait_for_wake(int timeout_ms) {
  ensure_pipe();
  pollfd p{g_pipe[0], POLLIN, 0};
  if (::poll(&p, 1, timeout_ms) > 0) {
    char buf[64];
    while (::read(g_pipe[0], buf, sizeof buf) > 0) {
    }
  }
}

bool become_worker(pid_t parent, bool own_group) {
  for (int sig : kCaught) ::signal(sig, SIG_DFL);
  ::signal(SIGCHLD, SIG_DFL);
  // g_signal stays as inherited: a fork made after the stop request (a shared boot's split) stops too.
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGTERM, &sa, nullptr);
  if (own_group) ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  return ::getppid() == parent;
}

}  // namespace bootsim::scenario::interrupt
