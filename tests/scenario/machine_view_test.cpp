// Expectations in a variant with several machines are checked per machine, each on its view of the
// trace (its own events plus the network services'), and combined. A single machine's checks are not
// touched. Built from hand-made results: no boot needed.
#include <gtest/gtest.h>

#include "sim/scenario/runner.h"

namespace bootsim::scenario {
namespace {

TraceEvent event(std::int64_t t, const std::string& machine, const std::string& kind, TraceEvent fields = {}) {
  TraceEvent ev = {{"t_ns", t}, {"machine", machine}, {"kind", kind}};
  for (auto& [k, v] : fields.items()) ev[k] = v;
  return ev;
}

MachineRun machine(const std::string& name, StopReason reason, SimTime end) {
  MachineRun m;
  m.name = name;
  m.result = {reason, "", end};
  return m;
}

/// Two machines: m1 prints the failure and ends, m2 hands off. The DHCP server's event is nobody's.
VariantResult two_machines() {
  VariantResult r;
  r.name = "v";
  r.machines = {machine("m1", StopReason::kNbpReturned, SimTime::from_s(20)),
                machine("m2", StopReason::kHandoff, SimTime::from_s(18))};
  r.result = r.machines.front().result;
  r.events = {event(1000, "dhcpd", "dhcp", {{"msg", "ACK"}}),
              event(2000, "m1", "console", {{"text", "No configuration methods succeeded\r\n"}}),
              event(3000, "m2", "console", {{"text", "Configuring ok\r\n"}}),
              event(18000000000, "m2", "handoff", {{"protocol", "multiboot"}, {"cmdline", "mboot.c32 -c x"}})};
  return r;
}

Expectation expect(ExpectationBody body, const std::string& on = "") {
  Expectation e;
  e.body = std::move(body);
  e.machine = on;
  return e;
}

TEST(scenario_machine_view, AViewHoldsItsMachineAndTheServicesOnly) {
  VariantResult v = machine_view(two_machines(), "m2");
  ASSERT_EQ(v.events.size(), 3u);
  EXPECT_EQ(v.events[0]["machine"], "dhcpd");
  EXPECT_EQ(v.events[1]["machine"], "m2");
  EXPECT_EQ(v.result.reason, StopReason::kHandoff);
  EXPECT_THROW(machine_view(two_machines(), "m3"), std::out_of_range);
}

TEST(scenario_machine_view, AnExpectationForEveryMachineHoldsOnlyIfItHoldsOnEach) {
  VariantResult r = two_machines();
  Verdict handoff = check(expect(ExpectHandoff{}), r);
  EXPECT_EQ(handoff.status, VerdictStatus::kFail);
  EXPECT_EQ(handoff.evidence.rfind("m1: no handoff; run ended: nbp_returned; m2: multiboot handoff at ", 0), 0u)
      << handoff.evidence;

  ExpectConsole failure;
  failure.text = "No configuration methods succeeded";
  Verdict everywhere = check(expect(failure), r);
  EXPECT_EQ(everywhere.status, VerdictStatus::kFail) << "m2's console does not have it";
  EXPECT_NE(everywhere.evidence.find("m2: not on the console"), std::string::npos) << everywhere.evidence;
}

TEST(scenario_machine_view, AnExpectationForOneMachineLooksAtThatMachineOnly) {
  VariantResult r = two_machines();
  ExpectConsole failure;
  failure.text = "No configuration methods succeeded";
  Verdict on_m1 = check(expect(failure, "m1"), r);
  EXPECT_EQ(on_m1.status, VerdictStatus::kPass);
  EXPECT_EQ(on_m1.evidence, "m1: seen at 0.000002s: \"No configuration methods succeeded\"");
  EXPECT_EQ(check(expect(failure, "m2"), r).status, VerdictStatus::kFail) << "m1's console is not m2's";
  EXPECT_EQ(check(expect(ExpectExit{StopReason::kHandoff}, "m2"), r).status, VerdictStatus::kPass);
}

TEST(scenario_machine_view, OneMachineIsCheckedOnTheWholeTraceAsBefore) {
  VariantResult r = two_machines();
  r.machines.resize(1);  // a single-machine result: every event counts, whoever emitted it
  EXPECT_EQ(check(expect(ExpectHandoff{}), r).status, VerdictStatus::kPass);
  EXPECT_EQ(check(expect(ExpectHandoff{}), r).evidence.rfind("multiboot handoff at ", 0), 0u);
}

TEST(scenario_machine_view, AFleetMachinesChecksFindTheTransfersTheyReadAmongItsOtherEvents) {
  // Given two machines whose handoff command line does not start with the kernel's name, so that
  // check_handoff looks for the kernel among the transfers, and HTTP transfers for check_phase; each
  // machine's view is built without its frames and consoles (runner.cpp, view_of)
  VariantResult r = two_machines();
  r.events.insert(r.events.begin() + 1,
                  {event(1500, "tftpd", "tftp", {{"file", "mboot.c32"}, {"bytes", 1000}}),
                   event(1600, "m2", "frame_rx", {{"len", 60}, {"hex", std::string(120, '0')}}),
                   event(1700, "m1", "http", {{"path", "/m1-script.ipxe"}, {"start_ns", 1700}, {"end_ns", 1800}}),
                   event(1900, "m2", "http", {{"path", "/boot.ipxe"}, {"start_ns", 1900}, {"end_ns", 2000}}),
                   event(2100, "m2", "http", {{"path", "/vmlinuz"}, {"start_ns", 2100}, {"end_ns", 5100}})});
  r.events.back()["cmdline"] = "boot -c x";
  ExpectHandoff by_transfer;
  by_transfer.kind = ExpectHandoff::Kind::kKernel;
  by_transfer.kernel = "mboot.c32";
  // Then the kernel fetched by the TFTP server counts for m2
  Verdict handoff = check(expect(by_transfer, "m2"), r);
  EXPECT_EQ(handoff.status, VerdictStatus::kPass) << handoff.evidence;
  // and another machine's transfer does not
  by_transfer.kernel = "m1-script.ipxe";
  EXPECT_EQ(check(expect(by_transfer, "m2"), r).status, VerdictStatus::kFail);
  // And m2's second HTTP transfer of its own is its kernel download (m1's does not come first)
  ExpectPhaseDuration kernel;
  kernel.phase = Phase::kKernelDownload;
  kernel.min = SimTime::from_ns(3000);
  kernel.max = SimTime::from_ns(3000);
  Verdict phase = check(expect(kernel, "m2"), r);
  EXPECT_EQ(phase.status, VerdictStatus::kPass) << phase.evidence;
  EXPECT_NE(phase.evidence.find("took "), std::string::npos) << phase.evidence;
}

}  // namespace
}  // namespace bootsim::scenario
