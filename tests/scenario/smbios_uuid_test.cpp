// SMBIOS and option 97 with the real firmware (smbios_uuid.xml): Debian's undionly.kpxe finds the tables
// the emulated BIOS publishes, so its DHCPDISCOVER on the wire carries option 97 with the machine's UUID
// (type 0, first three fields little-endian, RFC 4578), exactly as the PXE ROM's did; the DHCP server's
// <host uuid> rule gives that machine its own script, and iPXE's ${serial}/${uuid} reach the console and
// the kernel command line.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "real_scenario_util.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/proto/packet.h"
#include "sim/scenario/loader.h"
#include "sim/scenario/runner.h"

namespace bootsim::scenario {
namespace {

namespace fs = std::filesystem;

TEST(scenario_smbios_uuid, IpxeSendsTheSmbiosUuidAndTheServerChoosesByIt) {
  Scenario s = load_scenario(std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/smbios_uuid.xml", test::real_load_options());
  const Variant* v = s.find_variant("by-uuid");
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->machines.size(), 2u);
  const Uuid want = *parse_uuid("9f1c2a4e-6b3d-4c1e-8a2f-5d7e9b0c1a23");
  EXPECT_EQ(v->machines[0].smbios.uuid, want);
  EXPECT_EQ(v->machines[0].smbios.serial, "CZ2K8M3");
  RunOptions ro;
  ro.out_dir = (test::scratch_root() / "bootsim-smbios-uuid").string();
  VariantResult r = execute_variant(s, *v, ro);
  judge(*v, r);
  EXPECT_TRUE(test::all_verdicts_pass(r.verdicts));

  // Every DISCOVER each machine put on the wire, ROM's and iPXE's, decoded from the frame bytes.
  std::map<std::string, std::vector<std::optional<Uuid>>> ipxe_discovers, rom_discovers;
  std::map<std::string, std::string> ipxe_file;  // the boot file each machine's iPXE was offered
  for (const auto& ev : r.events) {
    std::string kind = ev["kind"];
    if (kind != "frame_tx" && kind != "frame_rx") continue;
    auto udp = parse_udp_frame(from_hex(ev["hex"].get<std::string>()));
    if (!udp || (udp->dst_port != 67 && udp->dst_port != 68)) continue;
    auto p = DhcpPacket::decode(udp->payload.data(), udp->payload.size(), nullptr);
    if (!p) continue;
    std::string m = ev["machine"];
    bool ipxe = p->option_string(77) == "iPXE";
    if (kind == "frame_tx" && p->message_type() == DHCPDISCOVER) {
      const DhcpOption* o97 = p->find(97);
      if (o97 && ipxe) {
        ASSERT_EQ(o97->data.size(), 17u);
        EXPECT_EQ(o97->data[0], 0) << "type 0: a GUID follows";
        auto g = guid_bytes(want);
        if (m == "r650-07") {
          EXPECT_TRUE(std::equal(g.begin(), g.end(), o97->data.begin() + 1));
        }
      }
      (ipxe ? ipxe_discovers : rom_discovers)[m].push_back(p->client_uuid());
    }
    // Offers are broadcast on the shared wire: each machine's is the one for its own hardware address.
    for (const auto& mach : v->machines)
      if (mach.name == m && std::equal(mach.mac.begin(), mach.mac.end(), p->chaddr.begin()) && kind == "frame_rx" &&
          p->message_type() == DHCPOFFER && p->file.find("http://") == 0)
        ipxe_file[m] = p->file;
  }
  ASSERT_FALSE(ipxe_discovers["r650-07"].empty());
  for (const auto& u : ipxe_discovers["r650-07"]) EXPECT_EQ(u, want) << "iPXE read the UUID from SMBIOS";
  for (const auto& u : rom_discovers["r650-07"]) EXPECT_EQ(u, want) << "the ROM sends the same UUID";
  ASSERT_FALSE(ipxe_discovers["r640-01"].empty());
  const Uuid r640 = v->machines[1].smbios.uuid;
  EXPECT_EQ(format_uuid(r640).substr(0, 9), "4c4c4544-") << "the default tables: a Dell";
  for (const auto& u : ipxe_discovers["r640-01"]) EXPECT_EQ(u, r640);
  EXPECT_EQ(ipxe_file["r650-07"], "http://10.0.2.100/by-uuid.ipxe");
  EXPECT_EQ(ipxe_file["r640-01"], "http://10.0.2.100/boot.ipxe");
}

}  // namespace
}  // namespace bootsim::scenario
