#include "sim/scenario/shared_boot.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "sim/scenario/interrupt.h"
#include "sim/scenario/worker_pool.h"
#include "sim/scenario/world_spec.h"
#include "sim/world/world.h"

namespace bootsim::scenario {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------------
// Which jobs share a boot

namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// The keys a member types: equal digests type the same keys at the same characters.
std::string keys_digest(const std::vector<KeyTrigger>& keys) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& k : keys)
    out.push_back({k.at ? nlohmann::json(k.at->ns) : nlohmann::json(), k.on_console, k.keys_text, k.keys});
  return out.dump();
}

/// BOOTSIM_NO_SHARE set (to anything but "" or "0"): every job boots on its own (to compare, or to rule
/// sharing out when chasing a bug).
bool sharing_disabled() {
  const char* v = std::getenv("BOOTSIM_NO_SHARE");
  return v && *v && std::string(v) != "0";
}

}  // namespace

std::vector<std::vector<size_t>> group_jobs(const std::vector<VariantJob>& jobs) {
  const bool alone = sharing_disabled();
  std::vector<std::vector<size_t>> groups;
  std::vector<std::string> keys;  // each group's key; empty: a group of its own
  for (size_t i = 0; i < jobs.size(); ++i) {
    const VariantJob& j = jobs[i];
    if (!j.variant->skip_reason.empty()) continue;
    // External servers run on the wall clock: such a boot is nobody's to share or fork.
    const bool own = alone || j.variant->network.external;
    const std::string key = own ? std::string() : run_inputs(*j.scenario, *j.variant).group_key;
    size_t g = 0;
    while (g < groups.size() && (key.empty() || keys[g] != key)) ++g;
    if (g == groups.size()) {
      groups.push_back({i});
      keys.push_back(key);
    } else {
      groups[g].push_back(i);
    }
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------------
// One boot, forked where its members first differ

SharedBoot::SharedBoot(const std::vector<VariantJob>& jobs, std::vector<size_t> members)
    : jobs_(jobs), members_(std::move(members)) {
  for (size_t m : members_) inputs_.push_back(run_inputs(*jobs_[m].scenario, *jobs_[m].variant));
}

const RunInputs& SharedBoot::inputs_of(size_t job) const {
  for (size_t k = 0; k < members_.size(); ++k)
    if (members_[k] == job) return inputs_[k];
  throw std::logic_error("SharedBoot: not a member");
}

std::string SharedBoot::label(size_t job) const {
  // Variants of one load are told apart by name; sweep cells (each its own load) also by their folder.
  const VariantJob& j = jobs_[job];
  if (j.scenario == jobs_[members_.front()].scenario) return j.variant->name;
  return j.variant->name + " (" + fs::path(j.options.out_dir).filename().string() + ")";
}

template <typename Digest, typename Apply>
void SharedBoot::split(World& world, Digest digest, Apply apply) {
  // Partitions of undecided_ by digest, in member order: the first holds me_ (undecided_ starts with it).
  std::vector<std::string> digests;
  std::vector<std::vector<size_t>> parts;
  for (size_t u : undecided_) {
    const std::string d = digest(u);
    size_t p = 0;
    while (p < parts.size() && digests[p] != d) ++p;
    if (p == parts.size()) {
      digests.push_back(d);
      parts.emplace_back();
    }
    parts[p].push_back(u);
  }
  for (size_t p = 1; p < parts.size(); ++p) {
    if (!world.can_fork()) continue;  // these members boot on their own later
    world.prepare_fork();
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid > 0) children_.push_back(pid);
    if (pid != 0) continue;  // the parent (or a failed fork: these members boot on their own later)
    if (!interrupt::become_worker(parent, false)) exit_worker(1);  // stays in the group's process group
    shared_from = label(static_cast<size_t>(me_));
    fork_time = world.now();
    me_ = static_cast<long>(parts[p].front());
    undecided_ = parts[p];
    children_.clear();
    const VariantJob& j = jobs_[parts[p].front()];
    world.continue_in_child(artifact_base(*j.variant, j.options) + ".pcap");
    apply(parts[p].front());
    return;
  }
  undecided_ = parts.front();
  // The live values are the first member's of the whole group: this process's member may differ there.
  apply(static_cast<size_t>(me_));
}

std::vector<VariantResult> SharedBoot::run() {
  me_ = static_cast<long>(members_.front());
  undecided_ = members_;
  const VariantJob& lead = jobs_[members_.front()];
  const auto t0 = std::chrono::steady_clock::now();  // only to report wall time

  const fs::path lead_staging = fs::path(lead.options.staging_dir) / lead.variant->name;
  BootRunSpec spec = world_spec(*lead.scenario, *lead.variant, lead_staging.string());
  spec.machine.keys.clear();  // given at the first trigger (Machine::give_keys)
  stop_at_signal(spec, [this](const TraceEvent& ev) {  // the member this process is now
    if (const auto& f = jobs_[static_cast<size_t>(me_)].options.on_event) f(ev);
  });
  if (spec.network) spec.network->pcap_path = artifact_base(*lead.variant, lead.options) + ".pcap";
  if (spec.network && spec.network->external)
    spec.network->external->log_path = artifact_base(*lead.variant, lead.options) + ".servers.log";
  World* live = nullptr;  // set before the run, the only time the hook is called
  spec.observe = [&](std::string_view section) {
    if (settled_.count(section)) return;  // every member this process stands for has the same values
    settled_.emplace(section);
    auto digest = [&](size_t j) {
      const auto& s = inputs_of(j).sections;
      auto it = s.find(section);
      return it == s.end() ? std::string() : it->second;
    };
    split(
        *live, digest,
        [&](size_t j) { apply_section(*live, section, *jobs_[j].scenario, *jobs_[j].variant); });
  };
  World world(spec);
  live = &world;
  bootsim::Machine& machine = world.machine(0);

  auto keys_of = [&](size_t j) -> const std::vector<KeyTrigger>& { return jobs_[j].variant->machines.front().keys; };
  // Where a run given member j's keys would fire its first trigger: the same check at the same character
  // (Machine checks its own triggers first), so the process that continues with those keys is that run.
  // Once keys are given, every member this process stands for has them.
  machine.watch_console([&](const std::string& raw) {
    if (keys_given_) return;
    auto fires = [&](size_t j) { return !keys_of(j).empty() && ends_with(raw, keys_of(j).front().on_console); };
    bool any = false;
    for (size_t u : undecided_) any = any || fires(u);
    if (!any) return;
    split(
        world, [&](size_t j) { return fires(j) ? keys_digest(keys_of(j)) : std::string(); },
        [&](size_t j) {
          if (!fires(j)) return;
          machine.give_keys(keys_of(j));
          keys_given_ = true;
        });
  });
  BootRunOutcome boot = world.run();
  const bool cut_short = interrupt::received() != 0;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::vector<VariantResult> results;
  const SimTime boot_end = boot.result.end_time;
  const VariantJob& mine = jobs_[static_cast<size_t>(me_)];
  const std::string my_pcap = artifact_base(*mine.variant, mine.options) + ".pcap";
  for (size_t k = 0; k < undecided_.size(); ++k) {
    const VariantJob& j = jobs_[undecided_[k]];
    if (k > 0 && fs::exists(my_pcap))
      fs::copy_file(my_pcap, artifact_base(*j.variant, j.options) + ".pcap", fs::copy_options::overwrite_existing);
    // The last member takes the boot's outcome; the others record a copy of it.
    VariantResult r = k + 1 == undecided_.size() ? record_variant(*j.variant, j.options, std::move(boot), wall)
                                                 : record_variant(*j.variant, j.options, boot, wall);
    r.interrupted = cut_short;
    if (k == 0) {
      r.shared_from = shared_from;
      r.shared_until = shared_from.empty() ? SimTime{} : fork_time;
    } else {
      // Nothing told it apart: its whole boot was this one.
      r.shared_from = label(static_cast<size_t>(me_));
      r.shared_until = boot_end;
    }
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace bootsim::scenario
