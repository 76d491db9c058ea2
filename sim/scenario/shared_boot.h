// Boot sharing: variants that differ only in their keys boot the same way until their first key fires,
// so one boot without keys serves them all and is forked, at each variant's first key trigger, into a
// process that continues as that variant. This module owns both halves: which jobs share a boot
// (group_jobs, from boot_key) and the shared boot with its forks (SharedBoot). The artifacts are
// byte-identical to running each variant alone; only wall time changes.
//
// A fork happens inside the World's run, at the console character where the variant's first trigger
// would fire (Machine::watch_console), and only when the World says it can be forked there
// (World::can_fork: no open HTTP connection or TFTP transfer). A variant whose fork was not possible
// gets no result from the shared boot and is run on its own afterwards (run_jobs does that).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/variant_jobs.h"

namespace bootsim::scenario {

/// What a variant's boot depends on before its first key: equal for two variants of one loaded
/// scenario when they boot the same machines on the same network for the same time, whatever their
/// names, descriptions, keys and expectations.
std::string boot_key(const Variant& v);

/// True when `v` can take part in a shared boot: not skipped, one machine, and its first key (if any)
/// waits for console text (a timed key would add a scheduler event to the shared run, which changes when
/// the machine wakes up).
bool can_share(const Variant& v);

/// Jobs that share one boot, in job order: same loaded scenario, same boot_key, same output folder, and
/// at most one without keys (it is the shared run itself). Every other job is a group of its own;
/// skipped jobs are in no group.
std::vector<std::vector<size_t>> group_jobs(const std::vector<VariantJob>& jobs);

/// One shared boot of a group (members: indexes into jobs, more than one).
class SharedBoot {
 public:
  SharedBoot(const std::vector<VariantJob>& jobs, std::vector<size_t> members);

  /// Boots the group's keyless variant (or the group's boot without keys, when none is keyless) and
  /// forks a process for each member whose first trigger fires where a fork is possible. Returns, in
  /// every process that ends as a member (this one when a member is keyless, and each fork child), that
  /// member's result without verdicts, its artifacts written; nullopt in a process that is no member.
  /// Throws what execute_variant throws; job() then says which member's error it is (if any).
  std::optional<VariantResult> run();

  /// The member this process is (or was becoming) the boot of: an index into jobs; -1 for none.
  long job() const { return me_; }
  /// Processes this one forked, to be waited for before it exits.
  const std::vector<pid_t>& children() const { return children_; }

 private:
  const std::vector<VariantJob>& jobs_;
  std::vector<size_t> members_;
  long me_ = -1;
  std::vector<pid_t> children_;
};

}  // namespace bootsim::scenario
