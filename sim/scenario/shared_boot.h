// Boot sharing: jobs (variants, sweep cells, `--set` runs) whose boots are the same until some moment
// of the simulation run as ONE boot up to the first moment any part of the simulation observes a
// difference, and fork there: one process per distinct value, each continuing as the jobs that have
// that value, recursively (a child forks again at the next difference). This module owns both halves:
// which jobs share a boot (group_jobs) and the shared boot with its forks (SharedBoot). The artifacts
// are byte-identical to running each job alone; only wall time changes.
//
// What is shared: a job's inputs are split by run_inputs (run_inputs.h) into a group key — everything
// the World reads when it is built or that it cannot take in live (the NBP, served files, MAC, NIC PCI
// identity, seed, `until`, several machines) — and sections a running World reads later and can swap:
// the NIC's drop-on-* flags and link timing (read at the UNDI call that would drop the link), the
// command line (read by PXENV_FILE_CMDLINE), the DHCP server's reply delay, drop rate, boot files and
// lease (read when it builds its first reply), and the console keys (decided at each console character
// until the process's first trigger fires). Jobs with equal group keys form a group; its boot starts as
// the first member.
//
// When it forks: the component about to read a section calls BootRunSpec::observe; SharedBoot then
// partitions the members this process still stands for by that section's digest. The process keeps
// the partition of the member it stands for; every other partition gets a fork() child that swaps that
// partition's values into the live World before the hook returns, so the child reads exactly what a
// run of its own would (the seeded generators have drawn the same, since nothing differed before). A
// fork happens only where World::can_fork holds (one machine, no open HTTP connection or TFTP
// transfer); the members of a partition that could not fork get no result here and are run on their
// own afterwards (run_jobs does that). Members that nothing told apart by the end share the result,
// each with its own copies of the artifacts.
#pragma once

#include <sys/types.h>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/run_inputs.h"
#include "sim/scenario/variant_jobs.h"

namespace bootsim::scenario {

/// Jobs that share one boot, in job order: not skipped, equal, non-empty group keys (run_inputs.h).
/// Every other job is a group of its own; skipped jobs are in no group.
std::vector<std::vector<size_t>> group_jobs(const std::vector<VariantJob>& jobs);

/// One shared boot of a group (members: indexes into jobs, more than one).
class SharedBoot {
 public:
  SharedBoot(const std::vector<VariantJob>& jobs, std::vector<size_t> members);

  /// Boots the group's first member and forks wherever a section is observed in which the members
  /// this process stands for differ. Returns, in every process (this one and each fork child), the
  /// results of the members it ended as (the first is the one it booted, the others were never told
  /// apart from it), without verdicts, their artifacts written. Throws what execute_variant throws;
  /// job() then says which member's error it is.
  std::vector<VariantResult> run();

  /// The member this process is (or was becoming) the boot of: an index into jobs.
  long job() const { return me_; }
  /// The members the results of run() are for, in that order.
  const std::vector<size_t>& members() const { return undecided_; }
  /// Processes this one forked, to be waited for before it exits.
  const std::vector<pid_t>& children() const { return children_; }

 private:
  const std::vector<VariantJob>& jobs_;
  std::vector<RunInputs> inputs_;  // per member of the group (index as in members_)
  std::vector<size_t> members_;
  std::vector<size_t> undecided_;  // the members this process still stands for (me_ first)
  long me_ = -1;
  std::vector<pid_t> children_;
  std::set<std::string, std::less<>> settled_;  // sections observed already
  bool keys_given_ = false;
  std::string shared_from;  // the member this process was forked from, and when
  SimTime fork_time{};

  const RunInputs& inputs_of(size_t job) const;
  std::string label(size_t job) const;
  /// Splits undecided_ by `digest` (of a job); forks a child per other partition, which calls `apply`
  /// with its new first member. The parent applies its own member's values as well.
  template <typename Digest, typename Apply>
  void split(World& world, Digest digest, Apply apply);
};

}  // namespace bootsim::scenario
