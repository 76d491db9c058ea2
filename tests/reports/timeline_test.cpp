// Derivations the reports rely on: console rendering (the one renderer, sim/machine/console), frame summaries, stages and link intervals of real runs.
#include <set>

#include <gtest/gtest.h>

#include "reports/frame_summary.h"
#include "reports/timeline.h"
#include "sim/machine/console.h"
#include "report_fixtures.h"

namespace bootsim::reports {
namespace {

TEST(reports_ConsoleRendering, BackspaceAndCarriageReturnOverwrite) {
  EXPECT_EQ(Console::render("Press Ctrl-B\b \b\b \bxy\r\nnext\rN\n"),
            (std::vector<std::string>{"Press Ctrlxy", "Next"}));
  EXPECT_EQ(Console::render("abc\r\n\r\n"), (std::vector<std::string>{"abc", ""}));
}

TEST(reports_TimelineOfRealRuns, StockFailsWhileTheLinkIsDownAndSleepFixesIt) {
  auto stock_events = testing::run_trace("stock", "--until 20s --nic broadcom-like --responder dhcp");
  Timeline stock = build_timeline(stock_events);
  Timeline sleep = build_timeline(testing::run_trace(
      "embedded-sleep", "--until 30s --nic broadcom-like --responder dhcp --cmdline 'sleep 10 && dhcp && echo booted-ok'"));
  auto find = [](const Timeline& tl, const std::string& name) -> const Stage* {
    for (const auto& s : tl.stages) if (s.name == name) return &s;
    return nullptr;
  };
  for (const Timeline* tl : {&stock, &sleep}) {
    ASSERT_TRUE(find(*tl, "ipxe_init"));
    EXPECT_EQ(find(*tl, "ipxe_init")->outcome, "ok");
    ASSERT_TRUE(find(*tl, "banner"));
    ASSERT_TRUE(find(*tl, "configuring"));
    ASSERT_TRUE(find(*tl, "nbp_start"));
    // Link: up (inferred), down at UNDI shutdown, up after autonegotiation.
    ASSERT_GE(tl->links.size(), 3u);
    EXPECT_TRUE(tl->links[0].inferred);
    EXPECT_EQ(tl->links[1].state, "down");
    EXPECT_EQ(tl->links[2].state, "up");
    EXPECT_GT(tl->links[2].start_ns, 10'000'000'000);
  }
  EXPECT_EQ(find(stock, "configuring")->outcome, "failed");
  EXPECT_NE(find(stock, "configuring")->detail.find("No configuration methods succeeded"), std::string::npos);
  EXPECT_EQ(find(sleep, "configuring")->outcome, "ok");
  EXPECT_GT(find(sleep, "configuring")->start_ns, 10'000'000'000);
  ASSERT_TRUE(find(stock, "ctrl_b_prompt"));
  // DHCP exchange: stock never gets an ACK (all dropped), sleep does.
  EXPECT_EQ(find(stock, "dhcp")->outcome, "failed");
  EXPECT_EQ(find(sleep, "dhcp")->outcome, "ok");
  // One marker per event.
  EXPECT_EQ(stock.markers.size(), stock_events.size());
}

TEST(reports_FrameSummary, DecodesTheFramesIpxeSends) {
  auto events = testing::run_trace("generic", "--until 20s --responder dhcp");
  std::set<std::string> labels;
  for (const auto& e : events)
    if (e.value("kind", "") == "frame_tx" || e.value("kind", "") == "frame_rx")
      labels.insert(summarize_frame_hex(e.value("hex", "")).label);
  EXPECT_TRUE(labels.count("DHCPDISCOVER"));
  EXPECT_TRUE(labels.count("DHCPOFFER"));
  EXPECT_TRUE(labels.count("DHCPREQUEST"));
  EXPECT_TRUE(labels.count("DHCPACK"));
  EXPECT_TRUE(labels.count("ICMPv6 router solicitation"));
  EXPECT_TRUE(labels.count("ARP who-has 10.0.2.2 tell 10.0.2.15"));
  EXPECT_TRUE(labels.count("TFTP RRQ undionly.kpxe"));
  EXPECT_EQ(summarize_frame_hex("0102").protocol, "bad");
}

}  // namespace
}  // namespace bootsim::reports

namespace bootsim::reports {
namespace {

/// The fleet scenario's stock variant: three real iPXE machines on one wire (bootsim scenario, cached).
std::vector<TraceEvent> fleet_stock_trace() {
  std::string dir = testing::out_dir() + "/fleet";
  std::string trace = dir + "/fleet_broadcom/stock.trace.jsonl";
  testing::CacheLock lock("fleet");
  if (!testing::newer_than_exe(trace)) {
    std::string cmd = std::string("'") + BOOTSIM_EXE + "' scenario '" + BOOTSIM_SOURCE_DIR +
                      "/scenarios/fleet_broadcom.xml' --out '" + dir + "' > /dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
  return Trace::parse_jsonl(testing::read_file(trace));
}

TEST(reports_Timeline, OnASharedWireEachMachineHasOnlyItsOwnDhcpExchanges) {
  auto events = fleet_stock_trace();
  ASSERT_FALSE(events.empty());
  Timeline tl = build_timeline(events);
  // Which xids each machine sent (or tried to send while its link was down).
  std::map<std::string, std::set<std::string>> sent;
  for (const auto& e : events) {
    std::string k = e.value("kind", "");
    if (k != "frame_tx" && !(k == "frame_drop" && e.value("dir", "") == "tx")) continue;
    FrameSummary s = summarize_frame_hex(e.value("hex", ""));
    if (s.dhcp_type) sent[e.value("machine", "")].insert(s.detail.substr(s.detail.find("xid ") + 4, 10));
  }
  ASSERT_EQ(sent.size(), 3u) << "three machines sent DHCP";
  std::map<std::string, int> exchanges;
  for (const auto& s : tl.stages) {
    if (s.name != "dhcp") continue;
    ++exchanges[s.machine];
    std::string xid = s.label.substr(s.label.find("xid ") + 4);
    EXPECT_TRUE(sent[s.machine].count(xid)) << s.machine << " shows " << s.label << ", which it never sent";
  }
  for (const auto& [machine, xids] : sent) EXPECT_EQ(exchanges[machine], static_cast<int>(xids.size())) << machine;
}

TEST(reports_Timeline, ALongTracesMarkersAreEachEventsOwnWhicheverThreadMadeThem) {
  // A fleet-sized trace (real events of a three-machine fleet, repeated under other machine names past
  // the length build_timeline splits across two threads): every marker is what that event alone gives.
  auto fleet = fleet_stock_trace();
  ASSERT_FALSE(fleet.empty());
  std::vector<TraceEvent> events;
  for (int copy = 0; events.size() < 50000; ++copy)
    for (TraceEvent e : fleet) {
      e["machine"] = e.value("machine", "") + "-" + std::to_string(copy);
      events.push_back(std::move(e));
    }
  Timeline tl = build_timeline(events);
  ASSERT_EQ(tl.markers.size(), events.size());
  for (size_t i = 0; i < events.size(); i += 97) {  // a sample from both halves
    Timeline alone = build_timeline({events[i]});
    ASSERT_EQ(alone.markers.size(), 1u);
    const Marker& want = alone.markers.front();
    const Marker& got = tl.markers[i];
    EXPECT_EQ(got.event_index, i);
    EXPECT_EQ(got.t_ns, want.t_ns) << i;
    EXPECT_EQ(got.machine, want.machine) << i;
    EXPECT_EQ(got.lane, want.lane) << i;
    EXPECT_EQ(got.category, want.category) << i;
    EXPECT_EQ(got.label, want.label) << i;
    EXPECT_EQ(marker_detail(got, events[i]), marker_detail(want, events[i])) << i;
  }
}

}  // namespace
}  // namespace bootsim::reports
