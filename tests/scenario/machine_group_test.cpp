// <machine count="N">, power-on and power-on-step (sim/scenario/loader_machines.cpp): a group expands to N
// machines with names from its {n} template, MACs counting up and staggered power-on; the template selects
// the group in <expect> and variant overrides; bad templates, counts and MAC ranges are rejected with
// file, line and attribute.
#include <gtest/gtest.h>

#include "scenario_test_util.h"

namespace bootsim::scenario::test {
namespace {

class scenario_machine_group : public ScenarioDir {};

TEST_F(scenario_machine_group, ACountedMachineExpandsIntoItsGroup) {
  Scenario s = load(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="solo" mac="52:54:00:00:00:01" power-on="2s"><firmware nbp="nbp.bin"/></machine>
  <machine name="node-{n:03}" count="3" mac="52:54:00:00:00:fe" power-on="1s" power-on-step="250ms">
    <nic profile="intel-like"/><firmware nbp="nbp.bin"/>
  </machine>
  <machine name="g{n}" count="2" mac="52:54:00:01:00:00"><firmware nbp="nbp.bin"/></machine>
  <expect machine="node-{n:03}"><handoff kernel="none"/></expect>
  <expect machine="solo"><handoff kernel="none"/></expect>
</scenario>
)");
  ASSERT_EQ(s.machines.size(), 6u);
  EXPECT_EQ(s.machines[0].name, "solo");
  EXPECT_EQ(s.machines[0].power_on, SimTime::from_s(2));
  const char* names[] = {"node-001", "node-002", "node-003"};
  const char* macs[] = {"52:54:00:00:00:fe", "52:54:00:00:00:ff", "52:54:00:00:01:00"};
  for (int i = 0; i < 3; ++i) {
    const Machine& m = s.machines[1 + i];
    EXPECT_EQ(m.name, names[i]);
    EXPECT_EQ(format_mac(m.mac), macs[i]);
    EXPECT_EQ(m.power_on, SimTime::from_ms(1000 + 250 * i));
    EXPECT_EQ(m.nic_profile, "intel-like");
  }
  EXPECT_EQ(s.machines[4].name, "g1");
  EXPECT_EQ(s.machines[5].name, "g2");
  EXPECT_EQ(s.machines[5].power_on, SimTime{});
  // The template's <expect> holds for each machine of the group, as if written once per machine.
  ASSERT_EQ(s.variants.size(), 1u);
  std::vector<std::string> targets;
  for (const auto& e : s.variants[0].expectations) targets.push_back(e.machine);
  EXPECT_EQ(targets, (std::vector<std::string>{"node-001", "node-002", "node-003", "solo"}));
}

TEST_F(scenario_machine_group, AVariantOverrideNamesTheGroup) {
  Scenario s = load(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="a" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
  <machine name="n{n}" count="2" mac="52:54:00:00:01:00"><firmware nbp="nbp.bin"/></machine>
  <variant name="v"><nic machine="n{n}" profile="broadcom-like"/></variant>
</scenario>
)");
  ASSERT_EQ(s.variants.size(), 1u);
  const auto& ms = s.variants[0].machines;
  ASSERT_EQ(ms.size(), 3u);
  EXPECT_EQ(ms[0].nic_profile, "generic");
  EXPECT_EQ(ms[1].nic_profile, "broadcom-like");
  EXPECT_EQ(ms[2].nic_profile, "broadcom-like");
}

TEST_F(scenario_machine_group, ACountNeedsANameTemplate) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="node" count="3" mac="52:54:00:00:00:01"/>
</scenario>
)", ScenarioErrc::kBadValue, 3, 12, "/scenario/machine[1]/@name", "template with one {n}");
}

TEST_F(scenario_machine_group, ABadPlaceholderIsRejected) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="node-{i}" count="3" mac="52:54:00:00:00:01"/>
</scenario>
)", ScenarioErrc::kBadValue, 3, 12, "/scenario/machine[1]/@name", "template with one {n}");
}

TEST_F(scenario_machine_group, TheCountIsBounded) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="n{n}" count="0" mac="52:54:00:00:00:01"/>
</scenario>
)", ScenarioErrc::kBadValue, 3, 24, "/scenario/machine[1]/@count", "between 1 and 1000");
}

TEST_F(scenario_machine_group, TheMacsMustStayInTheirOui) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="n{n}" count="3" mac="52:54:00:ff:ff:fe"/>
</scenario>
)", ScenarioErrc::kBadValue, 3, 34, "/scenario/machine[1]/@mac", "runs past");
}

TEST_F(scenario_machine_group, APowerOnStepNeedsACount) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="n1" power-on-step="1s" mac="52:54:00:00:00:01"/>
</scenario>
)", ScenarioErrc::kConflict, 3, 22, "/scenario/machine[1]/@power-on-step", "needs count");
}

TEST_F(scenario_machine_group, AGroupClashingWithAMachineIsADuplicate) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="n2" mac="52:54:00:00:00:01"/>
  <machine name="n{n}" count="2" mac="52:54:00:00:01:00"/>
</scenario>
)", ScenarioErrc::kDuplicateName, 4, 12, "/scenario/machine[2]/@name", "already exists (line 3)");
}

TEST_F(scenario_machine_group, AnExpectForAnUnknownGroupIsRejected) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="n{n}" count="2" mac="52:54:00:00:01:00"/>
  <expect machine="m{n}"><handoff kernel="none"/></expect>
</scenario>
)", ScenarioErrc::kUnknownReference, 4, 11, "/scenario/expect[1]/@machine", "");
}

}  // namespace
}  // namespace bootsim::scenario::test
