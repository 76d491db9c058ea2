// Every scenario in scenarios/ loads and validates, and broadcom_timeout.xml means what its README says.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "scenario_test_util.h"

namespace bootsim::scenario::test {
namespace {

namespace fs = std::filesystem;

class scenario_shipped : public ScenarioDir {
 protected:
  LoadOptions shipped_options() const {
    LoadOptions o = options();
    o.allow_servers = true;  // loaded, never run
    o.ipxe_dir = BOOTSIM_IPXE_DIR;  // the real Debian binaries: the scenarios serve undionly.kpxe from there
    // After the fixture's stand-ins: the built sentinel payloads the PXELINUX scenarios serve (vmlinuz-sentinel).
    o.payload_dirs.push_back(std::string(BOOTSIM_BINARY_DIR) + "/payloads");
    return o;
  }
  static std::string scenario(const std::string& name) { return std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/" + name; }
};

TEST_F(scenario_shipped, EveryScenarioLoads) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(std::string(BOOTSIM_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".xml") continue;
    SCOPED_TRACE(entry.path().string());
    Scenario s;
    EXPECT_NO_THROW(s = load_scenario(entry.path().string(), shipped_options()));
    EXPECT_EQ(s.name + ".xml", entry.path().filename().string()) << "a scenario is named after its file";
    EXPECT_FALSE(s.variants.empty());
    for (const auto& v : s.variants) EXPECT_FALSE(v.expectations.empty()) << v.name << " checks nothing";
    ++count;
  }
  EXPECT_GE(count, 7);
}

TEST_F(scenario_shipped, BroadcomTimeoutBase) {
  Scenario s = load_scenario(scenario("broadcom_timeout.xml"), shipped_options());
  EXPECT_EQ(s.seed, 7u);
  EXPECT_EQ(s.until, SimTime::from_s(120));
  EXPECT_EQ(s.network.dhcp.rom_filename, "undionly.kpxe");
  EXPECT_EQ(s.network.dhcp.ipxe_filename, "http://10.0.2.100/boot.ipxe");
  EXPECT_EQ(s.network.http.address, 0x0A000264u);
  EXPECT_EQ(s.network.tftp.files.at(0).source, std::string(BOOTSIM_IPXE_DIR) + "/undionly.kpxe");
  EXPECT_EQ(s.network.http.files.at(0).source, (dir_ / "payloads" / "mboot.c32").string());
  EXPECT_EQ(s.network.http.root, std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/files/http");
  ASSERT_EQ(s.machines.size(), 1u);
  const Machine& m = s.machines[0];
  EXPECT_EQ(m.name, "r640-01");
  EXPECT_EQ(format_mac(m.mac), "52:54:00:12:34:56");
  EXPECT_EQ(m.nic_profile, "broadcom-like");
  EXPECT_TRUE(m.nic.drop_on_initialize);
  EXPECT_EQ(m.start, FirmwareStart::kPxeRom);
  EXPECT_FALSE(m.cmdline);
  std::vector<std::string> names;
  for (const auto& v : s.variants) names.push_back(v.name);
  EXPECT_EQ(names, (std::vector<std::string>{"stock", "embedded-sleep", "shell", "custom-image"}));
}

TEST_F(scenario_shipped, BroadcomTimeoutVariants) {
  Scenario s = load_scenario(scenario("broadcom_timeout.xml"), shipped_options());

  const Variant& stock = *s.find_variant("stock");
  EXPECT_TRUE(stock.skip_reason.empty());
  auto* console = std::get_if<ExpectConsole>(&stock.expectations.at(1).body);
  ASSERT_TRUE(console);
  EXPECT_EQ(console->text, "No configuration methods succeeded");
  EXPECT_EQ(console->before, SimTime::from_s(60));
  EXPECT_EQ(stock.expectations.at(1).where.line, 39);
  EXPECT_EQ(stock.expectations.at(1).where.column, 7);
  EXPECT_EQ(stock.expectations.at(1).where.path, "/scenario/variant[1]/expect[1]/console[1]");

  const Variant& sleep = *s.find_variant("embedded-sleep");
  EXPECT_EQ(sleep.machines[0].cmdline,
            "sleep 10 && ifopen net0 && dhcp net0 && chain http://10.0.2.100/boot.ipxe");
  auto* handoff = std::get_if<ExpectHandoff>(&sleep.expectations.at(2).body);
  ASSERT_TRUE(handoff);
  EXPECT_EQ(handoff->kernel, "mboot.c32");
  EXPECT_EQ(handoff->cmdline_contains, "-c http://10.0.2.100/boot.cfg");
  EXPECT_EQ(describe(sleep.expectations.at(2)),
            "handoff to mboot.c32 with command line containing \"-c http://10.0.2.100/boot.cfg\"");

  const Variant& shell = *s.find_variant("shell");
  const auto& keys = shell.machines[0].keys;
  ASSERT_EQ(keys.size(), 6u);  // after-console adds a wait step before the Ctrl-B
  EXPECT_EQ(keys[0].on_console, "No configuration methods succeeded");
  EXPECT_TRUE(keys[0].keys.empty());
  EXPECT_EQ(keys[1].on_console, "Press Ctrl-B");
  EXPECT_EQ(keys[1].keys, (std::vector<std::uint16_t>{0x3002}));
  EXPECT_EQ(keys[2].on_console, "iPXE>");
  EXPECT_EQ(keys[2].keys_text, "dhcp net0\\n");
  EXPECT_EQ(keys[2].keys.back(), 0x1C0D);
  EXPECT_EQ(keys[5].keys_text, "boot mboot.c32\\n");

  const Variant& custom = *s.find_variant("custom-image");
  EXPECT_EQ(custom.skip_reason, "environment variable BOOTSIM_CUSTOM_IPXE is not set");
  env_["BOOTSIM_CUSTOM_IPXE"] = (dir_ / "nbp.bin").string();
  s = load_scenario(scenario("broadcom_timeout.xml"), shipped_options());
  const Variant& custom2 = *s.find_variant("custom-image");
  EXPECT_TRUE(custom2.skip_reason.empty());
  EXPECT_EQ(custom2.machines[0].start, FirmwareStart::kNbp);
  EXPECT_EQ(custom2.machines[0].nbp, (dir_ / "nbp.bin").string());
}

TEST_F(scenario_shipped, VariantOverridesAreResolved) {
  Scenario s = load_scenario(scenario("broadcom_sleep_margin.xml"), shipped_options());
  const Variant& slow = *s.find_variant("slow-phy");
  EXPECT_EQ(slow.machines[0].nic.autoneg, SimTime::from_s(20));
  EXPECT_EQ(slow.machines[0].nic.jitter, SimTime{});
  EXPECT_EQ(slow.machines[0].nic_overridden, (std::vector<std::string>{"autoneg", "jitter"}));
  EXPECT_EQ(s.machines[0].nic.autoneg, SimTime::from_ms(12500)) << "the base keeps the profile's value";

  Scenario stp = load_scenario(scenario("stp_no_portfast.xml"), shipped_options());
  EXPECT_EQ(stp.network.switch_port.mode, SwitchPortMode::kStp);
  EXPECT_EQ(stp.find_variant("portfast")->network.switch_port.mode, SwitchPortMode::kPortfast);
  EXPECT_EQ(stp.find_variant("sleep-45")->machines[0].cmdline->substr(0, 8), "sleep 45");

  Scenario slow_dhcp = load_scenario(scenario("slow_dhcp.xml"), shipped_options());
  const Variant& lossy = *slow_dhcp.find_variant("lossy");
  EXPECT_EQ(lossy.network.dhcp.reply_delay, SimTime::from_ms(500));
  EXPECT_DOUBLE_EQ(lossy.network.dhcp.drop_rate, 0.5);
  EXPECT_EQ(lossy.network.dhcp.ipxe_filename, "http://10.0.2.100/boot.ipxe") << "inherited";
}

}  // namespace
}  // namespace bootsim::scenario::test
