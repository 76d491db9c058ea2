#include "sim/cli/out_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "sim/core/errors.h"
#include "sim/core/file_text.h"
#include "sim/scenario/interrupt.h"

namespace bootsim::cli {

namespace {

/// "pid 1234: bootsim scenario x.xml --out d": what the holder wrote, on one line.
std::string holder(const std::string& path) {
  std::string s = read_file_bytes(path);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s.empty() ? "another process (it has not said which yet)" : s;
}

/// Our pid and command line (arguments joined by spaces), for a run that finds the folder taken.
std::string self_description() {
  std::string args = read_file_bytes("/proc/self/cmdline");
  for (char& c : args)
    if (c == '\0') c = ' ';
  while (!args.empty() && args.back() == ' ') args.pop_back();
  return "pid " + std::to_string(::getpid()) + ": " + args + "\n";
}

}  // namespace

OutDirLock::OutDirLock(const std::string& dir, bool wait) {
  std::string path = (std::filesystem::path(dir) / ".bootsim.lock").string();
  auto fail = [&](const std::string& what) {
    std::string msg = "--out " + dir + ": " + what + " " + path + " (" + std::strerror(errno) + ")";
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    throw InputError(msg);
  };
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("cannot create");
  bool told = false;
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    if (errno != EWOULDBLOCK) fail("cannot lock");
    std::string who = holder(path);
    if (!wait) {
      ::close(fd_);
      fd_ = -1;
      throw InputError("--out " + dir + ": in use by another bootsim run (" + who +
                       "); wait for it with --wait or choose another --out");
    }
    if (!told) std::fprintf(stderr, "bootsim: --out %s is in use (%s); waiting for it\n", dir.c_str(), who.c_str());
    told = true;
    // Not a blocking flock(): a signal that lands just before it would go unnoticed. The self-pipe
    // wakes this at once on a signal; a release is seen within a fifth of a second.
    scenario::interrupt::wait_for_wake(200);
    if (scenario::interrupt::received()) {
      ::close(fd_);
      fd_ = -1;
      return;  // held() stays false
    }
  }
  held_ = true;
  std::string me = self_description();
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size()))
    fail("cannot write");
}

OutDirLock::~OutDirLock() {
  if (fd_ < 0) return;
  // Say nobody holds it before letting go. The file stays: removing it would race with a waiter that
  // has it open, who would then lock a file the next run does not find. Best effort: a stale name
  // could only mislead a message.
  if (held_) {
    int ignored = ::ftruncate(fd_, 0);
    (void)ignored;
  }
  ::close(fd_);
}

}  // namespace bootsim::cli
