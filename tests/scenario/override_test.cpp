// Override paths (bootsim sweep --vary PATH=RANGE): resolution, creation of missing singletons, errors
// that name the path, and values from overrides validated like the file's own.
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "scenario_test_util.h"
#include "sim/scenario/units.h"

namespace bootsim::scenario::test {
namespace {

const char* kDoc = R"(<scenario name="t">
  <param name="sleep" value="10"/>
  <network>
    <tftp root="tftp"/>
  </network>
  <machine name="r640-01" mac="52:54:00:00:00:01">
    <nic profile="broadcom-like"/>
    <cmdline>sleep ${param:sleep} &amp;&amp; dhcp net0</cmdline>
  </machine>
  <machine name="r640-02" mac="52:54:00:00:00:02"/>
  <variant name="stock"/>
  <variant name="embedded-sleep">
    <nic machine="r640-01" autoneg="5s"/>
  </variant>
</scenario>
)";

class scenario_overrides : public ScenarioDir {
 protected:
  pugi::xml_document doc() {
    pugi::xml_document d;
    EXPECT_TRUE(d.load_string(kDoc));
    return d;
  }
  std::string bad(const std::string& path, const std::string& value = "1") {
    pugi::xml_document d = doc();
    try {
      apply_override(d, path, value);
    } catch (const ScenarioError& e) {
      EXPECT_EQ(e.code(), ScenarioErrc::kBadOverride);
      return e.what();
    }
    ADD_FAILURE() << path << " resolved";
    return "";
  }
};

TEST_F(scenario_overrides, ResolvesByNameIndexAndUniqueness) {
  pugi::xml_document d = doc();
  EXPECT_EQ(apply_override(d, "machine[r640-01]/nic/@autoneg", "10s"), "/scenario/machine[1]/nic/@autoneg");
  EXPECT_STREQ(d.child("scenario").child("machine").child("nic").attribute("autoneg").value(), "10s");
  EXPECT_EQ(apply_override(d, "/scenario/machine[2]/@ram", "128MiB"), "/scenario/machine[2]/@ram");
  EXPECT_EQ(apply_override(d, "@seed", "42"), "/scenario/@seed");
  EXPECT_EQ(apply_override(d, "param[sleep]/@value", "5"), "/scenario/param[1]/@value");
  EXPECT_EQ(apply_override(d, "variant[embedded-sleep]/nic[1]/@jitter", "0s"), "/scenario/variant[2]/nic[1]/@jitter");
  EXPECT_EQ(apply_override(d, "machine[r640-01]/cmdline", "dhcp"), "/scenario/machine[1]/cmdline");
  EXPECT_STREQ(d.child("scenario").child("machine").child("cmdline").text().get(), "dhcp");
}

TEST_F(scenario_overrides, CreatesMissingSingletons) {
  pugi::xml_document d = doc();
  EXPECT_EQ(apply_override(d, "network/switch/@port", "rstp"), "/scenario/network/switch/@port");
  EXPECT_EQ(apply_override(d, "variant[stock]/network/dhcp/@reply-delay", "2s"),
            "/scenario/variant[1]/network/dhcp/@reply-delay");
  EXPECT_EQ(apply_override(d, "machine[r640-02]/nic/@profile", "intel-like"), "/scenario/machine[2]/nic/@profile");
}

TEST_F(scenario_overrides, ErrorsNameThePath) {
  EXPECT_EQ(bad("machine[r640-03]/nic/@autoneg"),
            "override: machine[r640-03]/nic/@autoneg: no <machine> with name='r640-03' (there are: r640-01, r640-02)");
  EXPECT_EQ(bad("machine/@ram"),
            "override: machine/@ram: 'machine' is ambiguous: <scenario> has 2 of them; select one with machine[name]");
  EXPECT_EQ(bad("machine[3]/@ram"),
            "override: machine[3]/@ram: <scenario> has 2 <machine> element(s); index 3 does not exist");
  EXPECT_EQ(bad("machine[r640-01]/nic/@autoneeg"),
            "override: machine[r640-01]/nic/@autoneeg: <nic> has no attribute 'autoneeg' (it has: profile, autoneg, "
            "jitter, drop-on-initialize, drop-on-reset, drop-on-shutdown, drop-on-open, speed, irq)");
  EXPECT_EQ(bad("machine[r640-01]/link/@x"),
            "override: machine[r640-01]/link/@x: 'link' is not an element of <machine> (it has: nic, firmware, smbios, cmdline, key)");
  EXPECT_EQ(bad("machine[r640-01]/key/@at"),
            "override: machine[r640-01]/key/@at: <machine> has no <key>; select one with key[1]");
  EXPECT_EQ(bad("machine[r640-01]"), "override: machine[r640-01]: <machine> takes no text; name an attribute with /@NAME");
  EXPECT_EQ(bad("network/@subnet/x"), "override: network/@subnet/x: '@subnet' must be the last step");
  EXPECT_EQ(bad("variant[stock]/expect[foo]/@machine"),
            "override: variant[stock]/expect[foo]/@machine: <expect> elements are selected by index only (expect[1])");
}

TEST_F(scenario_overrides, AppliedByTheLoader) {
  LoadOptions o = options();
  o.overrides = {{"machine[r640-01]/nic/@autoneg", "10s"}, {"param[sleep]/@value", "7"}};
  Scenario s = load(kDoc, o);
  EXPECT_EQ(s.machines[0].nic.autoneg, SimTime::from_s(10));
  EXPECT_EQ(s.find_variant("stock")->machines[0].nic.autoneg, SimTime::from_s(10));
  EXPECT_EQ(s.find_variant("embedded-sleep")->machines[0].nic.autoneg, SimTime::from_s(5)) << "the variant's own wins";
  EXPECT_EQ(s.machines[0].cmdline, "sleep 7 && dhcp net0");
  EXPECT_EQ(s.params.at("sleep"), "7");
  EXPECT_EQ(s.overrides.size(), 2u);
}

TEST_F(scenario_overrides, BadValueNamesTheOverride) {
  LoadOptions o = options();
  o.overrides = {{"machine[r640-01]/nic/@autoneg", "10 sec"}};
  ScenarioError e = error(kDoc, o);
  EXPECT_EQ(e.code(), ScenarioErrc::kBadValue);
  EXPECT_EQ(e.where().line, 0);
  EXPECT_EQ(std::string(e.what()),
            (dir_ / "t.xml").string() + ": /scenario/machine[1]/nic/@autoneg: (set by override "
            "machine[r640-01]/nic/@autoneg=\"10 sec\") '10 sec' is not a duration: a number and a unit (ns, us, ms, s, m), "
            "e.g. 10s, 250ms, 1.5s");
}

TEST_F(scenario_overrides, SweepOverARange) {
  // What `bootsim sweep --vary param[sleep]/@value=4..12/4` does: one load per value.
  std::vector<std::string> cmdlines;
  for (const auto& v : parse_range("4..12/4")) {
    LoadOptions o = options();
    o.overrides = {{"param[sleep]/@value", v}};
    cmdlines.push_back(*load(kDoc, o).machines[0].cmdline);
  }
  EXPECT_EQ(cmdlines, (std::vector<std::string>{"sleep 4 && dhcp net0", "sleep 8 && dhcp net0", "sleep 12 && dhcp net0"}));
}

}  // namespace
}  // namespace bootsim::scenario::test
