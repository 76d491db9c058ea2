// The World (sim/world/world.h): one machine or several, built from a spec and run to a stop with one
// run(), on the real iPXE; and the fork support a shared boot uses: a World forked in the middle of its
// run, whose child is then given keys, continues exactly as a run given those keys from the start.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "ipxe_test_util.h"
#include "real_scenario_util.h"
#include "sim/world/world.h"

namespace bootsim {
namespace {

std::vector<KeyTrigger> keys_of(std::initializer_list<const char*> specs) {
  std::vector<KeyTrigger> keys;
  for (const char* k : specs) keys.push_back(*parse_key_trigger(k, nullptr));
  return keys;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

TEST(firmware_world, OneMachineOnTheMiniLanLeasesFromTheRealDhcpServerAndTracesItsEvents) {
  // Given one iPXE machine and the minimal LAN (--responder dhcp)
  BootRunSpec spec = test::ipxe_spec("undionly.kpxe", SimTime::from_s(25));
  spec.responder = BootRunSpec::Responder::kDhcp;
  World world(spec);
  ASSERT_EQ(world.machine_count(), 1u);
  // When it runs
  BootRunOutcome out = world.run();
  // Then iPXE got its lease, and the LAN's DHCP events are the DHCP server's: both directions, with the
  // fields the boot network's server writes
  EXPECT_NE(test::console_time(out.trace, "Configuring (net0"), -1);
  std::vector<TraceEvent> dhcp = out.trace.events_of("dhcp");
  ASSERT_FALSE(dhcp.empty());
  bool ack = false;
  for (const auto& ev : dhcp) {
    EXPECT_EQ(ev["machine"], "dhcpd");
    ASSERT_TRUE(ev.contains("dir") && ev.contains("client") && ev.contains("opt77")) << ev.dump();
    if (ev["dir"] == "tx" && ev["msg"] == "ACK") {
      ack = true;
      EXPECT_EQ(ev["yiaddr"], "10.0.2.15");
      EXPECT_EQ(ev["client"], "52:54:00:12:34:56");
    }
  }
  EXPECT_TRUE(ack) << "the server acknowledged a lease";
  ASSERT_EQ(out.machines.size(), 1u);
  EXPECT_EQ(out.machines.front().console_raw, out.console_raw);
}

TEST(firmware_world, SeveralMachinesRunInOneWorldAndTheRunRepeatsByteForByte) {
  // Given two iPXE machines on the boot network
  BootRunSpec spec = test::ipxe_spec("undionly.kpxe", SimTime::from_s(4));
  MachineConfig second = spec.machine;
  second.name = "pc1";
  second.mac[5] ^= 1;
  spec.more_machines.push_back(second);
  spec.network = NetworkConfig{};
  // When the World runs, twice (one at a time: libslirp's clock is process-wide)
  BootRunOutcome a;
  {
    World first(spec);
    ASSERT_EQ(first.machine_count(), 2u);
    EXPECT_EQ(first.machine(1).name(), "pc1");
    a = first.run();
    EXPECT_THROW(first.run(), std::logic_error) << "a World runs once";
  }
  BootRunOutcome b = World(spec).run();
  // Then both machines ran iPXE and sent frames, each with its own result, and nothing differs
  ASSERT_EQ(a.machines.size(), 2u);
  for (const auto& m : a.machines) {
    SCOPED_TRACE(m.name);
    EXPECT_EQ(m.result.reason, StopReason::kTimeLimit);
    EXPECT_NE(m.console_text.find("iPXE"), std::string::npos);
    size_t sent = 0;
    for (const auto& ev : a.trace.events_of("frame_tx")) sent += ev["machine"] == m.name;
    EXPECT_GT(sent, 0u);
  }
  EXPECT_EQ(a.trace.to_jsonl(), b.trace.to_jsonl());
}

TEST(firmware_world, AWorldForkedAtConsoleTextContinuesAsARunGivenItsKeysFromTheStart) {
  // Given the keys of the shell workaround, and the trace of a run configured with them
  const std::vector<KeyTrigger> keys = keys_of({"Press Ctrl-B:<ctrl-b>", "iPXE>:echo forked world\\n"});
  BootRunSpec with_keys = test::ipxe_spec("undionly.kpxe", SimTime::from_s(8));
  with_keys.machine.keys = keys;
  const std::string expected = run_boot(with_keys).trace.to_jsonl();
  ASSERT_NE(expected.find("forked world"), std::string::npos);

  // When a World without keys is forked where the first trigger fires, and the child is given the keys
  const std::string child_trace = (test::fresh_dir("bootsim-world", "fork") / "child.jsonl").string();
  World world(test::ipxe_spec("undionly.kpxe", SimTime::from_s(8)));
  bool forked = false, child = false, could_fork = false;
  pid_t pid = -1;
  world.machine(0).watch_console([&](const std::string& raw) {
    if (forked || !ends_with(raw, keys.front().on_console)) return;
    forked = true;
    could_fork = world.can_fork();
    if (!could_fork) return;
    world.prepare_fork();
    pid = ::fork();
    if (pid != 0) return;
    child = true;
    world.continue_in_child("");
    world.machine(0).give_keys(keys);
  });
  BootRunOutcome out = world.run();
  if (child) {  // no gtest in the child: its trace goes to a file, its status says whether that worked
    _exit(out.trace.write_file(child_trace) ? 0 : 1);
  }
  // Then the child's trace is the keyed run's, byte for byte, and the parent ran on without keys
  ASSERT_TRUE(forked);
  ASSERT_TRUE(could_fork) << "a lone machine with nothing open can be forked";
  ASSERT_GT(pid, 0);
  int st = 0;
  ASSERT_EQ(::waitpid(pid, &st, 0), pid);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  EXPECT_EQ(test::slurp(child_trace), expected);
  EXPECT_EQ(out.trace.events_of("key").size(), 0u);
  EXPECT_EQ(out.trace.to_jsonl().find("forked world"), std::string::npos);
}

}  // namespace
}  // namespace bootsim
