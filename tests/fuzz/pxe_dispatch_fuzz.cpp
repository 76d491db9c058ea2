// The PXE/UNDI dispatcher (firmware/pxe_rom.cpp) on calls no sane NBP makes: any opcode, either calling
// convention, the parameter block anywhere (segment:offset up to FFFF:FFFF, past the end of RAM), random
// block contents and random memory wherever its far pointers (transmit descriptors, cached-info and
// command-line buffers) lead; frames waiting in the NIC for UNDI_ISR.
//
// Input, per call: flags (bit 0: !PXE stack convention, bit 1: opcode from the table of known ones, bit 2:
// a frame arrives first), opcode, params segment and offset, a length-prefixed parameter block, then a
// count of further (address, length-prefixed bytes) memory writes. RAM is 1 MiB, so pointers into the HMA
// and 32-bit physical TBD pointers reach past it.
// Properties: a call either completes, with Status at the block's offset 0 matching AX (PXENV_EXIT), or
// is a GuestFault (bad_pointer: the machine stops with exit 3); any other exception would be a bootsim
// internal error (exit 4), so it is a finding.
#include <string>

#include "sim/scenario/nic_profiles.h"
#include "firmware/host.h"
#include "firmware/memory_map.h"
#include "firmware/pxe_api.h"
#include "firmware/pxe_rom.h"
#include "fuzz_input.h"
#include "nicmodels/nic.h"
#include "sim/cpu/cpu.h"
#include "sim/core/errors.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

using namespace bootsim;
using namespace bootsim::pxe;

namespace {

constexpr std::uint32_t kRam = 1u << 20;

/// Just enough machine for the ROM: a CPU and RAM, a NIC on no wire, a clock nobody advances but us.
class Host final : public FirmwareHost {
 public:
  Host(Cpu& cpu, Scheduler& sched, Trace& trace, Nic& nic) : cpu_(cpu), sched_(sched), trace_(trace), nic_(nic) {}
  Cpu& cpu() override { return cpu_; }
  Nic& nic() override { return nic_; }
  SimTime now() const override { return sched_.now(); }
  const std::string& name() const override { return name_; }
  void trace(TraceRecord record) override { trace_.emit(now(), name_, std::move(record)); }
  void console_put(std::uint8_t) override {}
  std::optional<std::uint16_t> peek_key() override { return std::nullopt; }
  std::optional<std::uint16_t> take_key() override { return std::nullopt; }
  void push_key(std::uint16_t) override {}
  void idle_poll() override {}
  void quiet_key_check() override {}
  /// A blocking TFTP/ARP wait: the clock moves to the deadline (no wire answers here).
  void wait_for_event(SimTime deadline) override {
    if (deadline > sched_.now()) sched_.advance_to(deadline);
  }
  void restart_nbp(const std::string&, std::uint32_t) override {}
  void time_read(SimTime) override {}
  void stop(StopReason, const std::string&) override { stopped_ = true; }
  bool stopping() const override { return stopped_; }

 private:
  Cpu& cpu_;
  Scheduler& sched_;
  Trace& trace_;
  Nic& nic_;
  std::string name_ = "pc0";
  bool stopped_ = false;
};

const std::uint16_t kOpcodes[] = {
    START_UNDI,       UNDI_STARTUP,          UNDI_CLEANUP,          UNDI_INITIALIZE,      UNDI_RESET_ADAPTER,
    UNDI_SHUTDOWN,    UNDI_OPEN,             UNDI_CLOSE,            UNDI_TRANSMIT,        UNDI_SET_MCAST_ADDRESS,
    UNDI_SET_STATION_ADDRESS, UNDI_SET_PACKET_FILTER, UNDI_GET_INFORMATION, UNDI_GET_STATISTICS,
    UNDI_CLEAR_STATISTICS, UNDI_GET_NIC_TYPE, UNDI_GET_IFACE_INFO, UNDI_ISR, STOP_UNDI, UNLOAD_STACK,
    GET_CACHED_INFO,  FILE_CMDLINE,          TFTP_OPEN,             TFTP_CLOSE,           TFTP_READ,
    TFTP_READ_FILE,   TFTP_GET_FSIZE,        UDP_OPEN,              UDP_CLOSE,            UDP_READ,
    UDP_WRITE,        STOP_BASE,             FILE_API_CHECK};

/// Writes what fits in RAM (a block straddling the end is cut, as a real block would wrap into nothing).
void poke(Cpu& cpu, std::uint32_t addr, const std::vector<std::uint8_t>& bytes) {
  if (addr >= kRam) return;
  std::size_t n = std::min<std::size_t>(bytes.size(), kRam - addr);
  cpu.write(addr, bytes.data(), n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Cpu* cpu = [] {
    auto* c = new Cpu(kRam);
    c->enter_real_mode();
    return c;
  }();
  fuzz::Input in(data, size);
  Scheduler sched;
  Trace trace;
  LinkProfile profile = scenario::builtin_profiles().find("generic")->profile;
  Nic nic(sched, trace, "pc0", {0x52, 0x54, 0, 0x12, 0x34, 0x56}, profile, 1);
  Host host(*cpu, sched, trace, nic);
  PxeRomConfig cfg;
  std::uint8_t setup = in.u8();
  if (setup & 1) cfg.cached_ack = in.chunk();
  if (setup & 2) cfg.cached_discover = std::vector<std::uint8_t>(300, 0x42);
  if (setup & 4) {
    auto text = in.chunk();
    cfg.cmdline = std::string(text.begin(), text.end());
  }
  PxeRom rom(host, cfg);
  rom.install();

  for (int calls = 0; calls < 64 && !in.empty(); ++calls) {
    std::uint8_t flags = in.u8();
    std::uint16_t opcode = flags & 2 ? kOpcodes[in.u8() % std::size(kOpcodes)] : in.u16();
    std::uint16_t seg = in.u16(), off = in.u16();
    std::uint32_t params = Cpu::linear(seg, off);
    poke(*cpu, params, in.chunk());
    for (int writes = in.u8() % 4; writes > 0; --writes) {
      std::uint32_t addr = in.u32() % kRam;
      poke(*cpu, addr, in.chunk());
    }
    if (flags & 4) {
      nic.open();
      sched.advance_to(SimTime{sched.now().ns + 60'000'000'000});  // past any autonegotiation
      sched.run_due();
      nic.deliver(Frame{sched.now(), in.chunk()});
    }
    bool stack = flags & 1;
    if (stack) {
      // lcall pushed CS:IP; the arguments follow: opcode, parameter offset, parameter segment.
      std::uint16_t ss = 0x0700, sp = static_cast<std::uint16_t>(0x1000 - 10);
      cpu->set_reg(UC_X86_REG_SS, ss);
      cpu->set_reg(UC_X86_REG_SP, sp);
      std::uint32_t at = Cpu::linear(ss, sp);
      cpu->write16(at + 4, opcode);
      cpu->write16(at + 6, off);
      cpu->write16(at + 8, seg);
    } else {
      cpu->set_reg(UC_X86_REG_BX, opcode);
      cpu->set_reg(UC_X86_REG_ES, seg);
      cpu->set_reg(UC_X86_REG_DI, off);
    }
    try {
      rom.entry(stack);
    } catch (const GuestFault& f) {
      FUZZ_CHECK(f.kind() == "bad_pointer", "unexpected fault kind " + f.kind());
      continue;  // the machine would stop here with exit 3
    } catch (const std::exception& e) {
      fuzz::bug(std::string("internal error (exit 4) from a PXE call: ") + e.what());
    }
    std::uint16_t status = cpu->read16(params);
    std::uint16_t ax = static_cast<std::uint16_t>(cpu->reg(UC_X86_REG_AX));
    FUZZ_CHECK((status == STATUS_SUCCESS) == (ax == PXENV_EXIT_SUCCESS),
               "status " + std::to_string(status) + " with AX " + std::to_string(ax));
    if (!stack) FUZZ_CHECK(((cpu->reg(UC_X86_REG_EFLAGS) & 1) != 0) == (ax != 0), "CF does not match AX");
  }
  return 0;
}
