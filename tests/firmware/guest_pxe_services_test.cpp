// The base code's TFTP and UDP services (PXE 2.1 §3.2, §3.3) as a guest program drives them, against the
// real boot network's TFTP server (libslirp), and what STOP/UNLOAD calls leave of them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "firmware/cached_ack.h"
#include "guest_fixture.h"
#include "guest_pxeapi.bin.h"
#include "guest_restart.bin.h"
#include "guest_tftpapi.bin.h"
#include "sim/facts/trace_facts.h"
#include "sim/world/boot_run.h"

namespace bootsim::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

/// A TFTP root with hello.txt: 1300 bytes, 'A'..'Z' repeated (two full 512-byte blocks and 276 bytes).
std::string make_tftp_root() {
  fs::path dir = fs::temp_directory_path() / ("bootsim-tftpapi-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream f(dir / "hello.txt", std::ios::binary);
  for (int i = 0; i < 1300; ++i) f.put(static_cast<char>('A' + i % 26));
  return dir.string();
}

BootRunOutcome run_services_guest() {
  static const std::string root = make_tftp_root();
  BootRunSpec spec;
  spec.machine.nbp = guest_image(guest_tftpapi_bin);
  spec.machine.nbp_path = "tftpapi";
  spec.machine.rom.cached_ack = build_cached_ack(spec.machine.mac, CachedAckParams{});
  spec.network = NetworkConfig{};
  spec.network->tftp_root = root;
  spec.until = SimTime::from_s(30);
  return run_boot(spec);
}

class GuestPxeServices : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { out_ = new BootRunOutcome(run_services_guest()); }
  static void TearDownTestSuite() {
    delete out_;
    out_ = nullptr;
  }
  static const std::string& console() { return out_->console_text; }
  static BootRunOutcome* out_;
};
BootRunOutcome* GuestPxeServices::out_ = nullptr;

TEST_F(GuestPxeServices, TheProgramRunsToItsEnd) {
  EXPECT_EQ(out_->result.reason, StopReason::kNbpReturned) << out_->result.detail << "\n" << console();
}

TEST_F(GuestPxeServices, FileApiCheckFailsAsOnAVendorRomAndIsNotAnUnknownCall) {
  EXPECT_THAT(console(), HasSubstr("apicheck ax=0001 st=0003 magic=91D447B2"));
  auto calls = out_->trace.events_of("pxe_call");
  ASSERT_FALSE(calls.empty());
  for (const auto& e : calls) {
    if (e.value("opcode", 0) == 0xE6) {
      EXPECT_EQ(e.value("op", ""), "FILE_API_CHECK");
    }
  }
}

TEST_F(GuestPxeServices, GetFsizeReadsTheSizeFromTheServersTsize) {
  EXPECT_THAT(console(), HasSubstr("fsize ax=0000 st=0000 size=00000514"));
}

TEST_F(GuestPxeServices, OpenReadCloseHandsOutTheFileBlockByBlock) {
  EXPECT_THAT(console(), HasSubstr("open ax=0000 st=0000 pkt=0200"));
  EXPECT_THAT(console(), HasSubstr("open2 ax=0001 st=001B"));
  EXPECT_THAT(console(), HasSubstr("read ax=0000 st=0000 n=0001 size=0200 first=41"));
  EXPECT_THAT(console(), HasSubstr("read ax=0000 st=0000 n=0002 size=0200 first=53"));  // 512 % 26 = 18: 'S'
  EXPECT_THAT(console(), HasSubstr("read ax=0000 st=0000 n=0003 size=0114 first=4B"));  // 1024 % 26 = 10: 'K'
  EXPECT_THAT(console(), HasSubstr("close ax=0000 st=0000 close2 st=001A"));
}

TEST_F(GuestPxeServices, AMissingFileIsFileNotFound) {
  EXPECT_THAT(console(), HasSubstr("missing ax=0001 st=003B"));
}

TEST_F(GuestPxeServices, ReadFileLoadsTheWholeFileAtAPhysicalAddress) {
  // The last byte, 1299 % 26 = 25: 'Z'.
  EXPECT_THAT(console(), HasSubstr("readfile ax=0000 st=0000 size=00000514 first=41 last=5A"));
}

TEST_F(GuestPxeServices, UdpCarriesTheGuestsOwnDatagramsBothWays) {
  EXPECT_THAT(console(), HasSubstr("udpopen ax=0000 st=0000 again st=0019"));
  EXPECT_THAT(console(), HasSubstr("udpwrite ax=0000 st=0000"));
  // The server's DATA block 1 (00 03 00 01) to 10.0.2.15 port 2000, from 10.0.2.2.
  EXPECT_THAT(console(), HasSubstr("udpread ax=0000 st=0000 from=0202000A to=0F02000A dport=D007 size=0204 head=01000300"));
  EXPECT_THAT(console(), HasSubstr("udpclose ax=0000 st=0000 readclosed st=0018"));
}

TEST_F(GuestPxeServices, UnloadStackEndsTheBaseCodesServices) {
  EXPECT_THAT(console(), HasSubstr("unload ax=0000 st=0000 tftp ax=0001 udp ax=0001 cached ax=0001"));
}

TEST_F(GuestPxeServices, TheRomsTftpFramesAreOnTheWire) {
  // Every request the ROM made is a real frame: read requests to port 69 from the client's address.
  int rrqs = 0;
  for (const auto& e : out_->trace.events_of("frame_tx")) {
    std::string hex = e.value("hex", "");
    // IPv4 (0800), UDP (11), 10.0.2.15 -> 10.0.2.2, destination port 69 (0045), opcode 1 (RRQ).
    if (hex.size() > 92 && hex.substr(24, 4) == "0800" && hex.substr(46, 2) == "11" && hex.substr(52, 16) == "0a00020f0a000202" &&
        hex.substr(72, 4) == "0045" && hex.substr(84, 4) == "0001")
      ++rrqs;
  }
  EXPECT_EQ(rrqs, 5) << "GET_FSIZE, OPEN, the missing file, READ_FILE and the guest's own UDP request";
}

TEST(GuestPxeServicesRepeat, TwoRunsGiveTheSameTrace) {
  EXPECT_EQ(run_services_guest().trace.to_jsonl(), run_services_guest().trace.to_jsonl());
}

TEST(GuestPxeUnmodeled, AnUnknownCallIsNamedForTheRunsSummaryLine) {
  // Given a program that calls opcode 0099h, which no PXE ROM defines, among known calls
  GuestOptions opt;
  opt.machine.rom.cached_ack = build_cached_ack(opt.machine.mac, CachedAckParams{});
  auto out = run_guest(guest_image(guest_pxeapi_bin), opt);
  // Then the facts name it once, as the summary line prints it; the known calls are not named
  facts::MachineFacts f = facts::merged_facts(out.trace.events());
  EXPECT_EQ(f.unknown_pxe_calls, std::vector<std::uint16_t>{0x0099});
  EXPECT_EQ(f.unmodeled_calls_note(), "the NBP used PXE call 0x0099, which bootsim does not model");
  // And a run without unknown calls has no note
  EXPECT_EQ(facts::merged_facts(run_services_guest().trace.events()).unmodeled_calls_note(), "");
}

TEST(GuestPxeRestart, RestartTftpStartsTheDownloadedNbpInsteadOfReturning) {
  // Given the program served as restart.bin, which restarts itself once through RESTART_TFTP
  fs::path dir = fs::temp_directory_path() / ("bootsim-restart-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream f(dir / "restart.bin", std::ios::binary);
    f.write(reinterpret_cast<const char*>(guest_restart_bin), sizeof guest_restart_bin);
  }
  BootRunSpec spec;
  spec.machine.nbp = guest_image(guest_restart_bin);
  spec.machine.nbp_path = "restart";
  spec.machine.rom.cached_ack = build_cached_ack(spec.machine.mac, CachedAckParams{});
  spec.network = NetworkConfig{};
  spec.network->tftp_root = dir.string();
  spec.until = SimTime::from_s(10);
  // When it runs
  BootRunOutcome out = run_boot(spec);
  // Then the call did not return: the new copy ran from its start, and returned to the ROM
  EXPECT_EQ(out.result.reason, StopReason::kNbpReturned) << out.result.detail;
  EXPECT_THAT(out.console_text, HasSubstr("first run\nsecond run"));
  EXPECT_THAT(out.console_text, ::testing::Not(HasSubstr("restart returned")));
  int starts = 0;
  for (const auto& e : out.trace.events_of("phase"))
    if (e.value("phase", "") == "nbp_start") ++starts;
  EXPECT_EQ(starts, 2);
}

}  // namespace
}  // namespace bootsim::testing
