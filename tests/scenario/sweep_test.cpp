// `bootsim sweep`: axis parsing and the boundary in words (pure), bad input through the CLI, and the
// acceptance sweep of the Broadcom-like link-up latency over 1-20 s with the real iPXE, whose boundary
// must be where the link comes back after iPXE's last DHCPDISCOVER.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "real_scenario_util.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/proto/packet.h"
#include "sim/scenario/sweep.h"
#include "sim/core/trace.h"

namespace bootsim::scenario {
namespace {

namespace fs = std::filesystem;

using test::slurp;

/// Runs bootsim with `args`; returns the exit code, output in *out.
int bootsim(const std::string& args, std::string* out) {
  fs::path log = bootsim::test::scratch_root() / "bootsim_sweep_test.log";
  int rc = std::system((std::string(BOOTSIM_EXE) + " " + args + " > " + log.string() + " 2>&1").c_str());
  *out = slurp(log);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

TEST(sweep, ParseVaryLabelsAndValues) {
  SweepAxis a = parse_vary("machine[r640-01]/nic/@autoneg=1s..3s/1s");
  EXPECT_EQ(a.path, "machine[r640-01]/nic/@autoneg");
  EXPECT_EQ(a.label, "autoneg");
  EXPECT_EQ(a.values, (std::vector<std::string>{"1s", "2s", "3s"}));
  EXPECT_EQ(parse_vary("param[sleep]/@value=5,10").label, "sleep");
  EXPECT_EQ(parse_vary("/scenario/@seed=1..2/1").label, "seed");
  EXPECT_EQ(parse_vary("machine[2]/cmdline=echo").label, "cmdline");
  EXPECT_THROW(parse_vary("machine[r640-01]/nic/@autoneg"), InputError);
  EXPECT_THROW(parse_vary("=1..2/1"), InputError);
  EXPECT_THROW(parse_vary("param[sleep]/@value=5..1/1"), InputError);
  EXPECT_EQ(cell_dir_name({parse_vary("a/@x=1"), parse_vary("param[sleep]/@value=2")}, {"1 s/x", "2"}), "x=1_s_x,sleep=2");
}

SweepCellResult cell(std::vector<std::string> values, std::string variant, std::string outcome) {
  SweepCellResult c;
  c.values = std::move(values);
  c.variant = std::move(variant);
  for (CellOutcome o : {CellOutcome::kPass, CellOutcome::kFail, CellOutcome::kSkip, CellOutcome::kFault,
                        CellOutcome::kError, CellOutcome::kInterrupted})
    if (outcome == to_string(o)) c.outcome = o;
  EXPECT_EQ(to_string(c.outcome), outcome) << "not an outcome";
  return c;
}

TEST(sweep, ExitCodeIsTheWorstCellThatDidNotRunThrough) {
  SweepResult r;
  r.cells = {cell({"1s"}, "stock", "pass"), cell({"2s"}, "stock", "fail")};
  EXPECT_EQ(exit_code(r), kExitOk) << "a failing cell is an answer, not a failure of the sweep";
  r.cells.push_back(cell({"3s"}, "stock", "fault"));
  EXPECT_EQ(exit_code(r), kExitGuestFault);
  r.cells.insert(r.cells.begin(), cell({"0s"}, "stock", "error"));
  EXPECT_EQ(exit_code(r), kExitInternalError) << "bootsim failing outranks a guest fault, in any order";
}

TEST(sweep, BoundaryOfOneAxisListsRunsOfOutcomes) {
  SweepResult r;
  r.axes = {parse_vary("machine[m]/nic/@autoneg=1s..5s/1s")};
  r.variants = {"stock"};
  for (auto [v, o] : std::vector<std::pair<std::string, std::string>>{
           {"1s", "pass"}, {"2s", "pass"}, {"3s", "fail"}, {"4s", "fail"}, {"5s", "fault"}})
    r.cells.push_back(cell({v}, "stock", o));
  EXPECT_EQ(describe_boundary(r),
            (std::vector<std::string>{"stock: pass for autoneg 1s..2s; fail for autoneg 3s..4s; fault for autoneg 5s"}));
}

TEST(sweep, BoundaryOfTwoAxesIsTheSmallestPassingValuePerRow) {
  SweepResult r;
  r.axes = {parse_vary("machine[m]/nic/@autoneg=5s,10s,15s"), parse_vary("param[sleep]/@value=0..6/2")};
  r.variants = {"v"};
  std::map<std::string, std::vector<std::string>> rows = {{"5s", {"pass", "pass", "pass", "pass"}},
                                                          {"10s", {"fail", "pass", "fail", "pass"}},
                                                          {"15s", {"fail", "fail", "fail", "fail"}}};
  for (const auto& a : r.axes[0].values)
    for (size_t i = 0; i < r.axes[1].values.size(); ++i) r.cells.push_back(cell({a, r.axes[1].values[i]}, "v", rows[a][i]));
  EXPECT_EQ(describe_boundary(r), (std::vector<std::string>{
                                      "v, autoneg=5s: passes from sleep=0 (the smallest value tried)",
                                      "v, autoneg=10s: passes from sleep=2 (fail at 0); but fail again at 4",
                                      "v, autoneg=15s: no sleep up to 6 passes",
                                  }));
}

TEST(sweep, BadInputExitsTwoAndNamesIt) {
  std::string out, file = std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml";
  fs::path dir = bootsim::test::scratch_root() / "bootsim_sweep_bad";
  EXPECT_EQ(bootsim("sweep " + file + " --out " + dir.string() + " --vary 'machine[r640-01]/nic/@speed=1..2/1'", &out), 2);
  EXPECT_NE(out.find("@speed"), std::string::npos) << out;
  EXPECT_EQ(bootsim("sweep " + file + " --out " + dir.string() + " --vary 'machine[r640-01]/nic/@autoneg=1..2/1'", &out), 2)
      << "a latency needs a unit";
  EXPECT_NE(out.find("autoneg"), std::string::npos) << out;
  EXPECT_EQ(bootsim("sweep " + file + " --out " + dir.string() + " --variant nope --vary 'param[sleep]/@value=1'", &out), 2);
  EXPECT_NE(out.find("nope"), std::string::npos) << out;
  fs::path not_a_dir = bootsim::test::scratch_root() / "bootsim_sweep_file";
  std::ofstream(not_a_dir) << "x";
  EXPECT_EQ(bootsim("sweep " + file + " --out " + not_a_dir.string() + " --vary 'param[sleep]/@value=1'", &out), 2);
  EXPECT_EQ(bootsim("scenario " + file + " --out " + not_a_dir.string(), &out), 2) << out;
  EXPECT_NE(out.find("not a directory"), std::string::npos) << out;
}

/// Times (ns) of iPXE's DHCPDISCOVERs in a trace, sent or dropped.
std::vector<std::int64_t> ipxe_discovers(const std::vector<TraceEvent>& events) {
  std::vector<std::int64_t> ts;
  bool nbp = false;
  for (const auto& ev : events) {
    if (ev["kind"] == "phase" && ev["phase"] == "nbp_start") nbp = true;
    if (!nbp || (ev["kind"] != "frame_tx" && ev["kind"] != "frame_drop") || !ev.contains("hex")) continue;
    auto udp = parse_udp_frame(from_hex(ev["hex"].get<std::string>()));
    if (!udp || udp->dst_port != 67) continue;
    auto p = DhcpPacket::decode(udp->payload.data(), udp->payload.size(), nullptr);
    if (p && p->message_type() == DHCPDISCOVER && p->option_string(77) == "iPXE") ts.push_back(ev["t_ns"].get<std::int64_t>());
  }
  return ts;
}

std::int64_t link_up_at(const std::vector<TraceEvent>& events) {
  for (const auto& ev : events)
    if (ev["kind"] == "link" && ev["state"] == "up") return ev["t_ns"].get<std::int64_t>();
  return -1;
}

TEST(sweep, LinkUpLatencyOneToTwentySecondsShowsWhereStockIpxeStartsToFail) {
  fs::path root = bootsim::test::scratch_root() / "bootsim_sweep_latency";
  fs::remove_all(root);
  fs::path out = root / "sweep-broadcom_timeout";  // the --out rule: DIR/sweep-<scenario>/
  std::string log;
  int rc = bootsim("sweep " + std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml --variant stock" +
                       " --vary 'machine[r640-01]/nic/@autoneg=1s..20s/1s' --out " + root.string(),
                   &log);
  ASSERT_EQ(rc, 0) << log;
  nlohmann::json j = nlohmann::json::parse(slurp(out / "sweep.json"));
  ASSERT_EQ(j["cells"].size(), 20u);
  EXPECT_NE(log.find("boundary:"), std::string::npos);
  EXPECT_TRUE(fs::exists(out / "sweep.html"));

  // One transition: short latencies boot, long ones do not.
  int first_fail = -1;
  for (int i = 0; i < 20; ++i) {
    std::string o = j["cells"][i]["outcome"];
    SCOPED_TRACE(j["cells"][i].dump());
    if (first_fail < 0 && o == "fail") first_fail = i;
    EXPECT_EQ(o, first_fail < 0 ? "pass" : "fail");
  }
  ASSERT_GT(first_fail, 0) << "a 1 s link-up must boot";
  EXPECT_EQ(j["boundary"][0], "stock: pass for autoneg 1s.." + j["cells"][first_fail - 1]["values"][0].get<std::string>() +
                                  "; fail for autoneg " + j["cells"][first_fail]["values"][0].get<std::string>() + "..20s");

  // The boundary is iPXE's own DHCP timer: the last passing cell's link came up before iPXE's last
  // DISCOVER, the first failing cell's after it (every DISCOVER then went out on a dead link).
  auto events_of = [&](int i) {
    fs::path cell_dir = (out / j["cells"][i]["report"].get<std::string>()).parent_path();
    return Trace::parse_jsonl(slurp(cell_dir / "stock.trace.jsonl"));
  };
  auto pass = events_of(first_fail - 1), fail = events_of(first_fail);
  auto pass_d = ipxe_discovers(pass), fail_d = ipxe_discovers(fail);
  ASSERT_FALSE(pass_d.empty());
  ASSERT_FALSE(fail_d.empty());
  EXPECT_LT(link_up_at(pass), pass_d.back());
  EXPECT_GT(link_up_at(fail), fail_d.back());
  EXPECT_EQ(fail_d.size(), 4u) << "iPXE's DISCOVERs at +0, +1, +3 and +7 s";
}

}  // namespace
}  // namespace bootsim::scenario
