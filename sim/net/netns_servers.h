// Boot servers of the user's own (dnsmasq, ISC dhcpd, tftpd-hpa, an HTTP server) in a network namespace
// of their own, behind a TAP device whose other end is a file descriptor in this process.
//
// Usage:
//   if (auto why = NetnsServers::not_permitted(); !why.empty()) skip(why);
//   NetnsServers ns({{"dnsmasq --no-daemon --conf-file=files/dnsmasq/split.conf"}, scenario_dir,
//                    0x0A000202, 24, out_dir + "/servers.log"});
//   read(ns.tap_fd(), …) / write(ns.tap_fd(), …)   // Ethernet frames, no packet-info header
//
// How: a forked helper process unshares its network namespace (CLONE_NEWNET; root or a user namespace),
// brings `lo` up, creates the TAP "bootsim0" with a fixed MAC (52:55 + the address, like slirp's) and
// the given address, starts each command with /bin/sh -c in the scenario's folder, each in a process
// group of its own, waits until they listen (67/udp and each command's `listens`, read from the
// namespace's /proc/net tables: no fixed delay, no guess) and then passes the TAP descriptor back over
// a socketpair (SCM_RIGHTS). The namespace
// has no name: it disappears with its last process. Teardown is the helper's job, so it happens however
// this process ends: the helper stops the servers (SIGTERM to each group, SIGKILL after 2 s) when the
// socketpair closes (this object's destructor, exit, a crash, SIGKILL: the kernel closes it) or when
// the helper itself gets SIGTERM (PR_SET_PDEATHSIG). Servers get PR_SET_PDEATHSIG(SIGKILL) against the
// helper, so none outlives it. The helper and the servers leave the terminal's process group: a Ctrl-C
// reaches bootsim only, which then ends the run and the destructor stops the servers in order.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bootsim {

/// A port a server must listen on before the run starts (NetnsServersConfig::listens).
struct ListenPort {
  std::uint16_t port = 0;
  bool tcp = false;  ///< false: UDP
  std::string text() const { return std::to_string(port) + (tcp ? "/tcp" : "/udp"); }
  bool operator==(const ListenPort& o) const { return port == o.port && tcp == o.tcp; }
};

/// Parses "67/udp 69/udp 80/tcp" (space-separated PORT/udp or PORT/tcp, port 1..65535); nullopt when
/// anything else is there. The empty string gives no ports.
std::optional<std::vector<ListenPort>> parse_listen_ports(const std::string& text);

struct NetnsServersConfig {
  std::vector<std::string> commands;  ///< each run as /bin/sh -c COMMAND
  /// Per command (same index; missing entries: none) the ports it must listen on inside the namespace
  /// before the run starts. 67/udp (DHCP) is awaited in any case, from whichever server.
  std::vector<std::vector<ListenPort>> listens;
  std::string cwd;                    ///< the servers' working directory (the scenario's folder)
  std::uint32_t address = 0x0A000202; ///< the TAP's address inside the namespace (host byte order)
  int prefix_len = 24;
  std::string log_path;               ///< the servers' stdout and stderr (appended); empty: /dev/null
  /// Wall time the servers get to listen on their ports (/proc/net/{udp,tcp}{,6} in the namespace,
  /// polled every 10 ms); past it the run fails naming the server and the port it never opened.
  int ready_timeout_ms = 10000;
};

class NetnsServers {
 public:
  /// Empty when this process may create a network namespace with a TAP in it; otherwise why not
  /// ("not root and user namespaces are disabled", "no /dev/net/tun"). BOOTSIM_EXTERNAL_FORBID set and
  /// not empty forces a "not permitted" answer (tests of the skip path).
  static std::string not_permitted();

  /// Starts the helper and the servers. Throws std::runtime_error with the helper's reason when the
  /// namespace, the TAP or its address cannot be set up (nothing is left running then).
  explicit NetnsServers(NetnsServersConfig config);
  ~NetnsServers();  ///< stop()
  NetnsServers(const NetnsServers&) = delete;
  NetnsServers& operator=(const NetnsServers&) = delete;

  int tap_fd() const { return tap_fd_; }
  pid_t helper_pid() const { return helper_; }
  /// Stops the servers, waits for the helper and closes the TAP. Idempotent.
  void stop();

 private:
  NetnsServersConfig config_;
  pid_t helper_ = -1;
  int ctl_fd_ = -1, tap_fd_ = -1;
};

}  // namespace bootsim
