#include "sim/net/socket_dir.h"

#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

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
  const char* tmp = std::getenv("TMPDIR");
  std::string parent = tmp && *tmp ? tmp : "/tmp";
  sweep_stale_socket_dirs(parent);
  std::string templ = parent + "/" + kPrefix + std::to_string(::getpid()) + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))
    throw std::runtime_error("cannot create a private socket directory " + templ + (tmp && *tmp ? " ($TMPDIR)" : "") +
                             ": " + std::strerror(errno));
  return buf.data();
}

}  // namespace bootsim
