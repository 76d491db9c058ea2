// The HTTP socket's private directory: named after its process, and swept once that process is gone.
#include "sim/net/socket_dir.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "net_fixture.h"

namespace bootsim::testing {
namespace {

namespace fs = std::filesystem;

/// A pid that was a process of ours and is no more (reaped).
pid_t dead_pid() {
  pid_t p = ::fork();
  if (p == 0) ::_exit(0);
  int st = 0;
  ::waitpid(p, &st, 0);
  return p;
}

/// A Unix socket bound at `path`, as the HTTP server leaves it when its process is killed.
void leave_socket(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof a.sun_path);
  std::memcpy(a.sun_path, path.c_str(), path.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << path;
  ::close(fd);  // the file stays, as after SIGKILL
}

TEST(net_SocketDir, SweepRemovesOnlyTheDirectoriesOfProcessesThatAreGone) {
  TempDir tmp;
  pid_t dead = dead_pid(), live = ::getppid();
  auto make = [&](const std::string& name, bool with_socket) {
    std::string d = tmp.sub(name);
    ::mkdir(d.c_str(), 0700);
    if (with_socket) leave_socket(d + "/http.sock");
    return d;
  };
  std::string stale = make("bootsim-net-" + std::to_string(dead) + "-AbC123", true);
  std::string stale_empty = make("bootsim-net-" + std::to_string(dead) + "-zzzzzz", false);
  std::string busy = make("bootsim-net-" + std::to_string(dead) + "-keepme", true);
  std::ofstream(busy + "/notes.txt") << "not ours to remove";
  std::string alive = make("bootsim-net-" + std::to_string(live) + "-q1w2e3", true);
  std::string mine = make("bootsim-net-" + std::to_string(::getpid()) + "-r4t5y6", true);
  std::string older = make("bootsim-net-Xy12Zq", true);  // before the pid was in the name: unknown owner
  std::string other = make("bootsim-netX-" + std::to_string(dead) + "-AbC123", false);

  EXPECT_EQ(sweep_stale_socket_dirs(tmp.path), 2);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_FALSE(fs::exists(stale_empty));
  for (const auto& d : {busy, alive, mine, older, other}) EXPECT_TRUE(fs::exists(d)) << d;
  EXPECT_TRUE(fs::exists(busy + "/notes.txt"));
  EXPECT_EQ(sweep_stale_socket_dirs(tmp.path), 0);
  EXPECT_EQ(sweep_stale_socket_dirs(tmp.sub("no-such-dir")), 0);
}

TEST(net_SocketDir, ADirectoryIsNamedAfterItsProcessAndSweepsTheDeadFirst) {
  TempDir tmp;
  std::string stale = tmp.sub("bootsim-net-" + std::to_string(dead_pid()) + "-AbC123");
  ::mkdir(stale.c_str(), 0700);
  leave_socket(stale + "/http.sock");
  ::setenv("TMPDIR", tmp.path.c_str(), 1);  // this test's own process
  std::string d = make_socket_dir();
  ::unsetenv("TMPDIR");
  EXPECT_EQ(fs::path(d).parent_path(), fs::path(tmp.path));
  EXPECT_EQ(fs::path(d).filename().string().rfind("bootsim-net-" + std::to_string(::getpid()) + "-", 0), 0u) << d;
  struct stat st{};
  ASSERT_EQ(::stat(d.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_FALSE(fs::exists(stale));
  ::rmdir(d.c_str());
}

}  // namespace
}  // namespace bootsim::testing
