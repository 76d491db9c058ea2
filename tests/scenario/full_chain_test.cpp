// The whole chain with the real firmware, end to end through the CLI: power on -> the PXE ROM's DHCP
// (no option 77) gets undionly.kpxe over TFTP -> iPXE's DHCP (option 77) gets the script URL -> HTTP ->
// Multiboot handoff with the command line the script set. Decided from the trace and the pcap.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "scratch_root.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/proto/packet.h"
#include "sim/core/trace.h"

namespace bootsim {
namespace {

namespace fs = std::filesystem;

using test::slurp;

std::string run_scenario_into(const fs::path& out) {
  fs::remove_all(out);
  std::string cmd = std::string(BOOTSIM_EXE) + " scenario " + BOOTSIM_SOURCE_DIR +
                    "/scenarios/broadcom_timeout.xml --out " + out.string() + " > " + (out.string() + ".log") + " 2>&1";
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << slurp(out.string() + ".log");
  return (out / "broadcom_timeout").string();
}

TEST(scenario_full_chain, RomThenIpxeThenHttpThenHandoffAndDeterministic) {
  fs::path tmp = bootsim::test::scratch_root() / "bootsim_full_chain";
  fs::create_directories(tmp);
  std::string a = run_scenario_into(tmp / "a");
  auto events = Trace::parse_jsonl(slurp(fs::path(a) / "embedded-sleep.trace.jsonl"));
  ASSERT_FALSE(events.empty());

  bool nbp_started = false, rom_request_without_77 = false, ipxe_request_with_77 = false;
  std::string rom_file, ipxe_file, handoff_cmdline;
  std::vector<std::string> http_gets;
  for (const auto& ev : events) {
    std::string kind = ev["kind"];
    if (kind == "phase" && ev["phase"] == "nbp_start") nbp_started = true;
    if (kind == "http") http_gets.push_back(ev.value("method", "") + " " + ev.value("path", "") + " " +
                                             std::to_string(ev.value("status", 0)));
    if (kind == "handoff") handoff_cmdline = ev.value("cmdline", "");
    if (kind != "frame_tx" && kind != "frame_rx") continue;
    auto udp = parse_udp_frame(from_hex(ev["hex"].get<std::string>()));
    if (!udp || (udp->dst_port != 67 && udp->dst_port != 68)) continue;
    auto p = DhcpPacket::decode(udp->payload.data(), udp->payload.size(), nullptr);
    if (!p) continue;
    if (kind == "frame_tx" && p->message_type() == DHCPREQUEST) {
      if (!nbp_started && !p->find(77)) rom_request_without_77 = true;
      if (nbp_started && p->option_string(77) == "iPXE") ipxe_request_with_77 = true;
    }
    if (kind == "frame_rx" && p->message_type() == DHCPACK) (nbp_started ? ipxe_file : rom_file) = p->file;
  }
  EXPECT_TRUE(rom_request_without_77);
  EXPECT_TRUE(ipxe_request_with_77);
  EXPECT_EQ(rom_file, "undionly.kpxe");
  EXPECT_EQ(ipxe_file, "http://10.0.2.100/boot.ipxe");
  ASSERT_GE(http_gets.size(), 2u);
  EXPECT_EQ(http_gets[0], "GET /boot.ipxe 200");
  EXPECT_EQ(http_gets[1], "GET /mboot.c32 200");
  EXPECT_EQ(handoff_cmdline, "http://10.0.2.100/mboot.c32 -c http://10.0.2.100/boot.cfg");

  // Same scenario, same seed: byte-identical traces and pcaps.
  std::string b = run_scenario_into(tmp / "b");
  for (const char* f : {"stock.trace.jsonl", "stock.pcap", "embedded-sleep.trace.jsonl", "embedded-sleep.pcap",
                        "shell.trace.jsonl", "shell.pcap"}) {
    std::string x = slurp(fs::path(a) / f), y = slurp(fs::path(b) / f);
    EXPECT_FALSE(x.empty()) << f;
    EXPECT_TRUE(x == y) << f << " differs between two runs";
  }

  // tshark reads the pcap and sees both DHCP phases, the TFTP transfer and the HTTP requests.
  if (std::system("command -v tshark > /dev/null 2>&1") != 0) GTEST_SKIP() << "tshark not installed";
  std::string out_file = (tmp / "tshark.txt").string();
  std::string cmd = "tshark -r " + (fs::path(a) / "embedded-sleep.pcap").string() +
                    " -Y 'dhcp || tftp || http' -T fields -e _ws.col.Info > " + out_file + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string listing = slurp(out_file);
  for (const char* want : {"DHCP Discover", "DHCP Offer", "DHCP Request", "DHCP ACK", "Read Request", "GET /boot.ipxe",
                           "GET /mboot.c32"})
    EXPECT_NE(listing.find(want), std::string::npos) << want << " not in tshark's listing:\n" << listing;
  // Both phases: at least two DISCOVER/REQUEST rounds (the ROM's and iPXE's).
  size_t requests = 0;
  for (size_t pos = 0; (pos = listing.find("DHCP Request", pos)) != std::string::npos; ++pos) ++requests;
  EXPECT_GE(requests, 2u) << listing;
}

}  // namespace
}  // namespace bootsim
