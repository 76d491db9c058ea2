// End to end: Debian's real undionly.kpxe boots on the emulated PC against the real boot network
// (our DHCP, libslirp TCP/IP, our HTTP), runs `dhcp net0 && chain http://10.0.2.100/test.ipxe`, and the
// script's output appears on the console. Runs must be byte-identical (trace and pcap).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iterator>

#include "firmware/cached_ack.h"
#include "net_fixture.h"
#include "sim/world/boot_run.h"

namespace bootsim::testing {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

class net_BootE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    nbp_path = std::string(BOOTSIM_IPXE_DIR) + "/undionly.kpxe";
    if (slurp(nbp_path).empty()) GTEST_SKIP() << nbp_path << " not installed";
    ::mkdir(dir.sub("http").c_str(), 0755);
    std::ofstream(dir.sub("http/test.ipxe")) << "#!ipxe\necho http-script-ran\n";
  }
  BootRunSpec spec(const std::string& pcap, bool ra) {
    BootRunSpec s;
    std::string img = slurp(nbp_path);
    s.machine.nbp.assign(img.begin(), img.end());
    s.machine.nbp_path = nbp_path;
    s.machine.rom.cached_ack = build_cached_ack(s.machine.mac, CachedAckParams{});
    s.machine.rom.cmdline = "dhcp net0 && chain http://10.0.2.100/test.ipxe";
    s.until = SimTime::from_s(25);
    NetworkConfig n;
    n.http_root = dir.sub("http");
    n.pcap_path = pcap;
    n.ipv6_ra = ra;
    s.network = n;
    return s;
  }
  TempDir dir;
  std::string nbp_path;
};

TEST_F(net_BootE2E, DhcpThenHttpScriptRuns) {
  BootRunOutcome out = run_boot(spec(dir.sub("a.pcap"), /*ra=*/true));
  ASSERT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail << "\n" << out.console_text;
  // The DHCP exchange, as our server saw it: iPXE (option 77) asks, we answer with its lease.
  std::vector<std::string> seq;
  for (const auto& e : out.trace.events_of("dhcp")) {
    seq.push_back(e["dir"].get<std::string>() + " " + e["msg"].get<std::string>());
    if (e["dir"] == "rx") {
      EXPECT_EQ(e["opt77"], true);
      EXPECT_EQ(e["client"], "52:54:00:12:34:56");
    } else {
      EXPECT_EQ(e["yiaddr"], "10.0.2.15");
    }
  }
  ASSERT_GE(seq.size(), 4u);
  EXPECT_EQ(seq.front(), "rx DISCOVER");
  EXPECT_EQ(seq[1], "tx OFFER");
  EXPECT_EQ(seq[seq.size() - 2], "rx REQUEST");
  EXPECT_EQ(seq.back(), "tx ACK");
  // The script came over HTTP through slirp's TCP.
  auto http = out.trace.events_of("http");
  ASSERT_EQ(http.size(), 1u);
  EXPECT_EQ(http[0]["method"], "GET");
  EXPECT_EQ(http[0]["path"], "/test.ipxe");
  EXPECT_EQ(http[0]["status"], 200);
  EXPECT_EQ(http[0]["bytes"], 28);
  // With router advertisements on, "Configuring" ends with DHCP (≈3 s), not the IPv6 timeout (≈16 s).
  EXPECT_LT(http[0]["start_ns"].get<std::int64_t>(), 6000000000);
  // And iPXE ran it.
  EXPECT_NE(out.console_text.find("http-script-ran"), std::string::npos) << out.console_text;
  std::int64_t printed = -1;
  for (const auto& e : out.trace.events_of("console"))
    if (e["text"].get<std::string>().find("http-script-ran") != std::string::npos) printed = e["t_ns"];
  EXPECT_GT(printed, http[0]["end_ns"].get<std::int64_t>());
}

TEST_F(net_BootE2E, WithoutRouterAdvertisementsIpxeWaitsForIpv6) {
  BootRunOutcome out = run_boot(spec("", /*ra=*/false));
  auto http = out.trace.events_of("http");
  ASSERT_EQ(http.size(), 1u) << out.console_text;
  EXPECT_GT(http[0]["start_ns"].get<std::int64_t>(), 15000000000);
  EXPECT_NE(out.console_text.find("http-script-ran"), std::string::npos);
}

TEST_F(net_BootE2E, TwoRunsGiveIdenticalTracesAndPcaps) {
  BootRunOutcome a = run_boot(spec(dir.sub("1.pcap"), true));
  BootRunOutcome b = run_boot(spec(dir.sub("2.pcap"), true));
  std::string ta = a.trace.to_jsonl(), tb = b.trace.to_jsonl();
  EXPECT_GT(ta.size(), 1000u);
  EXPECT_TRUE(ta == tb) << "traces differ";
  std::string pa = slurp(dir.sub("1.pcap")), pb = slurp(dir.sub("2.pcap"));
  EXPECT_GT(pa.size(), 24u + 10 * 60);
  EXPECT_TRUE(pa == pb) << "pcaps differ";

  // tshark can read it and sees the DHCP exchange.
  if (std::system("command -v tshark >/dev/null 2>&1") != 0) GTEST_SKIP() << "no tshark";
  std::string cmd = "tshark -r '" + dir.sub("1.pcap") + "' -Y dhcp 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_TRUE(p);
  std::string text;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) text.append(buf, n);
  EXPECT_EQ(::pclose(p), 0);
  EXPECT_NE(text.find("DHCP Discover"), std::string::npos) << text;
  EXPECT_NE(text.find("DHCP Offer"), std::string::npos) << text;
  EXPECT_NE(text.find("DHCP Request"), std::string::npos) << text;
  EXPECT_NE(text.find("DHCP ACK"), std::string::npos) << text;
}

}  // namespace
}  // namespace bootsim::testing
