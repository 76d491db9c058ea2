// Several machines on one boot network: three real iPXE boots (two through the PXE ROM, one started at
// the NBP with a cached DHCPACK) share the DHCP, TFTP and HTTP servers. Each must get a lease of its own
// from the real DHCP exchange, reach the handoff, and the whole run must repeat byte for byte.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "guest_fault_ud2.bin.h"
#include "ipxe_test_util.h"
#include "real_scenario_util.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/proto/packet.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"
#include "sim/world/world.h"

namespace bootsim::scenario {
namespace {

namespace fs = std::filesystem;

using test::slurp;

fs::path scratch(const std::string& name) { return test::fresh_dir("bootsim-multi-machine", name); }

Scenario three_machines(const fs::path& dir) {
  std::string src = BOOTSIM_SOURCE_DIR;
  std::ofstream(dir / "three.xml") << R"(<scenario name="three" seed="11" until="40s">
  <network subnet="10.0.2.0/24">
    <dhcp rom-filename="undionly.kpxe" ipxe-filename="http://10.0.2.100/boot.ipxe"/>
    <tftp root=")" << src << R"(/scenarios/files/tftp"><file name="undionly.kpxe" source="${ipxe}/undionly.kpxe"/></tftp>
    <http address="10.0.2.100" root=")" << src << R"(/scenarios/files/http"><file name="mboot.c32" source="${payloads}/mboot.c32"/></http>
  </network>
  <machine name="a" mac="52:54:00:00:00:0a"><nic profile="intel-like"/><firmware rom="pxe"/></machine>
  <machine name="b" mac="52:54:00:00:00:0b"><nic profile="generic"/><firmware rom="pxe"/></machine>
  <machine name="c" mac="52:54:00:00:00:0c"><nic profile="generic"/><firmware nbp="${ipxe}/undionly.kpxe"/></machine>
  <expect><handoff kernel="mboot.c32"/></expect>
</scenario>)";
  return load_scenario((dir / "three.xml").string(), test::real_load_options());
}

/// yiaddr of every DHCPACK each machine's NIC received for its own hardware address, decoded from the
/// frames in the trace.
std::map<std::string, std::set<std::uint32_t>> acked_addresses(const VariantResult& r) {
  std::map<std::string, std::set<std::uint32_t>> out;
  for (const auto& ev : r.events) {
    if (ev["kind"] != "frame_rx") continue;
    auto udp = parse_udp_frame(from_hex(ev["hex"].get<std::string>()));
    if (!udp || udp->dst_port != 68) continue;
    auto p = DhcpPacket::decode(udp->payload.data(), udp->payload.size(), nullptr);
    if (!p || p->op != 2 || p->message_type() != DHCPACK) continue;
    std::string machine = ev["machine"].get<std::string>();
    // Broadcast replies reach every NIC: key them by receiving machine and client hardware address.
    std::string chaddr = format_mac(Mac{p->chaddr[0], p->chaddr[1], p->chaddr[2], p->chaddr[3], p->chaddr[4], p->chaddr[5]});
    out[machine + " " + chaddr].insert(p->yiaddr);
  }
  return out;
}

TEST(firmware_multi_machine, ThreeIpxeBootsShareTheNetworkEachWithItsOwnLease) {
  fs::path dir = scratch("three");
  Scenario s = three_machines(dir);
  ASSERT_EQ(s.variants.size(), 1u);
  const Variant& v = s.variants.front();
  ASSERT_EQ(v.machines.size(), 3u);

  RunOptions first, second;
  first.out_dir = (dir / "first").string();
  second.out_dir = (dir / "second").string();
  VariantResult a = execute_variant(s, v, first);
  judge(v, a);

  // Every machine booted to the payload, each with its console and log of its own.
  ASSERT_EQ(a.machines.size(), 3u);
  std::map<std::string, std::string> mac_of = {{"a", "52:54:00:00:00:0a"}, {"b", "52:54:00:00:00:0b"}, {"c", "52:54:00:00:00:0c"}};
  EXPECT_EQ(a.console_path, fs::absolute(dir / "first" / (v.name + ".console.log")).string());
  EXPECT_EQ(slurp(a.console_path), a.machines.front().console_raw) << "the variant's console log is the first machine's";
  for (const auto& m : a.machines) {
    SCOPED_TRACE(m.name);
    EXPECT_EQ(m.result.reason, StopReason::kHandoff) << m.result.detail;
    EXPECT_NE(m.console_text.find("Configuring (net0 " + mac_of[m.name] + ")"), std::string::npos) << m.console_text;
    EXPECT_EQ(m.console_path, fs::absolute(dir / "first" / (v.name + "." + m.name + ".console.log")).string());
    EXPECT_EQ(slurp(m.console_path), m.console_raw);
  }
  EXPECT_TRUE(bootsim::test::all_verdicts_pass(a.verdicts));

  // The DHCP server gave each hardware address one address, a different one for each machine, and
  // each machine's NIC heard an ACK for its own address.
  std::map<std::string, std::set<std::uint32_t>> acks = acked_addresses(a);
  std::set<std::uint32_t> leased;
  for (const auto& [name, mac] : mac_of) {
    SCOPED_TRACE(name);
    auto it = acks.find(name + " " + mac);
    ASSERT_NE(it, acks.end()) << "no DHCPACK for " << mac << " reached machine " << name;
    EXPECT_EQ(it->second.size(), 1u) << "one address per client, for the ROM and for iPXE alike";
    leased.insert(*it->second.begin());
  }
  EXPECT_EQ(leased.size(), 3u) << "three machines, three addresses";

  // The same run again: byte-identical artifacts, whatever the host's threads did.
  VariantResult b = execute_variant(s, v, second);
  EXPECT_EQ(slurp(a.trace_path), slurp(b.trace_path));
  EXPECT_EQ(slurp(a.pcap_path), slurp(b.pcap_path));
  ASSERT_EQ(b.machines.size(), a.machines.size());
  for (size_t i = 0; i < a.machines.size(); ++i) {
    EXPECT_EQ(a.machines[i].result.end_time, b.machines[i].result.end_time);
    EXPECT_EQ(slurp(a.machines[i].console_path), slurp(b.machines[i].console_path));
  }
}

TEST(firmware_multi_machine, SeveralMachinesNeedTheBootNetworkAndCannotBeForked) {
  BootRunSpec spec = test::ipxe_spec();
  MachineConfig second = spec.machine;
  second.name = "pc1";
  second.mac[5] ^= 1;
  spec.more_machines.push_back(second);
  EXPECT_THROW(run_boot(spec), InputError) << "no network: nothing to share";
  spec.network = NetworkConfig{};
  World world(spec);
  EXPECT_FALSE(world.can_fork()) << "a shared boot forks one machine's run, not a fleet's";
}

TEST(firmware_multi_machine, AWatcherStopsEveryMachine) {
  // Given two iPXE machines on the boot network and a watcher that says stop at the second machine's
  // first transmitted frame
  BootRunSpec spec = test::ipxe_spec("undionly.kpxe", SimTime::from_s(30));
  MachineConfig second = spec.machine;
  second.name = "pc1";
  second.mac[5] ^= 1;
  second.rom.cached_ack = build_cached_ack(second.mac, CachedAckParams{});
  spec.more_machines.push_back(second);
  spec.network = NetworkConfig{};
  SimTime seen = SimTime::max();
  spec.watch = [&](const TraceEvent& ev) {
    if (ev["machine"] == "pc1" && ev["kind"] == "frame_tx" && seen == SimTime::max())
      seen = SimTime::from_ns(ev["t_ns"].get<std::int64_t>());
    return seen != SimTime::max();
  };
  // When it runs
  BootRunOutcome out = run_boot(spec);
  // Then both machines stopped there, long before the time limit
  ASSERT_EQ(out.machines.size(), 2u);
  ASSERT_LT(seen, SimTime::from_s(30));
  for (const auto& m : out.machines) {
    SCOPED_TRACE(m.name);
    EXPECT_EQ(m.result.reason, StopReason::kTimeLimit);
    EXPECT_EQ(m.result.detail, "stopped by watcher");
    EXPECT_LT(m.result.end_time, seen + SimTime::from_ms(100));
  }
  EXPECT_EQ(out.result.end_time, out.machines[0].result.end_time);
  EXPECT_EQ(out.console_raw, out.machines[0].console_raw);
}

TEST(firmware_multi_machine, AGuestFaultEndsThatMachineOnly) {
  // Given a machine whose NBP executes UD2 next to one running iPXE
  BootRunSpec spec = test::ipxe_spec("undionly.kpxe", SimTime::from_s(5));
  spec.network = NetworkConfig{};
  MachineConfig bad = spec.machine;
  bad.name = "bad";
  bad.mac[5] ^= 1;
  bad.nbp.assign(guest_fault_ud2_bin, guest_fault_ud2_bin + sizeof guest_fault_ud2_bin);
  bad.nbp_path = "fault_ud2";
  spec.more_machines.push_back(bad);
  // When they run
  BootRunOutcome out = run_boot(spec);
  // Then the faulting machine stopped with the fault on record, and iPXE ran on to the time limit
  ASSERT_EQ(out.machines.size(), 2u);
  EXPECT_EQ(out.machines[1].result.reason, StopReason::kGuestFault) << out.machines[1].result.detail;
  EXPECT_EQ(out.machines[0].result.reason, StopReason::kTimeLimit) << out.machines[0].result.detail;
  EXPECT_EQ(out.machines[0].result.end_time, SimTime::from_s(5));
  EXPECT_NE(out.machines[0].console_text.find("iPXE initialising devices...ok"), std::string::npos);
  int faults = 0;
  for (const auto& ev : out.trace.events_of("fault")) {
    EXPECT_EQ(ev["machine"], "bad");
    ++faults;
  }
  EXPECT_EQ(faults, 1);
}

}  // namespace
}  // namespace bootsim::scenario
