#include "sim/world/world.h"

#include <dirent.h>

#include <cstdio>
#include <cstdlib>

#include "sim/core/baton.h"
#include "sim/core/errors.h"
#include "sim/machine/snapshot_cache.h"
#include "sim/net/mini_lan.h"

namespace bootsim {

namespace {

/// This process's open file descriptors; nullopt when they cannot be listed (no /proc).
std::optional<std::set<int>> open_fds() {
  std::set<int> fds;
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return std::nullopt;
  while (const dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') fds.insert(std::atoi(e->d_name));
  fds.erase(::dirfd(d));  // the listing's own descriptor
  ::closedir(d);
  return fds;
}

/// Builds the boot network, turning what its constructor throws about the configuration into InputError.
std::unique_ptr<BootNetwork> make_network(Scheduler& sched, Trace& trace, const NetworkConfig& config) {
  try {
    return std::make_unique<BootNetwork>(sched, trace, config);
  } catch (const InputError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw InputError(std::string("network: ") + e.what());  // missing roots, unwritable pcap
  }
}

}  // namespace

World::World(const BootRunSpec& spec) : spec_(spec), fds_before_(open_fds()) {
  if (!spec_.more_machines.empty() && !spec_.network)
    throw InputError("several machines need the boot network (a scenario <network>)");
  machines_.push_back(std::make_unique<Machine>(sched_, out_.trace, spec_.machine));
  for (const auto& mc : spec_.more_machines) machines_.push_back(std::make_unique<Machine>(sched_, out_.trace, mc));
  if (spec_.network) {
    net_ = make_network(sched_, out_.trace, *spec_.network);
    for (auto& m : machines_) {
      net_->attach(m->switch_port(), m->nic().mac());
      m->switch_port().connect(net_.get(), &net_->capture_port());
    }
  } else if (spec_.responder == BootRunSpec::Responder::kDhcp) {
    lan_ = std::make_unique<MiniLan>(sched_, out_.trace, machines_.front()->switch_port());
    machines_.front()->switch_port().connect(lan_.get());
  }
  if (spec_.observe && machines_.size() == 1) {
    machines_.front()->nic().observe_with(spec_.observe);
    machines_.front()->rom().observe_with(spec_.observe);
    if (net_) net_->dhcp().observe_with(spec_.observe);
  }
}

World::~World() = default;

void World::echo_console() {
  // A lone machine's lines as they are; with several, each names its machine.
  const bool ts = spec_.echo_timestamps;
  const bool named = machines_.size() > 1;
  for (auto& m : machines_) {
    std::string prefix = named ? "[" + m->name() + "] " : "";
    m->console().on_line([ts, prefix](const Console::Line& l) {
      if (ts) std::printf("%s[%12s] %s\n", prefix.c_str(), format_time(l.t).c_str(), l.text.c_str());
      else std::printf("%s%s\n", prefix.c_str(), l.text.c_str());
      std::fflush(stdout);
    });
  }
}

/// False when BOOTSIM_SNAPSHOT=off: the switch exists to show that sharing start-ups changes nothing
/// (tests compare both ways) and to rule it out when hunting a bug.
static bool snapshots_wanted() {
  const char* snap = std::getenv("BOOTSIM_SNAPSHOT");
  return !(snap && std::string(snap) == "off");
}

std::vector<RunResult> World::run_alone() {
  // Alone in its World, a machine shares its start-up only with the run's other processes (forks of a
  // shared boot, other workers), through the run's shelf, and with earlier runs, through the cache.
  if (snapshots_wanted() && (StretchShelf::current() || SnapshotCache::process())) {
    snapshots_ = std::make_unique<StartupSnapshots>();
    snapshots_->set_shelf(StretchShelf::current());
    snapshots_->set_cache(SnapshotCache::process());
    snapshots_->set_learning(StretchShelf::current() != nullptr);
    machines_.front()->set_snapshots(snapshots_.get());
  }
  return {machines_.front()->run(spec_.until)};
}

std::vector<RunResult> World::run_with_baton() {
  const size_t n = machines_.size();
  Baton baton(sched_, n);
  // Machines booting the same NBP share its start-up (sim/machine/startup_snapshot.h).
  snapshots_ = std::make_unique<StartupSnapshots>();
  snapshots_->set_shelf(StretchShelf::current());
  const bool share = snapshots_wanted();
  if (share) snapshots_->set_cache(SnapshotCache::process());
  for (size_t i = 0; i < n; ++i) {
    machines_[i]->set_baton(&baton, i);
    if (share) machines_[i]->set_snapshots(snapshots_.get());
  }
  std::vector<RunResult> results(n);
  std::vector<std::exception_ptr> errors(n);
  std::exception_ptr spawn_error;
  try {
    baton.run([&](size_t i) {
      try {
        results[i] = machines_[i]->run(spec_.until);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  } catch (...) {
    spawn_error = std::current_exception();  // no machine ran: their fibers could not be had
  }
  for (auto& m : machines_) m->set_snapshots(nullptr);
  out_.trace.set_listener(nullptr);
  if (net_) net_->flush();
  if (spawn_error) std::rethrow_exception(spawn_error);
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  if (auto e = baton.error()) std::rethrow_exception(e);
  return results;
}

BootRunOutcome World::run() {
  if (ran_) throw std::logic_error("World::run called twice");
  ran_ = true;
  if (spec_.echo_console) echo_console();
  if (spec_.watch) {
    // Runs on the thread holding the baton (if any); the others are blocked, so stopping them from here
    // is safe (Machine::request_stop only sets their stop state and asks their engine to leave
    // uc_emu_start).
    out_.trace.set_listener([this](const TraceEvent& ev) {
      if (spec_.watch(ev) && ev["kind"] != "exit")
        for (auto& m : machines_) m->request_stop(StopReason::kTimeLimit, spec_.watch_stop_detail);
    });
  }
  std::vector<RunResult> results = machines_.size() == 1 ? run_alone() : run_with_baton();
  out_.trace.set_listener(nullptr);

  const bool named = machines_.size() > 1;
  for (size_t i = 0; i < machines_.size(); ++i) {
    Machine& m = *machines_[i];
    if (spec_.echo_console && !m.console().current_line().empty())
      std::printf("%s%s\n", named ? ("[" + m.name() + "] ").c_str() : "", m.console().current_line().c_str());
    out_.machines.push_back({m.name(), results[i], m.console().raw(), m.console().screen_text(), m.stats()});
  }
  out_.result = out_.machines.front().result;
  out_.console_raw = out_.machines.front().console_raw;
  out_.console_text = out_.machines.front().console_text;
  out_.stats = out_.machines.front().stats;
  if (net_) {
    out_.net_stats = net_->stats();
    if (const TapHost* tap = net_->tap()) out_.pacing = tap->stats();
    net_->flush();
  }
  return std::move(out_);
}

bool World::can_fork() const {
  // A shared boot forks at one machine's observation; the others would be forked in the middle of their turns.
  if (machines_.size() != 1) return false;
  if (!net_) return true;
  // Without a listing of descriptors we cannot tell a live transfer from none: do not share.
  std::optional<std::set<int>> fds = open_fds();
  if (!fds || !fds_before_ || net_->open_connections() != 0) return false;
  for (int fd : *fds_before_) fds->erase(fd);
  for (int fd : net_->owned_fds()) fds->erase(fd);
  return fds->empty();
}

void World::prepare_fork() {
  if (net_) net_->prepare_fork();
  std::fflush(nullptr);
}

void World::continue_in_child(const std::string& pcap_path) {
  if (net_) net_->continue_in_child(pcap_path);
}

void World::set_link_params(const LinkProfile& p) { machines_.front()->nic().set_link_params(p); }

void World::set_cmdline(const std::optional<std::string>& cmdline) { machines_.front()->rom().set_cmdline(cmdline); }

void World::set_dhcp_reply_params(const DhcpServerConfig& c) {
  if (net_) net_->dhcp().set_reply_params(c);
}

}  // namespace bootsim
