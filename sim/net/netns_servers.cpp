#include "sim/net/netns_servers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace bootsim {

namespace {

constexpr const char* kTapName = "bootsim0";

bool write_file(const char* path, const std::string& text) {
  int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  return ok;
}

/// In the helper: a new network namespace (with a user namespace of its own when not root).
std::string enter_namespace() {
  if (::geteuid() == 0) {
    if (::unshare(CLONE_NEWNET) != 0) return std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno);
    return "";
  }
  uid_t uid = ::geteuid();
  gid_t gid = ::getegid();
  if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0)
    return std::string("unshare(CLONE_NEWUSER|CLONE_NEWNET): ") + std::strerror(errno);
  write_file("/proc/self/setgroups", "deny");
  if (!write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
      !write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1"))
    return "cannot write the user namespace's uid/gid map";
  return "";
}

std::string set_flags_up(int sock, const char* name) {
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (::ioctl(sock, SIOCGIFFLAGS, &ifr) != 0) return std::string("SIOCGIFFLAGS ") + name + ": " + std::strerror(errno);
  ifr.ifr_flags |= IFF_UP;
  if (::ioctl(sock, SIOCSIFFLAGS, &ifr) != 0) return std::string("SIOCSIFFLAGS ") + name + ": " + std::strerror(errno);
  return "";
}

/// In the helper, inside the namespace: lo up, the TAP with its MAC and address, up. Returns its fd.
int make_tap(const NetnsServersConfig& c, std::string& why) {
  int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) { why = std::string("socket: ") + std::strerror(errno); return -1; }
  if (!(why = set_flags_up(sock, "lo")).empty()) { ::close(sock); return -1; }
  int tap = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (tap < 0) { why = std::string("/dev/net/tun: ") + std::strerror(errno); ::close(sock); return -1; }
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, kTapName, IFNAMSIZ - 1);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  if (::ioctl(tap, TUNSETIFF, &ifr) != 0) { why = std::string("TUNSETIFF: ") + std::strerror(errno); ::close(tap); ::close(sock); return -1; }
  // A fixed MAC (the kernel would pick a random one): 52:55 and the address, as slirp's addresses have.
  ifreq hw{};
  std::strncpy(hw.ifr_name, kTapName, IFNAMSIZ - 1);
  hw.ifr_hwaddr.sa_family = ARPHRD_ETHER;
  unsigned char mac[6] = {0x52, 0x55, static_cast<unsigned char>(c.address >> 24), static_cast<unsigned char>(c.address >> 16),
                          static_cast<unsigned char>(c.address >> 8), static_cast<unsigned char>(c.address)};
  std::memcpy(hw.ifr_hwaddr.sa_data, mac, 6);
  ifreq addr{};
  std::strncpy(addr.ifr_name, kTapName, IFNAMSIZ - 1);
  auto* sin = reinterpret_cast<sockaddr_in*>(&addr.ifr_addr);
  sin->sin_family = AF_INET;
  sin->sin_addr.s_addr = htonl(c.address);
  ifreq mask{};
  std::strncpy(mask.ifr_name, kTapName, IFNAMSIZ - 1);
  auto* msin = reinterpret_cast<sockaddr_in*>(&mask.ifr_netmask);
  msin->sin_family = AF_INET;
  msin->sin_addr.s_addr = htonl(c.prefix_len == 0 ? 0 : 0xFFFFFFFFu << (32 - c.prefix_len));
  if (::ioctl(sock, SIOCSIFHWADDR, &hw) != 0) why = std::string("SIOCSIFHWADDR: ") + std::strerror(errno);
  else if (::ioctl(sock, SIOCSIFADDR, &addr) != 0) why = std::string("SIOCSIFADDR: ") + std::strerror(errno);
  else if (::ioctl(sock, SIOCSIFNETMASK, &mask) != 0) why = std::string("SIOCSIFNETMASK: ") + std::strerror(errno);
  else why = set_flags_up(sock, kTapName);
  ::close(sock);
  if (!why.empty()) { ::close(tap); return -1; }
  return tap;
}

void send_status(int ctl, const std::string& msg, int fd) {
  iovec iov{const_cast<char*>(msg.data()), msg.size()};
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  alignas(cmsghdr) char buf[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    mh.msg_control = buf;
    mh.msg_controllen = sizeof buf;
    cmsghdr* cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cm), &fd, sizeof(int));
  }
  (void)::sendmsg(ctl, &mh, MSG_NOSIGNAL);
}

/// Whether a socket in this process's network namespace listens on `p`: a TCP socket in state LISTEN
/// (0A), or any UDP socket bound to the port, IPv4 or IPv6, from the kernel's /proc/net tables.
bool listening(const ListenPort& p) {
  static const char* const kTcp[] = {"/proc/net/tcp", "/proc/net/tcp6"};
  static const char* const kUdp[] = {"/proc/net/udp", "/proc/net/udp6"};
  for (const char* table : p.tcp ? kTcp : kUdp) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      // "  sl  local_address rem_address   st ...": local_address is HEXADDR:HEXPORT.
      std::istringstream fields(line);
      std::string sl, local, remote, state;
      if (!(fields >> sl >> local >> remote >> state)) continue;
      auto colon = local.rfind(':');
      if (colon == std::string::npos) continue;
      unsigned long port = std::strtoul(local.c_str() + colon + 1, nullptr, 16);
      if (port == p.port && (!p.tcp || state == "0A")) return true;
    }
  }
  return false;
}

volatile sig_atomic_t g_helper_stop = 0;
void on_helper_signal(int) { g_helper_stop = 1; }

/// Stops every server group: SIGTERM, then SIGKILL for what is left after 2 s; reaps them all.
void stop_servers(std::vector<pid_t>& pids) {
  for (pid_t p : pids) ::kill(-p, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  std::vector<pid_t> left = pids;
  while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
    for (auto it = left.begin(); it != left.end();) {
      if (::waitpid(*it, nullptr, WNOHANG) == *it) it = left.erase(it);
      else ++it;
    }
    if (!left.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (pid_t p : left) ::kill(-p, SIGKILL);
  for (pid_t p : pids) ::kill(-p, SIGKILL);  // whatever a server forked into its group
  for (pid_t p : left) ::waitpid(p, nullptr, 0);
  pids.clear();
}

[[noreturn]] void helper_main(int ctl, const NetnsServersConfig& c, pid_t parent) {
  ::setpgid(0, 0);  // out of the terminal's process group: Ctrl-C is bootsim's to handle
  struct sigaction sa{};
  sa.sa_handler = on_helper_signal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGHUP, &sa, nullptr);
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGPIPE, SIG_IGN);
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != parent) ::_exit(0);
  std::string why = enter_namespace();
  int tap = why.empty() ? make_tap(c, why) : -1;
  if (tap < 0) {
    send_status(ctl, "error: " + why, -1);
    ::_exit(1);
  }
  int log = ::open(c.log_path.empty() ? "/dev/null" : c.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  std::vector<pid_t> servers;
  for (const auto& cmd : c.commands) {
    pid_t p = ::fork();
    if (p == 0) {
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      ::signal(SIGINT, SIG_DFL);
      ::signal(SIGPIPE, SIG_DFL);
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      int null = ::open("/dev/null", O_RDONLY);
      if (null >= 0) ::dup2(null, 0);
      if (log >= 0) { ::dup2(log, 1); ::dup2(log, 2); }
      if (!c.cwd.empty() && ::chdir(c.cwd.c_str()) != 0) ::_exit(127);
      ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    if (p > 0) {
      ::setpgid(p, p);
      servers.push_back(p);
    }
  }
  // Wait until the servers listen (a DHCP client would otherwise meet nobody and wait for its retry):
  // 67/udp from any of them, and each one's own ports; fail at once when a server exits.
  std::string see = "; see " + (c.log_path.empty() ? std::string("its output") : c.log_path);
  std::string status = "ok";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(c.ready_timeout_ms);
  for (;;) {
    for (size_t i = 0; i < servers.size() && status == "ok"; ++i) {
      int st = 0;
      if (::waitpid(servers[i], &st, WNOHANG) == servers[i]) {
        status = "error: server `" + c.commands[i] + "` exited at once (status " + std::to_string(st) + ")" + see;
        servers[i] = -servers[i];  // reaped: not signalled or waited for again
      }
    }
    if (status != "ok") break;
    // Every port not listened on yet, each with the command that should open it: a slow server
    // that has not opened any of its ports yet must not hide the one that never will.
    std::string missing;
    auto add = [&missing](const std::string& what) { missing += (missing.empty() ? "" : ", nor on ") + what; };
    if (!listening(ListenPort{67, false})) add("67/udp (DHCP) from any of the servers");
    for (size_t i = 0; i < c.listens.size() && i < c.commands.size(); ++i)
      for (const auto& p : c.listens[i])
        if (!listening(p)) add(p.text() + " from server `" + c.commands[i] + "`");
    if (missing.empty()) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      status = "error: not listening on " + missing + " after " + std::to_string(c.ready_timeout_ms) + " ms" + see;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  servers.erase(std::remove_if(servers.begin(), servers.end(), [](pid_t p) { return p <= 0; }), servers.end());
  if (status != "ok") {
    stop_servers(servers);
    send_status(ctl, status, -1);
    ::_exit(1);
  }
  send_status(ctl, status, tap);
  ::close(tap);
  // Wait for the end: the control socket closes (bootsim ended, however) or SIGTERM/SIGHUP.
  while (!g_helper_stop) {
    pollfd pf{ctl, POLLIN, 0};
    int n = ::poll(&pf, 1, 200);
    if (n > 0) {
      char b;
      if (::recv(ctl, &b, 1, 0) <= 0) break;
    }
    for (auto it = servers.begin(); it != servers.end();) {  // reap servers that ended on their own
      if (::waitpid(*it, nullptr, WNOHANG) == *it) { ::kill(-*it, SIGKILL); it = servers.erase(it); }
      else ++it;
    }
  }
  stop_servers(servers);
  ::_exit(0);
}

}  // namespace

std::optional<std::vector<ListenPort>> parse_listen_ports(const std::string& text) {
  std::vector<ListenPort> out;
  std::istringstream words(text);
  std::string w;
  while (words >> w) {
    auto slash = w.find('/');
    if (slash == std::string::npos || slash == 0 || slash > 5) return std::nullopt;
    std::string num = w.substr(0, slash), proto = w.substr(slash + 1);
    if (num.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    unsigned long port = std::stoul(num);
    if (port == 0 || port > 65535 || (proto != "udp" && proto != "tcp")) return std::nullopt;
    out.push_back(ListenPort{static_cast<std::uint16_t>(port), proto == "tcp"});
  }
  return out;
}

std::string NetnsServers::not_permitted() {
  if (const char* f = std::getenv("BOOTSIM_EXTERNAL_FORBID"); f && *f)
    return "external servers not permitted here (BOOTSIM_EXTERNAL_FORBID is set)";
  if (::access("/dev/net/tun", R_OK | W_OK) != 0)
    return "external servers need /dev/net/tun (TAP), which is missing or not accessible";
  if (::geteuid() != 0) {
    std::ifstream userns("/proc/sys/kernel/unprivileged_userns_clone");
    int on = 1;
    if (userns && (userns >> on) && on == 0)
      return "external servers need root or user namespaces (kernel.unprivileged_userns_clone is 0)";
    std::ifstream maxns("/proc/sys/user/max_user_namespaces");
    long max = 1;
    if (maxns && (maxns >> max) && max == 0)
      return "external servers need root or user namespaces (user.max_user_namespaces is 0)";
  }
  return "";
}

NetnsServers::NetnsServers(NetnsServersConfig config) : config_(std::move(config)) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::runtime_error(std::string("socketpair: ") + std::strerror(errno));
  pid_t parent = ::getpid();
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(sv[0]);
    ::close(sv[1]);
    throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::close(sv[0]);
    helper_main(sv[1], config_, parent);
  }
  ::close(sv[1]);
  helper_ = pid;
  ctl_fd_ = sv[0];
  // The helper answers "ok" with the TAP descriptor, or "error: why".
  char msg[512] = {};
  iovec iov{msg, sizeof msg - 1};
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  alignas(cmsghdr) char buf[CMSG_SPACE(sizeof(int))] = {};
  mh.msg_control = buf;
  mh.msg_controllen = sizeof buf;
  pollfd pf{ctl_fd_, POLLIN, 0};
  // The helper answers once the servers listen, at most ready_timeout_ms after starting them.
  ssize_t n = ::poll(&pf, 1, config_.ready_timeout_ms + 10000) > 0 ? ::recvmsg(ctl_fd_, &mh, MSG_CMSG_CLOEXEC) : -1;
  if (n > 0) {
    for (cmsghdr* cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
      if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) std::memcpy(&tap_fd_, CMSG_DATA(cm), sizeof(int));
  }
  std::string status = n > 0 ? std::string(msg, static_cast<size_t>(n)) : "error: the namespace helper did not answer";
  if (status != "ok" || tap_fd_ < 0) {
    stop();
    throw std::runtime_error("external servers: " + (status.rfind("error: ", 0) == 0 ? status.substr(7) : status));
  }
  ::fcntl(tap_fd_, F_SETFL, ::fcntl(tap_fd_, F_GETFL) | O_NONBLOCK);
}

NetnsServers::~NetnsServers() { stop(); }

void NetnsServers::stop() {
  if (tap_fd_ >= 0) ::close(tap_fd_);
  tap_fd_ = -1;
  if (ctl_fd_ >= 0) ::close(ctl_fd_);  // the helper sees EOF and stops the servers
  ctl_fd_ = -1;
  if (helper_ > 0) {
    int st;
    // It takes at most ~2 s (SIGTERM grace); a helper stuck beyond 5 s is killed (its servers die with it).
    for (int i = 0; i < 500; ++i) {
      if (::waitpid(helper_, &st, WNOHANG) != 0) { helper_ = -1; return; }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(helper_, SIGKILL);
    ::waitpid(helper_, &st, 0);
    helper_ = -1;
  }
}

}  // namespace bootsim
