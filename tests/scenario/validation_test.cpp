// One test per validation rule of the scenario loader: each gives a small scenario that breaks exactly
// that rule and checks the error's identity (ScenarioErrc), its exact file:line:column and element path,
// and the gist of the description.
#include <gtest/gtest.h>

#include "scenario_test_util.h"

namespace bootsim::scenario::test {
namespace {

class scenario_validation : public ScenarioDir {};

// A valid base: one machine that starts at an NBP, TFTP serving the default boot file.
const char* kValid = R"(<scenario name="t">
  <network>
    <tftp root="tftp"/>
  </network>
  <machine name="m1" mac="52:54:00:00:00:01">
    <firmware nbp="nbp.bin"/>
  </machine>
</scenario>
)";

TEST_F(scenario_validation, BaseIsValid) {
  Scenario s = load(kValid);
  ASSERT_EQ(s.variants.size(), 1u);
  EXPECT_EQ(s.variants[0].name, "default");
  EXPECT_EQ(s.machines[0].start, FirmwareStart::kNbp);
  EXPECT_EQ(s.machines[0].nbp, (dir_ / "nbp.bin").string());
}

// --- Files and syntax --------------------------------------------------------------------------------

TEST_F(scenario_validation, UnreadableFile) {
  try {
    load_scenario((dir_ / "missing.xml").string(), options());
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.code(), ScenarioErrc::kFileUnreadable);
    EXPECT_EQ(std::string(e.what()), (dir_ / "missing.xml").string() + ": cannot read the scenario file");
  }
}

TEST_F(scenario_validation, XmlSyntaxError) {
  ScenarioError e = error(R"(<scenario name="t">
  <machine name="m1" mac="52:54:00:00:00:01">
  </machin>
</scenario>
)");
  EXPECT_EQ(e.code(), ScenarioErrc::kXmlSyntax);
  EXPECT_EQ(std::string(e.what()), (dir_ / "t.xml").string() + ":3:5: XML syntax error: Start-end tags mismatch");
}

// --- Structure ---------------------------------------------------------------------------------------

TEST_F(scenario_validation, WrongRootElement) {
  EXPECT_REJECTED(R"(<scenarios name="t"/>
)", ScenarioErrc::kUnknownElement, 1, 1, "/scenarios", "root element must be <scenario>");
}

TEST_F(scenario_validation, UnknownElement) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1" mac="52:54:00:00:00:01">
    <firmwar nbp="nbp.bin"/>
  </machine>
</scenario>
)", ScenarioErrc::kUnknownElement, 3, 5, "/scenario/machine[1]/firmwar", "allowed: <nic>, <firmware>, <smbios>, <cmdline>, <key>");
}

TEST_F(scenario_validation, UnknownAttribute) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1" mack="52:54:00:00:00:01"/>
</scenario>
)", ScenarioErrc::kUnknownAttribute, 2, 22, "/scenario/machine[1]/@mack", "allowed: name, mac, ram");
}

TEST_F(scenario_validation, SmbiosValuesAreCheckedWhereTheyAreWritten) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1" mac="52:54:00:00:00:01">
    <smbios uuid="4c4c4544-0042-3510-8052"/>
  </machine>
</scenario>
)", ScenarioErrc::kBadValue, 3, 13, "/scenario/machine[1]/smbios/@uuid", "is not a UUID");
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1" mac="52:54:00:00:00:01">
    <smbios serial="Sérial"/>
  </machine>
</scenario>
)", ScenarioErrc::kBadValue, 3, 13, "/scenario/machine[1]/smbios/@serial", "not printable ASCII");
}

TEST_F(scenario_validation, ADhcpHostNeedsSomethingToMatchAndSomethingToChoose) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><dhcp><host rom-filename="x.kpxe"/></dhcp></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
</scenario>
)", ScenarioErrc::kMissingAttribute, 2, 18, "/scenario/network/dhcp/host[1]", "needs mac, uuid or both");
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><dhcp><host mac="52:54:00:00:00:01"/></dhcp></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
</scenario>
)", ScenarioErrc::kMissingAttribute, 2, 18, "/scenario/network/dhcp/host[1]", "needs rom-filename, ipxe-filename or both");
}

TEST_F(scenario_validation, UnexpectedText) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1" mac="52:54:00:00:00:01">oops</machine>
</scenario>
)", ScenarioErrc::kUnexpectedText, 2, 46, "/scenario/machine[1]", "takes no text, found 'oops'");
}

TEST_F(scenario_validation, MissingRequiredAttribute) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1"/>
</scenario>
)", ScenarioErrc::kMissingAttribute, 2, 3, "/scenario/machine[1]", "needs attribute 'mac'");
}

TEST_F(scenario_validation, MissingMachine) {
  EXPECT_REJECTED(R"(<scenario name="t">
</scenario>
)", ScenarioErrc::kMissingElement, 1, 1, "/scenario", "at least one <machine>");
}

TEST_F(scenario_validation, DuplicateSingletonElement) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network/>
  <network/>
</scenario>
)", ScenarioErrc::kDuplicateElement, 3, 3, "/scenario/network", "only once");
}

TEST_F(scenario_validation, EmptyExpect) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
  <expect machine="m1"/>
</scenario>
)", ScenarioErrc::kMissingElement, 4, 3, "/scenario/expect[1]", "<expect> is empty");
}

// --- Values and units --------------------------------------------------------------------------------

TEST_F(scenario_validation, BadDurationUnit) {
  EXPECT_REJECTED(R"(<scenario name="t" until="10 sec">
</scenario>
)", ScenarioErrc::kBadValue, 1, 20, "/scenario/@until", "'10 sec' is not a duration");
}

TEST_F(scenario_validation, BadMac) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1" mac="52:54:00:00:00"/>
</scenario>
)", ScenarioErrc::kBadValue, 2, 22, "/scenario/machine[1]/@mac", "is not a MAC address");
}

TEST_F(scenario_validation, BadIpv4) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <http address="10.0.2.300" root="http"/>
  </network>
</scenario>
)", ScenarioErrc::kBadValue, 3, 11, "/scenario/network/http/@address", "'10.0.2.300' is not an IPv4 address");
}

TEST_F(scenario_validation, BadCidrHostBits) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network subnet="10.0.2.1/24"/>
</scenario>
)", ScenarioErrc::kBadValue, 2, 12, "/scenario/network/@subnet", "zero host bits");
}

TEST_F(scenario_validation, BadBool) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network ipv6-ra="yes"/>
</scenario>
)", ScenarioErrc::kBadValue, 2, 12, "/scenario/network/@ipv6-ra", "is not a bool");
}

TEST_F(scenario_validation, BadPercent) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <dhcp drop-rate="50"/>
  </network>
</scenario>
)", ScenarioErrc::kBadValue, 3, 11, "/scenario/network/dhcp/@drop-rate", "'50' is not a percentage");
}

TEST_F(scenario_validation, BadSize) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01" ram="64MB"/>
</scenario>
)", ScenarioErrc::kBadValue, 3, 46, "/scenario/machine[1]/@ram", "binary unit");
}

TEST_F(scenario_validation, BadEnum) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <switch port="fast"/>
  </network>
</scenario>
)", ScenarioErrc::kBadValue, 3, 13, "/scenario/network/switch/@port", "not one of: edge, portfast, stp, rstp");
}

TEST_F(scenario_validation, BadName) {
  EXPECT_REJECTED(R"(<scenario name="my scenario">
</scenario>
)", ScenarioErrc::kBadValue, 1, 11, "/scenario/@name", "is not a name");
}

TEST_F(scenario_validation, BadKeys) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01">
    <key at="2s" keys="&lt;ctrl-shift-b&gt;"/>
  </machine>
</scenario>
)", ScenarioErrc::kBadValue, 4, 18, "/scenario/machine[1]/key[1]/@keys", "unknown key <ctrl-shift-b>");
}

TEST_F(scenario_validation, AddressOutsideSubnet) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network subnet="192.168.1.0/24">
    <http address="10.0.2.100" root="http"/>
  </network>
</scenario>
)", ScenarioErrc::kBadValue, 3, 11, "/scenario/network/http/@address", "is not a host address in 192.168.1.0/24");
}

TEST_F(scenario_validation, PoolDoesNotFit) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <dhcp pool-start="10.0.2.200" pool-size="100"/>
  </network>
</scenario>
)", ScenarioErrc::kBadValue, 3, 11, "/scenario/network/dhcp/@pool-start", "does not fit in the subnet");
}

// --- Names and references ----------------------------------------------------------------------------

TEST_F(scenario_validation, DuplicateMachineName) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
  <machine name="m1" mac="52:54:00:00:00:02"/>
</scenario>
)", ScenarioErrc::kDuplicateName, 4, 12, "/scenario/machine[2]/@name", "already exists (line 3)");
}

TEST_F(scenario_validation, DuplicateMac) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
  <machine name="m2" mac="52:54:00:00:00:01"/>
</scenario>
)", ScenarioErrc::kDuplicateName, 4, 22, "/scenario/machine[2]/@mac", "already used by machine 'm1'");
}

TEST_F(scenario_validation, DuplicateVariantName) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
  <variant name="a"/>
  <variant name="a"/>
</scenario>
)", ScenarioErrc::kDuplicateName, 5, 12, "/scenario/variant[2]/@name", "a variant named 'a' already exists");
}

TEST_F(scenario_validation, DuplicateParam) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <param name="s" value="1"/>
  <param name="s" value="2"/>
</scenario>
)", ScenarioErrc::kDuplicateName, 3, 10, "/scenario/param[2]/@name", "already exists");
}

TEST_F(scenario_validation, DuplicateServedFile) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <tftp>
      <file name="undionly.kpxe" source="ipxe/undionly.kpxe"/>
      <file name="undionly.kpxe" source="nbp.bin"/>
    </tftp>
  </network>
</scenario>
)", ScenarioErrc::kDuplicateName, 5, 13, "/scenario/network/tftp/file[2]/@name", "already served here");
}

TEST_F(scenario_validation, UnknownNicProfile) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01">
    <nic profile="realtek-like"/>
  </machine>
</scenario>
)", ScenarioErrc::kUnknownProfile, 4, 10, "/scenario/machine[1]/nic/@profile",
                  "unknown NIC profile 'realtek-like' (known: broadcom-like, generic, intel-like)");
}

TEST_F(scenario_validation, UnknownMachineReference) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
  <variant name="v">
    <nic machine="m2" autoneg="1s"/>
  </variant>
</scenario>
)", ScenarioErrc::kUnknownReference, 5, 10, "/scenario/variant[1]/nic[1]/@machine", "no machine named 'm2' (machines: m1)");
}

TEST_F(scenario_validation, UnknownParamReference) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <param name="sleep" value="10"/>
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01">
    <nic autoneg="${param:slep}s"/>
  </machine>
</scenario>
)", ScenarioErrc::kUnknownReference, 5, 10, "/scenario/machine[1]/nic/@autoneg", "no <param name=\"slep\"> (params: sleep)");
}

// --- Conflicts ---------------------------------------------------------------------------------------

TEST_F(scenario_validation, RomAndNbpExcludeEachOther) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01">
    <firmware rom="pxe" nbp="nbp.bin"/>
  </machine>
</scenario>
)", ScenarioErrc::kConflict, 4, 25, "/scenario/machine[1]/firmware/@nbp", "rom and nbp exclude each other");
}

TEST_F(scenario_validation, KeyNeedsExactlyOneTrigger) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01">
    <key at="1s" on-console="iPXE>" keys="x"/>
  </machine>
</scenario>
)", ScenarioErrc::kConflict, 4, 18, "/scenario/machine[1]/key[1]/@on-console", "exactly one of 'at'");
}

TEST_F(scenario_validation, KeyWithoutTrigger) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01">
    <key keys="x"/>
  </machine>
</scenario>
)", ScenarioErrc::kMissingAttribute, 4, 5, "/scenario/machine[1]/key[1]", "exactly one of 'at'");
}

TEST_F(scenario_validation, SwitchAttributeThatDoesNotApply) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <switch port="edge" forward-delay="15s"/>
  </network>
</scenario>
)", ScenarioErrc::kConflict, 3, 25, "/scenario/network/switch/@forward-delay", "only applies to port=\"stp\"");
}

TEST_F(scenario_validation, HttpOnTheGatewayAddress) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <http address="10.0.2.2" root="http"/>
    <dhcp/>
  </network>
</scenario>
)", ScenarioErrc::kConflict, 4, 5, "/scenario/network/dhcp", "must differ");
}

TEST_F(scenario_validation, RomDhcpExpectationWithoutRom) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
  <expect>
    <dhcp phase="rom" result="lease"/>
  </expect>
</scenario>
)", ScenarioErrc::kConflict, 5, 5, "/scenario/expect[1]/dhcp[1]", "no ROM DHCP phase");
}

TEST_F(scenario_validation, PhaseWindowNeedsABound) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
  <expect>
    <phase name="ipxe_dhcp"/>
  </expect>
</scenario>
)", ScenarioErrc::kMissingAttribute, 5, 5, "/scenario/expect[1]/phase[1]", "needs min, max or both");
}

TEST_F(scenario_validation, NbpDownloadsCountExcludesMinAndMax) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
  <expect>
    <nbp-downloads file="undionly.kpxe" count="1" max="2"/>
  </expect>
</scenario>
)", ScenarioErrc::kConflict, 5, 41, "/scenario/expect[1]/nbp-downloads[1]/@count", "count excludes min and max");
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
  <expect>
    <nbp-downloads file="undionly.kpxe"/>
  </expect>
</scenario>
)", ScenarioErrc::kMissingAttribute, 5, 5, "/scenario/expect[1]/nbp-downloads[1]", "needs count, or min, max or both");
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
  <expect>
    <nbp-downloads count="1"/>
  </expect>
</scenario>
)", ScenarioErrc::kMissingAttribute, 5, 5, "/scenario/expect[1]/nbp-downloads[1]", "file");
}

TEST_F(scenario_validation, ChainloadLoopNeedsTwoDownloads) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
  <expect>
    <chainload-loop min="1"/>
  </expect>
</scenario>
)", ScenarioErrc::kBadValue, 5, 21, "/scenario/expect[1]/chainload-loop[1]/@min", "at least 2 downloads");
}

TEST_F(scenario_validation, SkipUnlessNeedsOneCondition) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
  <variant name="v">
    <skip-unless/>
  </variant>
</scenario>
)", ScenarioErrc::kMissingAttribute, 5, 5, "/scenario/variant[1]/skip-unless[1]", "exactly one of 'env' or 'file'");
}

// --- Referenced files --------------------------------------------------------------------------------

TEST_F(scenario_validation, MissingNbp) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01">
    <firmware nbp="no-such.kpxe"/>
  </machine>
</scenario>
)", ScenarioErrc::kMissingFile, 4, 15, "/scenario/machine[1]/firmware/@nbp", "no-such.kpxe' does not exist");
}

TEST_F(scenario_validation, MissingTftpRoot) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <tftp root="nowhere"/>
  </network>
</scenario>
)", ScenarioErrc::kMissingFile, 3, 11, "/scenario/network/tftp/@root", "directory '");
}

TEST_F(scenario_validation, MissingHttpRoot) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <http root="nowhere"/>
  </network>
</scenario>
)", ScenarioErrc::kMissingFile, 3, 11, "/scenario/network/http/@root", "nowhere' does not exist");
}

TEST_F(scenario_validation, RomFilenameNotServed) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <dhcp rom-filename="ipxe.pxe"/>
    <tftp root="tftp"/>
  </network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
</scenario>
)", ScenarioErrc::kMissingFile, 3, 11, "/scenario/network/dhcp/@rom-filename", "rom-filename 'ipxe.pxe' is not served by TFTP");
}

TEST_F(scenario_validation, IpxeScriptNotServed) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <dhcp ipxe-filename="http://10.0.2.100/menu.ipxe"/>
    <tftp root="tftp"/>
    <http root="http"/>
  </network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
</scenario>
)", ScenarioErrc::kMissingFile, 3, 11, "/scenario/network/dhcp/@ipxe-filename", "'menu.ipxe' is not served by <http>");
}

TEST_F(scenario_validation, IpxeScriptOnAnotherHost) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <dhcp ipxe-filename="http://10.0.2.5/boot.ipxe"/>
    <tftp root="tftp"/>
    <http root="http"/>
  </network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
</scenario>
)", ScenarioErrc::kConflict, 3, 11, "/scenario/network/dhcp/@ipxe-filename", "does not point at the <http> server (10.0.2.100)");
}

TEST_F(scenario_validation, UnsetEnvironmentVariable) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01">
    <firmware nbp="${env:MY_IPXE}"/>
  </machine>
</scenario>
)", ScenarioErrc::kUnresolvedPlaceholder, 4, 15, "/scenario/machine[1]/firmware/@nbp", "MY_IPXE is not set");
}

TEST_F(scenario_validation, PayloadNotFound) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <http root="http">
      <file name="vmlinuz" source="${payloads}/vmlinuz"/>
    </http>
  </network>
</scenario>
)", ScenarioErrc::kUnresolvedPlaceholder, 4, 28, "/scenario/network/http/file[1]/@source", "${payloads}/vmlinuz: not found");
}

TEST_F(scenario_validation, UnknownPlaceholderInPath) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <tftp root="${tftproot}"/>
  </network>
</scenario>
)", ScenarioErrc::kUnresolvedPlaceholder, 3, 11, "/scenario/network/tftp/@root", "unknown placeholder ${tftproot}");
}

// --- Skipped variants are not validated against the environment --------------------------------------

TEST_F(scenario_validation, SkippedVariantToleratesWhatItNeeds) {
  const char* xml = R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
  <variant name="custom">
    <skip-unless env="MY_IPXE"/>
    <firmware nbp="${env:MY_IPXE}"/>
  </variant>
</scenario>
)";
  Scenario s = load(xml);
  EXPECT_EQ(s.variants[0].skip_reason, "environment variable MY_IPXE is not set");
  env_["MY_IPXE"] = (dir_ / "nbp.bin").string();
  s = load(xml);
  EXPECT_EQ(s.variants[0].skip_reason, "");
  EXPECT_EQ(s.variants[0].machines[0].nbp, (dir_ / "nbp.bin").string());
  // Structure is still checked in a skipped variant.
  env_.clear();
  ScenarioError e = error(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
  <variant name="custom">
    <skip-unless env="MY_IPXE"/>
    <firmware nbp="${env:MY_IPXE}" rom="pxe"/>
  </variant>
</scenario>
)");
  EXPECT_EQ(e.code(), ScenarioErrc::kConflict);
}

}  // namespace
}  // namespace bootsim::scenario::test
