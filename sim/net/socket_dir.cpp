#include "sim/net/socket_dir.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "sim/core/host_paths.h"

namespace bootsim {

namespace {

constexpr char kPrefix[] = "bootsim-net-";
constexpr char kSocket[] = "http.sock";

/// The pid in `bootsim-net-<pid>-XXXXXX`, or 0 when the name is not one of ours.
pid_t pid_of(const char* name) {
  const std::size_t n = sizeof kPrefix - 1;
  if (std::strncmp(name, kPrefix, n) != 0) return 0;
  const char* p = name + n;
  long pid = 0;
  const char* digits = p;
  while (*p >= '0' && *p <= '9' && p - digits < 10) pid = pid * 10 + (*p++ - '0');
  if (p == digits || *p != '-' || std::strlen(p + 1) != 6) return 0;
  return static_cast<pid_t>(pid);
}

bool gone(pid_t pid) { return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

int sweep_stale_socket_dirs(const std::string& parent) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(parent.c_str()), &::closedir);
  if (!d) return 0;
  std::vector<std::string> stale;
  while (const dirent* e = ::readdir(d.get())) {
    pid_t pid = pid_of(e->d_name);
    if (pid == 0 || pid == ::getpid() || !gone(pid)) continue;
    std::string dir = parent + "/" + e->d_name;
    struct stat st{};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) continue;
    stale.push_back(std::move(dir));
  }
  int removed = 0;
  for (const std::string& dir : stale) {
    std::string sock = dir + "/" + kSocket;
    struct stat st{};
    if (::lstat(sock.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(sock.c_str());
    if (::rmdir(dir.c_str()) == 0) ++removed;
  }
  return removed;
}

std::string make_socket_dir() {
  // Once per process: the forks of a shared boot and the workers of a sweep each make their own folder,
  // and their parent has swept already.
  static std::atomic<bool> swept{false};
  if (!swept.exchange(true)) sweep_stale_socket_dirs(temp_parent());
  return make_temp_dir(kPrefix + std::to_string(::getpid()));
}

}  // namespace bootsim
