// The PXE ROM's own boot phase (firmware/pxe_base_code.h, owned by PxeRom) against a fake NIC through the
// UNDI-facing interface (nicmodels/undi_nic.h) and a scripted server: each failure the base code models
// ends with its PXE-Exx message after the retries the spec gives, and a good exchange hands the NBP and
// the DHCP packets for GET_CACHED_INFO to the ROM. No CPU and no network: only the scheduler.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "firmware/host.h"
#include "firmware/pxe_rom.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/proto/packet.h"

using namespace bootsim;

namespace {

constexpr std::uint32_t kServerIp = 0x0A000202;  // 10.0.2.2
constexpr std::uint32_t kClientIp = 0x0A00020F;  // 10.0.2.15
const Mac kServerMac{0x52, 0x55, 0x0A, 0x00, 0x02, 0x02};

/// A NIC on a scripted wire: every transmitted frame goes to `on_transmit`, which may queue replies.
class FakeNic final : public UndiNic {
 public:
  void initialize() override {}
  void reset_adapter() override {}
  void shutdown() override { open_ = false; }
  void open() override { open_ = true; }
  void close() override { open_ = false; }
  bool transmit(std::vector<std::uint8_t> frame) override {
    sent.push_back(frame);
    if (on_transmit) on_transmit(frame);
    return true;
  }
  bool rx_pending() const override { return !rx.empty(); }
  std::optional<Frame> receive() override {
    if (rx.empty()) return std::nullopt;
    Frame f = rx.front();
    rx.erase(rx.begin());
    return f;
  }
  const Mac& mac() const override { return mac_; }
  const LinkProfile& profile() const override { return profile_; }

  std::function<void(const std::vector<std::uint8_t>&)> on_transmit;
  std::vector<std::vector<std::uint8_t>> sent;
  std::vector<Frame> rx;
  bool open_ = false;

 private:
  Mac mac_{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
  LinkProfile profile_;
};

/// Just enough machine for the base code: clock, console, trace. It runs no guest code.
class FakeHost final : public FirmwareHost {
 public:
  FakeHost(Scheduler& sched, FakeNic& nic) : sched_(sched), nic_(nic) {}
  Cpu& cpu() override { throw std::logic_error("the base code runs no guest code"); }
  UndiNic& nic() override { return nic_; }
  SimTime now() const override { return sched_.now(); }
  const std::string& name() const override { return name_; }
  void trace(TraceRecord record) override { trace_.emit(now(), name_, std::move(record)); }
  void console_put(std::uint8_t ch) override { console += static_cast<char>(ch); }
  std::optional<std::uint16_t> peek_key() override { return std::nullopt; }
  std::optional<std::uint16_t> take_key() override { return std::nullopt; }
  void push_key(std::uint16_t) override {}
  void idle_poll() override {}
  void quiet_key_check() override {}
  void wait_for_event(SimTime) override {}  // the base code never blocks
  void restart_nbp(const std::string&, std::uint32_t) override {}
  void time_read(SimTime) override {}
  void stop(StopReason, const std::string&) override {}
  bool stopping() const override { return false; }

  std::string console;
  Trace trace_;

 private:
  Scheduler& sched_;
  FakeNic& nic_;
  std::string name_ = "pc0";
};

/// What the scripted server does.
struct Script {
  bool dhcp = true;             ///< answer DISCOVER/REQUEST
  std::string file = "undionly.kpxe";
  enum class Tftp { kSilent, kError, kData } tftp = Tftp::kSilent;
  std::vector<std::uint8_t> nbp;  ///< for kData: sent in one block (< 512 bytes)
};

struct Rig {
  explicit Rig(Script s) : script(std::move(s)), host(sched, nic), rom(host, PxeRomConfig{}) {
    nic.on_transmit = [this](const std::vector<std::uint8_t>& f) { answer(f); };
  }

  /// Runs the ROM's boot phase as the machine does: frames in, then time to the next event. Returns the
  /// virtual time at which it ended.
  SimTime run() {
    rom.start_base_code(sched, 7, 1 << 20);
    while (!rom.poll_base_code()) {
      SimTime next = sched.next_event_time();
      if (next == SimTime::max()) throw std::logic_error("the base code waits for nothing");
      sched.advance_to(next);
      sched.run_due();
    }
    return sched.now();
  }

  /// Times (seconds, rounded to ms) at which frames matching `pred` were sent.
  std::vector<double> sent_at(const std::function<bool(const std::vector<std::uint8_t>&)>& pred) const {
    std::vector<double> out;
    for (size_t i = 0; i < nic.sent.size(); ++i)
      if (pred(nic.sent[i])) out.push_back(static_cast<double>(sent_times[i].ns / 1000000) / 1000.0);
    return out;
  }

  void answer(const std::vector<std::uint8_t>& f) {
    sent_times.push_back(sched.now());
    if (auto arp = parse_arp_frame(f); arp && arp->op == 1 && arp->target_ip == kServerIp) {
      reply(build_arp_frame(ArpPacket{2, kServerMac, arp->sender_mac, kServerIp, arp->sender_ip}, arp->sender_mac));
      return;
    }
    auto udp = parse_udp_frame(f);
    if (!udp) return;
    if (udp->dst_port == 67 && script.dhcp) {
      auto req = DhcpPacket::decode(udp->payload.data(), udp->payload.size(), nullptr);
      if (!req) return;
      DhcpPacket p;
      p.op = 2;
      p.xid = req->xid;
      p.chaddr = req->chaddr;
      p.yiaddr = kClientIp;
      p.siaddr = kServerIp;
      p.file = script.file;
      p.set(53, {static_cast<std::uint8_t>(req->message_type() == DHCPDISCOVER ? DHCPOFFER : DHCPACK)});
      p.set_u32(54, kServerIp);
      p.set_u32(1, 0xFFFFFF00);
      reply_udp(kBroadcastMac, 0xFFFFFFFF, 67, 68, p.encode());
    } else if (udp->dst_port == 69) {
      client_port = udp->src_port;
      if (script.tftp == Script::Tftp::kError) {
        std::vector<std::uint8_t> err = {0, 5, 0, 1};
        for (char c : std::string("File not found")) err.push_back(static_cast<std::uint8_t>(c));
        err.push_back(0);
        reply_udp(udp->src_mac, kClientIp, 1069, client_port, err);
      } else if (script.tftp == Script::Tftp::kData) {
        std::vector<std::uint8_t> data = {0, 3, 0, 1};
        data.insert(data.end(), script.nbp.begin(), script.nbp.end());
        reply_udp(udp->src_mac, kClientIp, 1069, client_port, data);
      }
    }
  }
  void reply_udp(const Mac& dst_mac, std::uint32_t dst_ip, std::uint16_t sport, std::uint16_t dport,
                 std::vector<std::uint8_t> payload) {
    UdpDatagram d;
    d.src_mac = kServerMac;
    d.dst_mac = dst_mac;
    d.src_ip = kServerIp;
    d.dst_ip = dst_ip;
    d.src_port = sport;
    d.dst_port = dport;
    d.payload = std::move(payload);
    reply(build_udp_frame(d));
  }
  /// The reply arrives 1 ms later, as over a wire.
  void reply(std::vector<std::uint8_t> frame) {
    sched.schedule_in(SimTime::from_ms(1), "server.reply", [this, frame] { nic.rx.push_back(Frame{sched.now(), frame}); });
  }

  Script script;
  Scheduler sched;
  FakeNic nic;
  FakeHost host;
  PxeRom rom;
  std::vector<SimTime> sent_times;
  std::uint16_t client_port = 0;
};

bool is_discover(const std::vector<std::uint8_t>& f) {
  auto udp = parse_udp_frame(f);
  if (!udp || udp->dst_port != 67) return false;
  auto p = DhcpPacket::decode(udp->payload.data(), udp->payload.size(), nullptr);
  return p && p->message_type() == DHCPDISCOVER;
}
bool is_rrq(const std::vector<std::uint8_t>& f) {
  auto udp = parse_udp_frame(f);
  return udp && udp->dst_port == 69 && udp->payload.size() > 2 && udp->payload[1] == 1;
}

TEST(PxeBaseCode, NoDhcpOffersFailsWithE51AfterFourDiscoversOver60Seconds) {
  // Given a wire where nobody answers DHCP
  Script s;
  s.dhcp = false;
  Rig rig(s);
  // When the ROM runs its boot phase
  SimTime end = rig.run();
  // Then it sent DISCOVER at 0, 4, 12 and 28 s (timeouts 4, 8, 16, 32 s: PXE 2.1 §2.2.5) and gave up at 60 s
  EXPECT_EQ(rig.sent_at(is_discover), (std::vector<double>{0, 4, 12, 28}));
  EXPECT_EQ(end, SimTime::from_s(60));
  const auto& r = rig.rom.base_code_result();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "PXE-E51: No DHCP or proxyDHCP offers were received");
  EXPECT_NE(rig.host.console.find("DHCP....\r\nPXE-E51: No DHCP or proxyDHCP offers were received\r\nPXE-M0F: Exiting PXE ROM."),
            std::string::npos)
      << rig.host.console;
  EXPECT_TRUE(r.nbp.empty());
}

TEST(PxeBaseCode, OfferWithoutBootFileFailsWithE53) {
  Script s;
  s.file = "";
  Rig rig(s);
  rig.run();
  EXPECT_FALSE(rig.rom.base_code_result().ok);
  EXPECT_EQ(rig.rom.base_code_result().error, "PXE-E53: No boot filename received");
  EXPECT_TRUE(rig.sent_at(is_rrq).empty());
}

TEST(PxeBaseCode, SilentTftpServerFailsWithE32AfterFourReadRequests) {
  // Given DHCP that offers a boot file and a TFTP server that never answers
  Rig rig(Script{});
  SimTime end = rig.run();
  // Then the RRQ went out four times, 1, 2 and 4 s apart, and the ROM gave up 8 s after the last
  auto rrqs = rig.sent_at(is_rrq);
  ASSERT_EQ(rrqs.size(), 4u);
  EXPECT_DOUBLE_EQ(rrqs[1] - rrqs[0], 1);
  EXPECT_DOUBLE_EQ(rrqs[2] - rrqs[1], 2);
  EXPECT_DOUBLE_EQ(rrqs[3] - rrqs[2], 4);
  EXPECT_DOUBLE_EQ(static_cast<double>(end.ns / 1000000) / 1000.0 - rrqs[3], 8);
  EXPECT_EQ(rig.rom.base_code_result().error, "PXE-E32: TFTP open timeout");
  EXPECT_NE(rig.host.console.find("TFTP.\r\nPXE-E32: TFTP open timeout\r\nPXE-M0F: Exiting PXE ROM."), std::string::npos)
      << rig.host.console;
}

TEST(PxeBaseCode, TftpErrorFailsWithE3BAndTheServersMessage) {
  Script s;
  s.tftp = Script::Tftp::kError;
  Rig rig(s);
  rig.run();
  EXPECT_EQ(rig.sent_at(is_rrq).size(), 1u);
  EXPECT_EQ(rig.rom.base_code_result().error, "PXE-T01: File not found\r\nPXE-E3B: TFTP Error - File Not found");
  EXPECT_NE(rig.host.console.find("PXE-T01: File not found\r\nPXE-E3B: TFTP Error - File Not found\r\nPXE-M0F"),
            std::string::npos)
      << rig.host.console;
}

TEST(PxeBaseCode, GoodExchangeHandsTheNbpAndTheDhcpPacketsToTheRom) {
  Script s;
  s.tftp = Script::Tftp::kData;
  s.nbp = std::vector<std::uint8_t>(100, 0xAB);
  Rig rig(s);
  rig.run();
  const auto& r = rig.rom.base_code_result();
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.nbp, s.nbp);
  EXPECT_EQ(r.filename, "undionly.kpxe");
  EXPECT_EQ(r.client_ip, kClientIp);
  EXPECT_FALSE(r.discover.empty());
  EXPECT_FALSE(r.ack.empty());
  EXPECT_TRUE(rig.nic.open_);
  auto phases = rig.host.trace_.events_of("phase");
  ASSERT_FALSE(phases.empty());
  EXPECT_EQ(phases.back()["phase"], "nbp_downloaded");
}

}  // namespace
