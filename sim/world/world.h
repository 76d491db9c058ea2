// The World: one virtual clock (scheduler), one trace, the wire and its servers, and N >= 1 machines on
// it, run to a stop by one run(). Everything a boot needs lives here and dies with it.
//
// Usage:
//   World world(spec);                 // builds machines, then the wire (InputError for bad input)
//   BootRunOutcome out = world.run();  // once; guest faults end up in the results, never thrown
//
// One machine runs on the calling thread and moves the clock itself. Several machines each run on a
// thread of their own and take turns through a baton (sim/core/baton.h), in (virtual time, machine
// index) order, so the run is as deterministic as a lone machine's.
//
// Forking: a World with one machine can be forked in the middle of run() (from a console watcher, say:
// sim/scenario/shared_boot.h), and the child continues it as a world of its own. can_fork() says when
// that is safe, prepare_fork() goes before fork(), continue_in_child() after it in the child.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/core/frame_port.h"
#include "sim/core/scheduler.h"
#include "sim/machine/startup_snapshot.h"
#include "sim/world/boot_run.h"

namespace bootsim {

class World {
 public:
  /// Builds the machines, then the wire the spec asks for, and connects them. Throws InputError for bad
  /// input (an NBP that does not fit, several machines without the boot network, missing roots, an
  /// unwritable pcap).
  explicit World(const BootRunSpec& spec);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  /// Runs every machine until it stops or reaches spec.until, then hands back the trace and each
  /// machine's end. Call once. With several machines every thread is joined before it returns or throws.
  BootRunOutcome run();

  size_t machine_count() const { return machines_.size(); }
  Machine& machine(size_t i) { return *machines_.at(i); }
  SimTime now() const { return sched_.now(); }
  /// Start-up snapshots of the last run (several machines only): how many machines skipped a stretch and
  /// how many translated blocks that saved. Zero with one machine or BOOTSIM_SNAPSHOT=off.
  std::uint64_t snapshot_restores() const { return snapshots_ ? snapshots_->restores() : 0; }
  std::uint64_t snapshot_blocks_saved() const { return snapshots_ ? snapshots_->blocks_saved() : 0; }
  /// Host entries where a machine did not arm its page journal: another had found the stretch short.
  std::uint64_t snapshot_short_skips() const { return snapshots_ ? snapshots_->short_skips() : 0; }

  /// True when fork() now would give two independent worlds: one machine, and no host resource the
  /// child would share with the parent (an open HTTP connection, a descriptor the run opened such as a
  /// file slirp is sending by TFTP). False also when the process's descriptors cannot be listed.
  bool can_fork() const;
  /// Before fork(): flushes stdio and the pcap, so that neither process writes the other's buffers.
  void prepare_fork();
  /// In the child after fork(): continue with the pcap in `pcap_path` (starting with the frames so far)
  /// and servers of its own, so that parent and child never touch each other's files.
  void continue_in_child(const std::string& pcap_path);

  // Swapping inputs into a live one-machine world, from spec.observe's hook once a fork decided which run
  // this process continues as: each replaces exactly what its section covers.
  /// "machine/nic/…": drop_on_*, autoneg, jitter (Nic::set_link_params).
  void set_link_params(const LinkProfile& p);
  /// "machine/cmdline": PXENV_FILE_CMDLINE's answer.
  void set_cmdline(const std::optional<std::string>& cmdline);
  /// "network/dhcp": the main DHCP server's reply delay, drop rate, boot files and lease time.
  void set_dhcp_reply_params(const DhcpServerConfig& c);

 private:
  BootRunSpec spec_;
  BootRunOutcome out_;  // its trace is the world's trace, filled as the run goes
  Scheduler sched_;
  std::vector<std::unique_ptr<Machine>> machines_;
  std::unique_ptr<BootNetwork> net_;
  std::unique_ptr<FramePort> lan_;
  std::unique_ptr<StartupSnapshots> snapshots_;  // several machines: what their start-ups share  // Responder::kDhcp: a minimal LAN (mini_lan.h)
  /// Descriptors open before this world existed: not the world's, and not shared by a fork.
  std::optional<std::set<int>> fds_before_;
  bool ran_ = false;

  void echo_console();
  std::vector<RunResult> run_alone();
  std::vector<RunResult> run_with_baton();
};

}  // namespace bootsim
