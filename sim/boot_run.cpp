#include "sim/boot_run.h"

#include <dirent.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>

#include "sim/guest_fault.h"
#include "sim/net/dhcp_server.h"
#include "sim/net/packet.h"

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

BootRunOutcome run_boot(const BootRunSpec& spec) {
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
    net->attach(machine.nic(), machine.nic().mac());
    machine.nic().connect(net.get());
  } else if (spec.responder == BootRunSpec::Responder::kDhcp) {
    lan = std::make_unique<MiniLan>(sched, out.trace, machine.nic());
    machine.nic().connect(lan.get());
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
  if (net) {
    out.net_stats = net->stats();
    net->flush();
  }
  return out;
}

}  // namespace bootsim
