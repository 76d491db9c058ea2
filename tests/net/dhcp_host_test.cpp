// Per-host boot files (DhcpServerConfig::hosts, scenario <dhcp><host>): a rule matches a request by its
// chaddr and/or the UUID of its option 97, the first match wins, and it replaces only the filenames it
// gives. Option 97 is read as PXE clients write it (RFC 4578: type 0, GUID with little-endian fields).
#include <gtest/gtest.h>

#include <string>

#include "sim/net/dhcp_server.h"

namespace bootsim {
namespace {

const Mac kA{0x52, 0x54, 0x00, 0x00, 0x00, 0x0A}, kB{0x52, 0x54, 0x00, 0x00, 0x00, 0x0B};
const Uuid kUuidA = *parse_uuid("4c4c4544-0041-4110-8041-c1c04f414141");
const Uuid kUuidB = *parse_uuid("4c4c4544-0042-4210-8042-c2c04f424242");

DhcpPacket request(const Mac& mac, std::optional<Uuid> uuid, bool ipxe) {
  DhcpPacket p;
  p.xid = 1;
  std::copy(mac.begin(), mac.end(), p.chaddr.begin());
  p.set(53, {DHCPDISCOVER});
  if (uuid) {
    auto g = guid_bytes(*uuid);
    std::vector<std::uint8_t> data{0};
    data.insert(data.end(), g.begin(), g.end());
    p.set(97, data);
  }
  if (ipxe) p.set_string(77, "iPXE");
  return p;
}

DhcpServer server(std::vector<DhcpHostRule> hosts) {
  DhcpServerConfig c;
  c.rom_filename = "undionly.kpxe";
  c.ipxe_filename = "http://10.0.2.100/boot.ipxe";
  c.hosts = std::move(hosts);
  return DhcpServer(c);
}

TEST(net_DhcpHosts, Option97DecodesToTheUuidTheClientPrints) {
  EXPECT_EQ(request(kA, kUuidA, true).client_uuid(), kUuidA);
  EXPECT_FALSE(request(kA, std::nullopt, true).client_uuid());
  DhcpPacket odd = request(kA, std::nullopt, true);
  odd.set(97, {1, 2, 3});  // not type 0 + 16 bytes
  EXPECT_FALSE(odd.client_uuid());
}

TEST(net_DhcpHosts, ChoosesByUuidByMacOrBothAndFirstMatchWins) {
  DhcpServer s = server({
      {std::nullopt, kUuidA, std::nullopt, std::string("http://10.0.2.100/a.ipxe")},
      {kB, kUuidB, std::string("b.kpxe"), std::nullopt},
      {kB, std::nullopt, std::string("b-any.kpxe"), std::string("http://10.0.2.100/b.ipxe")},
      {std::nullopt, kUuidA, std::nullopt, std::string("http://10.0.2.100/never.ipxe")},
  });
  struct Case {
    const char* name;
    Mac mac;
    std::optional<Uuid> uuid;
    bool ipxe;
    std::string file;
  };
  const Case cases[] = {
      {"uuid A, iPXE: rule 1", kA, kUuidA, true, "http://10.0.2.100/a.ipxe"},
      {"uuid A, ROM: rule 1 keeps the server's ROM file", kA, kUuidA, false, "undionly.kpxe"},
      {"uuid A on another MAC still matches", kB, kUuidA, true, "http://10.0.2.100/a.ipxe"},
      {"MAC B and uuid B, ROM: rule 2", kB, kUuidB, false, "b.kpxe"},
      {"MAC B and uuid B, iPXE: rule 2 gives no iPXE file", kB, kUuidB, true, "http://10.0.2.100/boot.ipxe"},
      {"MAC B without option 97: rule 3", kB, std::nullopt, true, "http://10.0.2.100/b.ipxe"},
      {"MAC A without option 97: the server's", kA, std::nullopt, true, "http://10.0.2.100/boot.ipxe"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(s.boot_file_for(request(c.mac, c.uuid, c.ipxe)), c.file);
  }
}

TEST(net_DhcpHosts, TheOfferNamesTheChosenFileAndTheTraceTheUuid) {
  DhcpServer s = server({{std::nullopt, kUuidA, std::string("a.kpxe"), std::nullopt}});
  UdpDatagram d;
  d.src_mac = kA;
  d.dst_mac = kBroadcastMac;
  d.dst_ip = 0xFFFFFFFF;
  d.src_port = 68;
  d.dst_port = 67;
  DhcpPacket req = request(kA, kUuidA, false);
  d.payload = req.encode();
  auto r = s.process(d);
  ASSERT_TRUE(r.reply);
  EXPECT_EQ(r.reply->packet.file, "a.kpxe");
  EXPECT_EQ(r.reply->packet.option_string(67), "a.kpxe");
  auto rx = dhcp_trace_fields(req, "rx", 67);
  ASSERT_TRUE(rx.uuid);
  EXPECT_EQ(*rx.uuid, "4c4c4544-0041-4110-8041-c1c04f414141");
  EXPECT_FALSE(dhcp_trace_fields(r.reply->packet, "tx", 67).uuid);
}

}  // namespace
}  // namespace bootsim
