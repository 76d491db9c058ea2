#include "sim/world/boot_run.h"

#include <dirent.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <thread>

#include "sim/core/baton.h"
#include "firmware/memory_map.h"
#include "sim/core/errors.h"
#include "sim/core/host_paths.h"
#include "sim/net/dhcp_server.h"
#include "sim/proto/packet.h"

namespace bootsim {

namespace {

/// A wire whose only other station answers ARP for the server address and DHCP. Replies reach the NIC
/// 100 µs after the request, through the scheduler.
class MiniLan final : public FramePort {
 public:
  MiniLan(Scheduler& sched, Trace& trace, FramePort& nic) : sched_(sched), trace_(trace), nic_(nic), dhcp_({}) {}

  void deliver(const Frame& f) override {
    if (auto arp = parse_arp_frame(f.bytes); arp && arp->op == 1 && arp->target_ip == dhcp_.config().server_ip) {
      ArpPacket reply{2, dhcp_.config().server_mac, arp->sender_mac, dhcp_.config().server_ip, arp->sender_ip};
      send(build_arp_frame(reply, arp->sender_mac));
      return;
    }
    auto udp = parse_udp_frame(f.bytes);
    if (!udp || udp->dst_port != 67) return;
    std::string why;
    if (auto r = dhcp_.handle(*udp, &why)) {
      trace_.emit(sched_.now(), "dhcpd", "dhcp",
                  {{"msg", dhcp_message_name(r->packet.message_type())},
                   {"xid", r->packet.xid},
                   {"yiaddr", format_ipv4(r->packet.yiaddr)},
                   {"file", r->packet.file}});
      send(std::move(r->frame));
    } else {
      trace_.emit(sched_.now(), "dhcpd", "dhcp_ignored", {{"why", why}});
    }
  }

 private:
  void send(std::vector<std::uint8_t> bytes) {
    auto frame = std::make_shared<Frame>(Frame{sched_.now(), std::move(bytes)});
    sched_.schedule_in(SimTime::from_us(100), "lan.reply", [this, frame] {
      frame->t = sched_.now();
      nic_.deliver(*frame);
    });
  }
  Scheduler& sched_;
  Trace& trace_;
  FramePort& nic_;
  DhcpServer dhcp_;
};

}  // namespace

std::vector<std::uint8_t> read_nbp_file(const std::string& path, const std::string& what) {
  if (auto why = input_file_problem(path, layout::kMaxNbpBytes))
    throw InputError(path + ": cannot boot this NBP (" + what + "): it " + *why);
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path + ": cannot open the NBP file (" + what + ")");
  return {std::istreambuf_iterator<char>(f), {}};
}

int exit_code_for(StopReason reason) {
  switch (reason) {
    case StopReason::kGuestFault: return kExitGuestFault;
    case StopReason::kInternalError: return kExitInternalError;
    default: return kExitOk;
  }
}

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

}  // namespace

namespace {

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

MachineOutcome outcome_of(Machine& m, const RunResult& r) {
  return {m.name(), r, m.console().raw(), m.console().screen_text(), m.stats()};
}

/// Several machines on one boot network, one thread each, taking turns through a baton.
BootRunOutcome run_many(const BootRunSpec& spec) {
  if (!spec.network) throw InputError("several machines need the boot network (a scenario <network>)");
  if (!spec.key_branches.alternatives.empty())
    throw std::logic_error("key branches (shared boots) are for single-machine runs");
  BootRunOutcome out;
  Scheduler sched;
  std::vector<std::unique_ptr<Machine>> machines;
  machines.push_back(std::make_unique<Machine>(sched, out.trace, spec.machine));
  for (const auto& mc : spec.more_machines) machines.push_back(std::make_unique<Machine>(sched, out.trace, mc));
  std::unique_ptr<BootNetwork> net = make_network(sched, out.trace, *spec.network);
  for (auto& m : machines) {
    net->attach(m->switch_port(), m->nic().mac());
    m->switch_port().connect(net.get(), &net->capture_port());
  }
  if (spec.echo_console) {
    bool ts = spec.echo_timestamps;
    for (auto& m : machines) {
      std::string name = m->name();
      m->console().on_line([ts, name](const Console::Line& l) {
        if (ts) std::printf("[%s] [%12s] %s\n", name.c_str(), format_time(l.t).c_str(), l.text.c_str());
        else std::printf("[%s] %s\n", name.c_str(), l.text.c_str());
        std::fflush(stdout);
      });
    }
  }
  if (spec.watch) {
    // Runs on the thread holding the baton; the others are blocked, so stopping them from here is safe
    // (Machine::stop only sets their stop state and asks their engine to leave uc_emu_start).
    out.trace.set_listener([&spec, &machines](const TraceEvent& ev) {
      if (spec.watch(ev) && ev["kind"] != "exit")
        for (auto& m : machines) m->request_stop(StopReason::kTimeLimit, "stopped by watcher");
    });
  }

  const size_t n = machines.size();
  Baton baton(sched, n);
  for (size_t i = 0; i < n; ++i) machines[i]->set_baton(&baton, i);
  std::vector<RunResult> results(n);
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::thread> threads;
  std::exception_ptr spawn_error;
  for (size_t i = 0; i < n; ++i) {
    try {
      threads.emplace_back([&, i] {
        try {
          baton.start(i);
          results[i] = machines[i]->run(spec.until);
        } catch (...) {
          errors[i] = std::current_exception();
        }
        baton.done(i);
      });
    } catch (...) {
      // No thread for machines i..n-1: they never run, and the others must not wait for them.
      spawn_error = std::current_exception();
      for (size_t j = i; j < n; ++j) baton.done(j);
      break;
    }
  }
  for (auto& t : threads) t.join();
  out.trace.set_listener(nullptr);
  net->flush();
  if (spawn_error) std::rethrow_exception(spawn_error);
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  if (auto e = baton.error()) std::rethrow_exception(e);

  if (spec.echo_console)
    for (auto& m : machines)
      if (!m->console().current_line().empty())
        std::printf("[%s] %s\n", m->name().c_str(), m->console().current_line().c_str());
  for (size_t i = 0; i < n; ++i) out.machines.push_back(outcome_of(*machines[i], results[i]));
  out.result = results[0];
  out.console_raw = out.machines[0].console_raw;
  out.console_text = out.machines[0].console_text;
  out.stats = out.machines[0].stats;
  out.net_stats = net->stats();
  return out;
}

}  // namespace

BootRunOutcome run_boot(const BootRunSpec& spec) {
  if (!spec.more_machines.empty()) return run_many(spec);
  // What was open before this world existed is not the world's (and not shared state a fork creates).
  std::optional<std::set<int>> fds_before;
  if (!spec.key_branches.alternatives.empty()) fds_before = open_fds();
  BootRunOutcome out;
  Scheduler sched;
  Machine machine(sched, out.trace, spec.machine);
  std::unique_ptr<MiniLan> lan;
  std::unique_ptr<BootNetwork> net;
  if (spec.network) {
    try {
      net = std::make_unique<BootNetwork>(sched, out.trace, *spec.network);
    } catch (const InputError&) {
      throw;
    } catch (const std::runtime_error& e) {
      throw InputError(std::string("network: ") + e.what());  // missing roots, unwritable pcap
    }
    net->attach(machine.switch_port(), machine.nic().mac());
    machine.switch_port().connect(net.get(), &net->capture_port());
  } else if (spec.responder == BootRunSpec::Responder::kDhcp) {
    lan = std::make_unique<MiniLan>(sched, out.trace, machine.switch_port());
    machine.switch_port().connect(lan.get());
  }
  if (spec.echo_console) {
    bool ts = spec.echo_timestamps;
    machine.console().on_line([ts, &machine](const Console::Line& l) {
      (void)machine;
      if (ts) std::printf("[%12s] %s\n", format_time(l.t).c_str(), l.text.c_str());
      else std::printf("%s\n", l.text.c_str());
      std::fflush(stdout);
    });
  }
  if (!spec.key_branches.alternatives.empty()) {
    machine.set_key_alternatives(spec.key_branches.alternatives, [&](size_t i) {
      bool can_fork = true;
      if (net) {
        // Without a listing of descriptors we cannot tell a live transfer from none: do not share.
        std::optional<std::set<int>> fds = open_fds();
        can_fork = fds && fds_before && net->open_connections() == 0;
        if (can_fork) {
          for (int fd : *fds_before) fds->erase(fd);
          for (int fd : net->owned_fds()) fds->erase(fd);
          can_fork = fds->empty();
        }
        if (can_fork) net->prepare_fork();
      }
      std::fflush(nullptr);
      auto pcap = spec.key_branches.fork(i, can_fork, sched.now());
      if (!pcap) return false;
      if (net) net->continue_in_child(*pcap);
      return true;
    });
  }
  if (spec.watch) {
    out.trace.set_listener([&spec, &machine](const TraceEvent& ev) {
      if (spec.watch(ev) && ev["kind"] != "exit") machine.request_stop(StopReason::kTimeLimit, "stopped by watcher");
    });
  }
  out.result = machine.run(spec.until);
  out.trace.set_listener(nullptr);
  if (spec.echo_console && !machine.console().current_line().empty()) {
    std::printf("%s\n", machine.console().current_line().c_str());
  }
  out.console_raw = machine.console().raw();
  out.console_text = machine.console().screen_text();
  out.stats = machine.stats();
  out.machines.push_back(outcome_of(machine, out.result));
  if (net) {
    out.net_stats = net->stats();
    net->flush();
  }
  return out;
}

}  // namespace bootsim
