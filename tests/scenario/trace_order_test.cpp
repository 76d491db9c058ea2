// Every trace bootsim writes is in time order (`t_ns` never decreases), for every shipped scenario
// (single and multi-machine) and for a `bootsim run --rom` boot: the real iPXE, the real boot network.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "real_scenario_util.h"
#include "sim/core/trace.h"

namespace bootsim {
namespace {

namespace fs = std::filesystem;

/// Checks one trace file: not empty, and no event earlier than the one before it. Returns its event count.
size_t expect_time_order(const fs::path& trace_path) {
  SCOPED_TRACE(trace_path.string());
  auto events = Trace::parse_jsonl(test::slurp(trace_path));
  EXPECT_FALSE(events.empty());
  size_t late = 0;
  std::string first_late;
  for (size_t i = 1; i < events.size(); ++i)
    if (events[i]["t_ns"].get<std::int64_t>() < events[i - 1]["t_ns"].get<std::int64_t>() && late++ == 0)
      first_late = "event " + std::to_string(i) + " " + events[i].dump() + " after " + events[i - 1].dump();
  EXPECT_EQ(late, 0u) << "events out of time order; first: " << first_late.substr(0, 600);
  return events.size();
}

bool is_trace(const fs::path& p) {
  const std::string tail = ".trace.jsonl", name = p.filename().string();
  return name.size() > tail.size() && name.compare(name.size() - tail.size(), tail.size(), tail) == 0;
}

class scenario_trace_order : public ::testing::TestWithParam<std::string> {};

TEST_P(scenario_trace_order, EveryTraceOfTheScenarioIsInTimeOrder) {
  // Given a shipped scenario run through the CLI
  fs::path out = test::fresh_dir("trace_order", GetParam());
  std::string cmd = std::string("'") + BOOTSIM_EXE + "' scenario '" + BOOTSIM_SOURCE_DIR + "/scenarios/" + GetParam() +
                    ".xml' -j 2 --out '" + out.string() + "' > '" + out.string() + "/log' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << test::slurp(out / "log");
  // Then each of its trace files is in time order
  size_t traces = 0;
  for (const auto& e : fs::recursive_directory_iterator(out))
    if (is_trace(e.path())) {
      expect_time_order(e.path());
      ++traces;
    }
  EXPECT_GE(traces, 1u) << "the scenario wrote no trace";
}

INSTANTIATE_TEST_SUITE_P(shipped, scenario_trace_order, ::testing::ValuesIn(test::shipped_scenarios_but_fleets()),
                         [](const auto& info) { return info.param; });

TEST(scenario_trace_order_cli, ShippedScenariosIncludeAMultiMachineOne) {
  auto names = test::shipped_scenarios_but_fleets();
  EXPECT_GE(names.size(), 8u);
  EXPECT_NE(std::find(names.begin(), names.end(), "fleet_broadcom"), names.end());
}

TEST(scenario_trace_order_cli, RunWithRomPhaseWritesATraceInTimeOrder) {
  // Given the PXE ROM's own DHCP + TFTP phase, then iPXE's DHCP getting no answer it accepts
  fs::path dir = test::fresh_dir("trace_order", "run_rom");
  fs::create_directories(dir / "tftp");
  fs::copy_file(std::string(BOOTSIM_IPXE_DIR) + "/undionly.kpxe", dir / "tftp" / "undionly.kpxe");
  std::string cmd = std::string("'") + BOOTSIM_EXE + "' run --rom -q --until 40s --tftp-root '" +
                    (dir / "tftp").string() + "' --trace '" + (dir / "t.jsonl").string() + "' > '" +
                    (dir / "log").string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << test::slurp(dir / "log");
  // Then its trace, where "Configuring (net0 …)..." stays open while frames go out, is in time order
  EXPECT_GT(expect_time_order(dir / "t.jsonl"), 100u);
}

}  // namespace
}  // namespace bootsim
