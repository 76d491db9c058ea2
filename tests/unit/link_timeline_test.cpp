// NIC and switch-port link timelines (nicmodels/nic.h, nicmodels/switch_port.h), driven by the scheduler
// alone: when the link drops and returns after an UNDI call, which spanning-tree states the port walks
// through and when, what happens to frames meanwhile, and the RSTP BPDUs (on the NIC and in the capture).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nicmodels/nic.h"
#include "nicmodels/switch_port.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"
#include "sim/proto/bpdu.h"

using namespace bootsim;

namespace {

/// Collects the frames handed to it (a wire or a capture), with the time they arrived.
struct Sink final : FramePort {
  explicit Sink(Scheduler& s) : sched(s) {}
  void deliver(const Frame& f) override { frames.push_back(Frame{sched.now(), f.bytes}); }
  Scheduler& sched;
  std::vector<Frame> frames;
};

/// A NIC plugged into a switch port plugged into a sink wire, all on one clock.
struct Rig {
  explicit Rig(LinkProfile profile, SwitchPortConfig port_config = {})
      : port(sched, trace, "pc0", port_config),
        nic(sched, trace, "pc0", Mac{0x52, 0x54, 0, 0x12, 0x34, 0x56}, std::move(profile), 1) {
    nic.plug_into(port);
    port.connect(&wire, &capture);
  }
  /// Runs every event up to `t`, each at its own time.
  void run_until(SimTime t) {
    while (sched.next_event_time() <= t) {
      sched.advance_to(sched.next_event_time());
      sched.run_due();
    }
    if (t > sched.now()) sched.advance_to(t);
  }
  /// "state@seconds" of every event of `kind` with a `state` field, e.g. "down@0", "listening@2.5".
  std::vector<std::string> timeline(const std::string& kind) const {
    std::vector<std::string> out;
    for (const auto& e : trace.events_of(kind))
      out.push_back(e["state"].get<std::string>() + "@" + format_time(SimTime::from_ns(e["t_ns"].get<std::int64_t>())));
    return out;
  }
  std::vector<std::uint8_t> frame() const {
    std::vector<std::uint8_t> f(60, 0);
    f[0] = 0xFF;  // broadcast
    for (int i = 6; i < 12; ++i) f[i] = nic.mac()[i - 6];
    return f;
  }

  Scheduler sched;
  Trace trace;
  Sink wire{sched}, capture{sched};
  SwitchPort port;
  Nic nic;
};

LinkProfile renegotiating(SimTime autoneg) {
  LinkProfile p;
  p.name = "test";
  p.drop_on_open = true;
  p.autoneg = autoneg;
  return p;
}

SwitchPortConfig port_mode(SwitchPortConfig::Mode mode) {
  SwitchPortConfig c;
  c.mode = mode;
  c.forward_delay = SimTime::from_s(15);
  c.hello = SimTime::from_s(2);
  return c;
}

TEST(LinkTimeline, EdgePortForwardsAsSoonAsTheRenegotiatedLinkReturns) {
  // Given a NIC whose PHY renegotiates for 3 s on UNDI_OPEN, on an edge port
  Rig rig(renegotiating(SimTime::from_s(3)));
  ASSERT_TRUE(rig.port.forwarding());
  // When the ROM opens it at t=1 s
  rig.run_until(SimTime::from_s(1));
  rig.nic.open();
  // Then the link is down at once, and frames sent meanwhile are dropped as link_down
  EXPECT_FALSE(rig.nic.link_up());
  EXPECT_FALSE(rig.nic.transmit(rig.frame()));
  rig.run_until(SimTime::from_ms(3999));
  EXPECT_FALSE(rig.port.forwarding());
  // and it is back 3 s later, when the port forwards again
  rig.run_until(SimTime::from_s(4));
  EXPECT_TRUE(rig.nic.link_up());
  EXPECT_TRUE(rig.port.forwarding());
  EXPECT_EQ(rig.timeline("link"), (std::vector<std::string>{"down@1.000000s", "up@4.000000s"}));
  EXPECT_EQ(rig.timeline("port"), (std::vector<std::string>{"forwarding@4.000000s"}));
  auto drops = rig.trace.events_of("frame_drop");
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0]["reason"], "link_down");
  EXPECT_TRUE(rig.wire.frames.empty());
  // and a frame sent now reaches the wire, traced at the NIC
  EXPECT_TRUE(rig.nic.transmit(rig.frame()));
  ASSERT_EQ(rig.wire.frames.size(), 1u);
  EXPECT_EQ(rig.trace.events_of("frame_tx").size(), 1u);
}

TEST(LinkTimeline, ARenegotiationDuringAnotherRestartsTheWait) {
  // Given a link that is down for 3 s after UNDI_OPEN
  Rig rig(renegotiating(SimTime::from_s(3)));
  rig.nic.open();
  // When the ROM opens it again 2 s later
  rig.run_until(SimTime::from_s(2));
  rig.nic.open();
  // Then the link comes back 3 s after the second open, not after the first
  rig.run_until(SimTime::from_s(4));
  EXPECT_FALSE(rig.nic.link_up());
  rig.run_until(SimTime::from_s(5));
  EXPECT_EQ(rig.timeline("link"), (std::vector<std::string>{"down@0.000000s", "up@5.000000s"}));
}

TEST(LinkTimeline, StpPortListensAndLearnsForwardDelayEachAndBlocksFramesMeanwhile) {
  // Given an 802.1D port (forward delay 15 s) and a link that returns 1 s after UNDI_OPEN
  Rig rig(renegotiating(SimTime::from_s(1)), port_mode(SwitchPortConfig::Mode::kStp));
  rig.nic.open();
  // When the link is back, the port listens, then learns, then forwards
  rig.run_until(SimTime::from_s(20));
  EXPECT_TRUE(rig.nic.link_up());
  EXPECT_FALSE(rig.port.forwarding());
  // a frame either way is dropped by the port, and the NIC does not count it as sent
  EXPECT_FALSE(rig.nic.transmit(rig.frame()));
  rig.port.deliver(Frame{rig.sched.now(), rig.frame()});
  EXPECT_FALSE(rig.nic.rx_pending());
  rig.run_until(SimTime::from_s(31));
  EXPECT_TRUE(rig.port.forwarding());
  EXPECT_EQ(rig.timeline("port"),
            (std::vector<std::string>{"listening@1.000000s", "learning@16.000000s", "forwarding@31.000000s"}));
  auto drops = rig.trace.events_of("frame_drop");
  ASSERT_EQ(drops.size(), 2u);
  EXPECT_EQ(drops[0]["dir"], "tx");
  EXPECT_EQ(drops[0]["reason"], "port_blocking");
  EXPECT_EQ(drops[1]["dir"], "rx");
  EXPECT_EQ(drops[1]["reason"], "port_blocking");
  EXPECT_TRUE(rig.trace.events_of("frame_tx").empty());
  // and classic STP says nothing to the station: no BPDUs
  EXPECT_TRUE(rig.trace.events_of("bpdu").empty());
  EXPECT_TRUE(rig.capture.frames.empty());
  // Once forwarding, frames pass both ways
  EXPECT_TRUE(rig.nic.transmit(rig.frame()));
  rig.port.deliver(Frame{rig.sched.now(), rig.frame()});
  EXPECT_TRUE(rig.nic.rx_pending());
}

TEST(LinkTimeline, PortfastForwardsAtLinkUp) {
  Rig rig(renegotiating(SimTime::from_s(2)), port_mode(SwitchPortConfig::Mode::kPortfast));
  rig.nic.open();
  rig.run_until(SimTime::from_s(2));
  EXPECT_TRUE(rig.port.forwarding());
  EXPECT_EQ(rig.timeline("port"), (std::vector<std::string>{"forwarding@2.000000s"}));
}

TEST(LinkTimeline, RstpPortSendsBpdusEveryHelloUntilItForwardsAndTheyReachNicAndCapture) {
  // Given an RSTP port (hello 2 s, forward delay 15 s) and a link back 1 s after UNDI_OPEN
  Rig rig(renegotiating(SimTime::from_s(1)), port_mode(SwitchPortConfig::Mode::kRstp));
  rig.nic.open();
  // When the port has gone through discarding and learning
  rig.run_until(SimTime::from_s(40));
  EXPECT_EQ(rig.timeline("port"),
            (std::vector<std::string>{"discarding@1.000000s", "learning@16.000000s", "forwarding@31.000000s"}));
  // Then it sent a BPDU at link-up and every 2 s while not forwarding (1, 3, …, 29 s), and one saying
  // "forwarding" when it got there (at 31 s the last hello coincides with it)
  auto bpdus = rig.trace.events_of("bpdu");
  ASSERT_EQ(bpdus.size(), 17u);
  for (size_t i = 0; i < 15; ++i) {
    EXPECT_EQ(bpdus[i]["t_ns"].get<std::int64_t>(), SimTime::from_s(1 + 2 * static_cast<std::int64_t>(i)).ns) << i;
    EXPECT_FALSE(bpdus[i]["forwarding"].get<bool>()) << i;
  }
  EXPECT_TRUE(bpdus[15]["forwarding"].get<bool>());
  EXPECT_EQ(bpdus[15]["t_ns"].get<std::int64_t>(), SimTime::from_s(31).ns);
  // each one also went into the capture (the wire's pcap) at the same time, byte for byte, and to the NIC
  ASSERT_EQ(rig.capture.frames.size(), bpdus.size());
  for (size_t i = 0; i < bpdus.size(); ++i) {
    EXPECT_EQ(rig.capture.frames[i].t.ns, bpdus[i]["t_ns"].get<std::int64_t>());
    EXPECT_EQ(to_hex(rig.capture.frames[i].bytes.data(), rig.capture.frames[i].bytes.size()), bpdus[i]["hex"]);
  }
  size_t received = 0;
  while (auto f = rig.nic.receive()) {
    EXPECT_EQ(f->bytes, rig.capture.frames[received].bytes);
    ++received;
  }
  EXPECT_EQ(received, bpdus.size());
  // and none of them was switched onto the wire
  EXPECT_TRUE(rig.wire.frames.empty());
  // The BPDU says what iPXE's net/stp.c reads: RSTP (version 2, type 2), flags 0x0C then 0x3C
  const auto& first = rig.capture.frames.front().bytes;
  ASSERT_EQ(first.size(), 60u);
  EXPECT_EQ(std::vector<std::uint8_t>(first.begin(), first.begin() + 6), std::vector<std::uint8_t>(kStpGroupMac.begin(), kStpGroupMac.end()));
  EXPECT_EQ(first[14], 0x42);  // LLC DSAP
  EXPECT_EQ(first[17 + 2], 2);  // version
  EXPECT_EQ(first[17 + 3], 2);  // type
  EXPECT_EQ(first[17 + 4], 0x0C);
  EXPECT_EQ(rig.capture.frames[15].bytes[17 + 4], 0x3C);
}

TEST(LinkTimeline, ClosedNicDropsWhatThePortDelivers) {
  // Given a forwarding port and a NIC the ROM has not opened
  Rig rig(LinkProfile{});
  // When a frame arrives from the wire, it is dropped at the NIC as nic_closed
  rig.port.deliver(Frame{rig.sched.now(), rig.frame()});
  EXPECT_FALSE(rig.nic.rx_pending());
  auto drops = rig.trace.events_of("frame_drop");
  ASSERT_EQ(drops.size(), 1u);
  EXPECT_EQ(drops[0]["reason"], "nic_closed");
  // and once open, it is queued and traced as frame_rx when taken
  rig.nic.open();
  rig.port.deliver(Frame{rig.sched.now(), rig.frame()});
  EXPECT_TRUE(rig.trace.events_of("frame_rx").empty());
  ASSERT_TRUE(rig.nic.receive());
  EXPECT_EQ(rig.trace.events_of("frame_rx").size(), 1u);
}

}  // namespace
