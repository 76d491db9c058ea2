// NIC profiles as data (issue 13 item 3): the built-in files nicmodels/profiles/*.xml read by the strict
// loader (values equal to what the C++ profiles held before, every value cited), a scenario's own
// <nic-profile> extending one, located errors in both, the warning for a link timing that cannot take
// effect, and the generated profile table in scenarios/README.md. To refresh that table:
//   BOOTSIM_UPDATE_REFERENCE=1 ./build/tests/scenario_tests --gtest_filter='nic_profiles.*'
#include <gtest/gtest.h>

#include "generated_section.h"
#include "scenario_test_util.h"
#include "sim/scenario/nic_profiles.h"

namespace bootsim::scenario::test {
namespace {

const LinkProfile& builtin(const std::string& name) {
  const ProfileEntry* e = builtin_profiles().find(name);
  if (!e) throw std::runtime_error("no built-in profile " + name);
  return e->profile;
}

// The values the profiles had as C++ (nicmodels/profiles.cpp before the move): no verdict may change.
TEST(nic_profiles, BuiltInFilesHoldTheFormerValues) {
  EXPECT_EQ(builtin_profiles().names(), (std::vector<std::string>{"broadcom-like", "generic", "intel-like"}));
  const LinkProfile& g = builtin("generic");
  EXPECT_EQ(g.pci_vendor, 0x8086);
  EXPECT_EQ(g.pci_device, 0x100e);
  EXPECT_EQ(g.pci_subvendor, 0x1af4);
  EXPECT_EQ(g.pci_subdevice, 0x1100);
  EXPECT_EQ(g.pci_revision, 0x03);
  EXPECT_EQ(g.link_speed_bps, 1000000000u);
  EXPECT_EQ(g.irq, 0);
  EXPECT_FALSE(g.drop_on_initialize || g.drop_on_reset || g.drop_on_shutdown || g.drop_on_open);
  EXPECT_EQ(g.autoneg.ns, 0);
  EXPECT_EQ(g.jitter.ns, 0);
  EXPECT_EQ(g.source, "QEMU e1000 identity; no link model");

  const LinkProfile& i = builtin("intel-like");
  EXPECT_EQ(i.pci_vendor, 0x8086);
  EXPECT_EQ(i.pci_device, 0x1533);
  EXPECT_EQ(i.pci_subvendor, 0x8086);
  EXPECT_EQ(i.pci_subdevice, 0x0001);
  EXPECT_EQ(i.pci_revision, 0x03);
  EXPECT_TRUE(i.drop_on_reset);
  EXPECT_FALSE(i.drop_on_initialize || i.drop_on_shutdown || i.drop_on_open);
  EXPECT_EQ(i.autoneg, SimTime::from_ms(2000));
  EXPECT_EQ(i.jitter, SimTime::from_ms(300));

  const LinkProfile& b = builtin("broadcom-like");
  EXPECT_EQ(b.pci_vendor, 0x14e4);
  EXPECT_EQ(b.pci_device, 0x1657);
  EXPECT_EQ(b.pci_subvendor, 0x14e4);
  EXPECT_EQ(b.pci_subdevice, 0x1657);
  EXPECT_EQ(b.pci_revision, 0x01);
  EXPECT_TRUE(b.drop_on_shutdown && b.drop_on_initialize && b.drop_on_reset);
  EXPECT_FALSE(b.drop_on_open);
  EXPECT_EQ(b.autoneg, SimTime::from_ms(12500));
  EXPECT_EQ(b.jitter, SimTime::from_ms(1000));
}

TEST(nic_profiles, EveryBuiltInValueHasASourceAndAnOrigin) {
  for (const auto& e : builtin_profiles().entries()) {
    SCOPED_TRACE(e.profile.name);
    EXPECT_TRUE(e.builtin);
    EXPECT_NE(e.origin.find("nicmodels/profiles/" + e.profile.name + ".xml"), std::string::npos) << e.origin;
    for (const auto& f : profile_fields()) EXPECT_FALSE(e.source_of(f.name).empty()) << f.name;
  }
}

TEST(nic_profiles, ValuesPrintWithTheirUnitsAndReadBack) {
  const auto& b = builtin("broadcom-like");
  std::map<std::string, std::string> v;
  for (const auto& f : profile_fields()) v[f.name] = format_profile_value(b, f);
  EXPECT_EQ(v["autoneg"], "12.5s");
  EXPECT_EQ(v["jitter"], "1s");
  EXPECT_EQ(v["speed"], "1Gbps");
  EXPECT_EQ(v["pci-vendor"], "0x14e4");
  EXPECT_EQ(v["pci-revision"], "0x01");
  EXPECT_EQ(format_profile_value(builtin("intel-like"), profile_fields()[11]), "2s");
  EXPECT_EQ(format_profile_value(builtin("intel-like"), profile_fields()[12]), "300ms");
}

TEST(nic_profiles, ReadmeTableMatchesTheFiles) {
  EXPECT_TRUE(bootsim::test::generated_section_is_current(
      "scenarios/README.md", "<!-- BEGIN GENERATED PROFILES (profiles_reference_markdown) -->\n",
      "<!-- END GENERATED PROFILES -->", profiles_reference_markdown()));
}

// --- profile files: the same strict loader, located errors ------------------------------------------------

std::string profile_file(const std::string& attrs_change, const std::string& sources_extra = "") {
  std::string attrs = R"(name="x" description="d" source="s" pci-vendor="0x8086" pci-device="0x100e" pci-subvendor="0x1af4" pci-subdevice="0x1100" pci-revision="0x03" speed="1Gbps" irq="0" drop-on-initialize="false" drop-on-reset="false" drop-on-shutdown="false" drop-on-open="false" autoneg="0s" jitter="0s")";
  if (!attrs_change.empty()) {
    auto eq = attrs_change.find('=');
    std::string key = attrs_change.substr(0, eq + 1);
    auto at = attrs.find(" " + key);
    if (at != std::string::npos) {
      auto end = attrs.find('"', attrs.find('"', at) + 1);
      attrs.erase(at, end - at + 1);
    }
    if (attrs_change.find("=DELETE") == std::string::npos) attrs += " " + attrs_change;
  }
  return "<nic-profile " + attrs + ">\n" +
         "  <source for=\"pci-vendor pci-device pci-subvendor pci-subdevice pci-revision speed irq\">a</source>\n" +
         "  <source for=\"drop-on-initialize drop-on-reset drop-on-shutdown drop-on-open autoneg jitter\">b</source>\n" +
         sources_extra + "</nic-profile>\n";
}

ScenarioError profile_error(const std::string& text) {
  try {
    load_profile_text(text, "p.xml", "test");
  } catch (const ScenarioError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for\n" << text;
  return ScenarioError(ScenarioErrc::kBadValue, {}, "none");
}

TEST(nic_profiles, AProfileFileLoads) {
  ProfileEntry e = load_profile_text(profile_file(R"(autoneg="4s")"), "p.xml", "test");
  EXPECT_EQ(e.profile.name, "x");
  EXPECT_EQ(e.profile.autoneg, SimTime::from_s(4));
  EXPECT_EQ(e.source_of("autoneg"), "b");
}

TEST(nic_profiles, ProfileFileErrorsNameFileLineAndField) {
  ScenarioError e = profile_error(profile_file(R"(autoneg="4 s")"));
  EXPECT_EQ(e.code(), ScenarioErrc::kBadValue);
  EXPECT_EQ(e.where().file, "p.xml");
  EXPECT_EQ(e.where().line, 1);
  EXPECT_EQ(e.where().path, "/nic-profile/@autoneg");

  e = profile_error(profile_file(R"(colour="blue")"));
  EXPECT_EQ(e.code(), ScenarioErrc::kUnknownAttribute);
  EXPECT_EQ(e.where().path, "/nic-profile/@colour");

  e = profile_error(profile_file("jitter=DELETE"));
  EXPECT_EQ(e.code(), ScenarioErrc::kMissingAttribute);
  EXPECT_NE(e.description().find("'jitter'"), std::string::npos);

  e = profile_error(profile_file(R"(pci-vendor="0x10000")"));
  EXPECT_EQ(e.code(), ScenarioErrc::kBadValue);
  EXPECT_EQ(e.where().path, "/nic-profile/@pci-vendor");

  e = profile_error(profile_file("", "  <source for=\"speedy\">c</source>\n"));
  EXPECT_EQ(e.code(), ScenarioErrc::kUnknownReference);
  EXPECT_EQ(e.where().line, 4);

  e = profile_error(profile_file("", "  <source for=\"speed\">again</source>\n"));
  EXPECT_EQ(e.code(), ScenarioErrc::kDuplicateName);

  e = profile_error("<nic-profile name=\"x\"/>\n");
  EXPECT_EQ(e.code(), ScenarioErrc::kMissingAttribute);

  e = profile_error("<scenario name=\"x\"/>\n");
  EXPECT_EQ(e.code(), ScenarioErrc::kUnknownElement);
}

TEST(nic_profiles, EveryValueOfAProfileFileNeedsASource) {
  std::string text = profile_file("");
  text.erase(text.find(" jitter\">b"), 7);  // "… autoneg jitter" -> "… autoneg"
  ScenarioError e = profile_error(text);
  EXPECT_EQ(e.code(), ScenarioErrc::kMissingElement);
  EXPECT_NE(e.description().find("'jitter' has no <source"), std::string::npos) << e.what();
}

// --- a scenario's own profiles ----------------------------------------------------------------------------

class nic_profiles_in_scenario : public ScenarioDir {};

const char* kWithOwnProfile = R"(<scenario name="t">
  <nic-profile name="my-intel" extends="intel-like" drop-on-open="true" autoneg="4s">
    <source for="autoneg">measured on our X11 boards</source>
  </nic-profile>
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01">
    <nic profile="my-intel" jitter="0s"/>
    <firmware nbp="nbp.bin"/>
  </machine>
</scenario>
)";

TEST_F(nic_profiles_in_scenario, ExtendsABuiltInProfile) {
  Scenario s = load(kWithOwnProfile);
  const Machine& m = s.variants[0].machines[0];
  EXPECT_EQ(m.nic_profile, "my-intel");
  EXPECT_TRUE(m.nic.drop_on_open);
  EXPECT_TRUE(m.nic.drop_on_reset);  // inherited
  EXPECT_EQ(m.nic.autoneg, SimTime::from_s(4));
  EXPECT_EQ(m.nic.jitter, SimTime::from_s(0));  // the <nic> override on top
  EXPECT_EQ(m.nic.pci_device, 0x1533);
  ASSERT_EQ(s.nic_profiles.size(), 1u);
  const ProfileEntry& e = s.nic_profiles[0];
  EXPECT_EQ(e.extends, "intel-like");
  EXPECT_FALSE(e.builtin);
  EXPECT_EQ(e.source_of("autoneg"), "measured on our X11 boards");
  EXPECT_EQ(e.source_of("drop-on-open"), "set in " + (dir_ / "t.xml").string() + ":2:3: /scenario/nic-profile[1]");
  EXPECT_EQ(e.source_of("pci-device"), builtin_profiles().find("intel-like")->source_of("pci-device"));
  EXPECT_TRUE(s.warnings.empty());
}

TEST_F(nic_profiles_in_scenario, UnknownExtendsIsLocated) {
  std::string xml = kWithOwnProfile;
  xml.replace(xml.find("extends=\"intel-like\""), 20, "extends=\"intel-lik\"");
  EXPECT_REJECTED(xml, ScenarioErrc::kUnknownProfile, 2, 32, "/scenario/nic-profile[1]/@extends", "unknown NIC profile 'intel-lik'");
}

TEST_F(nic_profiles_in_scenario, ABuiltInNameCannotBeRedefined) {
  std::string xml = kWithOwnProfile;
  xml.replace(xml.find("name=\"my-intel\""), 15, "name=\"intel-like\"");
  EXPECT_REJECTED(xml, ScenarioErrc::kDuplicateName, 2, 16, "/scenario/nic-profile[1]/@name", "already exists (built in)");
}

TEST_F(nic_profiles_in_scenario, UnknownProfileListsTheScenariosOwnToo) {
  std::string xml = kWithOwnProfile;
  xml.replace(xml.find("profile=\"my-intel\""), 18, "profile=\"my-intl\"");
  EXPECT_REJECTED(xml, ScenarioErrc::kUnknownProfile, 7, 10, "/scenario/machine[1]/nic/@profile", "generic, intel-like, my-intel");
}

// The issue's user story: autoneg on intel-like did nothing, silently. Now the loader says so.
TEST_F(nic_profiles_in_scenario, LinkTimingOnALinkThatNeverDropsIsAWarning) {
  Scenario s = load(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01">
    <nic profile="intel-like" autoneg="4s"/>
    <firmware nbp="nbp.bin"/>
  </machine>
  <variant name="a"/>
  <variant name="b"><nic drop-on-open="true"/></variant>
</scenario>
)");
  ASSERT_EQ(s.warnings.size(), 1u);  // variant b makes the link drop; a warns once
  EXPECT_EQ(s.warnings[0].where.line, 4);
  EXPECT_EQ(s.warnings[0].where.path, "/scenario/machine[1]/nic/@autoneg");
  EXPECT_NE(s.warnings[0].message.find("autoneg has no effect: NIC profile 'intel-like' drops the link only on UNDI_RESET_ADAPTER"),
            std::string::npos) << s.warnings[0].message;
}

TEST_F(nic_profiles_in_scenario, NoWarningWhenTheLinkDrops) {
  Scenario s = load(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01">
    <nic profile="broadcom-like" autoneg="4s"/>
    <firmware nbp="nbp.bin"/>
  </machine>
</scenario>
)");
  EXPECT_TRUE(s.warnings.empty());
}

}  // namespace
}  // namespace bootsim::scenario::test
