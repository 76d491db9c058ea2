// The switch port's RSTP BPDUs cross the access link like any frame: the real scenario's pcap holds each
// one the trace records, at the same virtual time, and tshark decodes them as spanning tree. A classic
// STP port sends none.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "scratch_root.h"
#include "sim/core/trace.h"

namespace bootsim {
namespace {

namespace fs = std::filesystem;

using test::slurp;

/// tshark's "time<TAB>forwarding flag" lines for the spanning-tree frames of `pcap`.
std::vector<std::string> tshark_stp(const fs::path& pcap, const fs::path& out) {
  std::string cmd = "tshark -r " + pcap.string() + " -Y stp -T fields -e frame.time_epoch -e stp.flags.forwarding > " +
                    out.string() + " 2>/dev/null";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::vector<std::string> lines;
  std::istringstream in(slurp(out));
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) lines.push_back(l);
  return lines;
}

TEST(BpduPcap, RstpBpdusAreInThePcapAtTheirTraceTimesAndTsharkDecodesThem) {
  if (std::system("command -v tshark > /dev/null 2>&1") != 0) GTEST_SKIP() << "tshark not installed (.ci/setup installs it)";
  fs::path out = bootsim::test::scratch_root() / "bootsim_bpdu_pcap";
  fs::remove_all(out);
  std::string cmd = std::string(BOOTSIM_EXE) + " scenario " + BOOTSIM_SOURCE_DIR + "/scenarios/rstp_bpdu.xml --out " +
                    out.string() + " -j 2 > " + out.string() + ".log 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(out.string() + ".log");
  fs::path dir = out / "rstp_bpdu";

  // The trace's BPDUs, as "seconds.nanoseconds<TAB>0|1" the way tshark prints them.
  std::vector<std::string> traced;
  for (const auto& ev : Trace::parse_jsonl(slurp(dir / "rstp.trace.jsonl"))) {
    if (ev["kind"] != "bpdu") continue;
    std::int64_t ns = ev["t_ns"];
    char buf[64];
    std::snprintf(buf, sizeof buf, "%lld.%09lld\t%d", static_cast<long long>(ns / 1000000000),
                  static_cast<long long>(ns % 1000000000), ev["forwarding"].get<bool>() ? 1 : 0);
    traced.push_back(buf);
  }
  ASSERT_FALSE(traced.empty()) << "the rstp variant's port sent no BPDU";
  EXPECT_EQ(tshark_stp(dir / "rstp.pcap", out / "rstp.txt"), traced);

  // Classic STP: the port is silent, so the pcap has no spanning-tree frame.
  EXPECT_TRUE(tshark_stp(dir / "stp.pcap", out / "stp.txt").empty());
}

}  // namespace
}  // namespace bootsim
