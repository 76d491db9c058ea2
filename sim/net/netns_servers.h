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
// the given address, passes the TAP descriptor back over a socketpair (SCM_RIGHTS), then starts each
// command with /bin/sh -c in the scenario's folder, each in a process group of its own. The namespace
// has no name: it disappears with its last process. Teardown is the helper's job, so it happens however
// this process ends: the helper stops the servers (SIGTERM to each group, SIGKILL after 2 s) when the
// socketpair closes (this object's destructor, exit, a crash, SIGKILL: the kernel closes it) or when
// the helper itself gets SIGTERM (PR_SET_PDEATHSIG). Servers get PR_SET_PDEATHSIG(SIGKILL) against the
// helper, so none outlives it. The helper and the servers leave the terminal's process group: a Ctrl-C
// reaches bootsim only, which then ends the run and the destructor stops the servers in order.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bootsim {

struct NetnsServersConfig {
  std::vector<std::string> commands;  ///< each run as /bin/sh -c COMMAND
  std::string cwd;                    ///< the servers' working directory (the scenario's folder)
  std::uint32_t address = 0x0A000202; ///< the TAP's address inside the namespace (host byte order)
  int prefix_len = 24;
  std::string log_path;               ///< the servers' stdout and stderr (appended); empty: /dev/null
  int settle_ms = 400;                ///< wall time given to the servers to bind their sockets
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
