// Start-up snapshots (sim/machine/startup_snapshot.h): a fleet booting the real undionly.kpxe pays
// iPXE's start-up (its LZMA decompression) once, and nothing any machine does changes for it. The same
// fleet runs with snapshots and without (BOOTSIM_SNAPSHOT=off), and the trace, every console and the pcap
// must be byte-identical, and non-empty.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "sim/machine/snapshot_cache.h"
#include "ipxe_test_util.h"
#include "real_scenario_util.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/world_spec.h"
#include "sim/world/world.h"

namespace bootsim::scenario {
namespace {

namespace fs = std::filesystem;

using test::slurp;

/// Five machines of three NIC profiles, each through its PXE ROM (each with its own lease, so its own
/// DHCPACK in memory, and its own MAC, SMBIOS tables and BIOS tick count).
Scenario fleet(const fs::path& dir) {
  std::string src = BOOTSIM_SOURCE_DIR;
  std::ofstream(dir / "fleet.xml") << R"(<scenario name="fleet" seed="5" until="25s">
  <network subnet="10.0.2.0/24" ipv6-ra="off">
    <dhcp rom-filename="undionly.kpxe" ipxe-filename="http://10.0.2.100/boot.ipxe"/>
    <tftp root=")" << src << R"(/scenarios/files/tftp"><file name="undionly.kpxe" source="${ipxe}/undionly.kpxe"/></tftp>
    <http address="10.0.2.100" root=")" << src << R"(/scenarios/files/http"><file name="mboot.c32" source="${payloads}/mboot.c32"/></http>
  </network>
  <machine name="a" mac="52:54:00:00:00:0a"><nic profile="generic"/><firmware rom="pxe"/></machine>
  <machine name="b" mac="52:54:00:00:00:0b"><nic profile="generic"/><firmware rom="pxe"/></machine>
  <machine name="c" mac="52:54:00:00:00:0c"><nic profile="intel-like"/><firmware rom="pxe"/></machine>
  <machine name="d" mac="52:54:00:00:00:0d"><nic profile="broadcom-like"/><firmware rom="pxe"/></machine>
  <machine name="e" mac="52:54:00:00:00:0e"><nic profile="generic"/><firmware rom="pxe"/></machine>
</scenario>)";
  return load_scenario((dir / "fleet.xml").string(), test::real_load_options());
}

struct FleetRun {
  std::string trace, pcap;
  std::vector<std::string> consoles;
  std::vector<SimTime> ends;
  std::uint64_t restores = 0, blocks_saved = 0, short_skips = 0;
};

FleetRun run_fleet(const Scenario& s, const fs::path& out, bool snapshots) {
  fs::create_directories(out);
  BootRunSpec spec = world_spec(s, s.variants.front(), (out / "staging").string());
  spec.network->pcap_path = (out / "wire.pcap").string();
  if (snapshots) ::unsetenv("BOOTSIM_SNAPSHOT");
  else ::setenv("BOOTSIM_SNAPSHOT", "off", 1);
  FleetRun r;
  {
    World world(spec);
    BootRunOutcome o = world.run();
    r.trace = o.trace.to_jsonl();
    for (const auto& m : o.machines) {
      r.consoles.push_back(m.console_raw);
      r.ends.push_back(m.result.end_time);
    }
    r.restores = world.snapshot_restores();
    r.blocks_saved = world.snapshot_blocks_saved();
    r.short_skips = world.snapshot_short_skips();
  }  // the pcap is complete once the world is gone
  ::unsetenv("BOOTSIM_SNAPSHOT");
  r.pcap = slurp((out / "wire.pcap").string());
  return r;
}

TEST(firmware_fleet_snapshot, AFleetWithSnapshotsLeavesTheSameTraceConsolesAndPcapAsFullBoots) {
  // What one World shares by itself is counted below: no snapshots from earlier runs (snapshot_cache.h).
  SnapshotCache::use(nullptr);
  fs::path dir = test::fresh_dir("bootsim-fleet-snapshot", "fleet");
  Scenario s = fleet(dir);
  ASSERT_EQ(s.variants.size(), 1u);

  FleetRun full = run_fleet(s, dir / "full", false);
  FleetRun shared = run_fleet(s, dir / "shared", true);

  // The runs did something: every machine got through iPXE's start-up onto the wire.
  ASSERT_EQ(full.consoles.size(), 5u);
  EXPECT_EQ(full.restores, 0u) << "BOOTSIM_SNAPSHOT=off boots every machine in full";
  EXPECT_GT(full.trace.size(), 10000u);
  EXPECT_GT(full.pcap.size(), 1000u);
  for (const auto& c : full.consoles) EXPECT_NE(c.find("iPXE initialising devices...ok"), std::string::npos) << c;
  // With snapshots, a learns the two decompressions (of the prefix's 16-bit parts, ~0.19 M blocks, and of
  // the payload, ~7.6 M) and the other generic machines, b and e, skip both; c and d have other NIC
  // identities (the prefix keeps the PCI IDs it read in its own memory, so their memory differs where the
  // guest wrote) and each learn their own.
  EXPECT_EQ(shared.restores, 4u);
  EXPECT_GE(shared.blocks_saved, shared.restores * 1000000u);
  // The short stretches before it (~240 code-hook entries into undionly.kpxe's prefix) were journaled by
  // a alone: b and e, in the same CPU state there, knew them short and ran them without the journal.
  EXPECT_EQ(full.short_skips, 0u);
  EXPECT_GE(shared.short_skips, 2u * 100u);

  // And nothing anyone can see changed.
  EXPECT_TRUE(full.trace == shared.trace) << "traces differ";
  EXPECT_TRUE(full.pcap == shared.pcap) << "pcaps differ";
  ASSERT_EQ(shared.consoles.size(), full.consoles.size());
  for (size_t i = 0; i < full.consoles.size(); ++i) {
    EXPECT_EQ(full.consoles[i], shared.consoles[i]) << "machine " << i;
    EXPECT_EQ(full.ends[i], shared.ends[i]) << "machine " << i;
  }
}

}  // namespace
}  // namespace bootsim::scenario
