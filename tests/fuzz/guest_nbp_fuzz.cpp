// The whole machine on firmware nobody trusts: boots a mutated NBP for a bounded virtual time on a LAN
// with our DHCP server, and requires a clean stop (any stop reason, any exit code but 4, no host crash).
//
// Input: byte 0 picks the image. Even: Debian's undionly.kpxe with byte flips, the rest of the input
// being 4-byte records (24-bit offset modulo the image size, XOR mask; a zero mask flips every bit; at
// least one record, a short one padded with zeros). Odd:
// the rest of the input is the NBP itself (random code at 0000:7C00; the empty one is refused at load).
// Each run stops after 2 s of virtual time or when the watchdog (below) sees no host entry for too long.
// Property: run_boot returns; no machine stopped for kInternalError. InputError (an NBP that does not fit
// in base memory) is fine; any other exception is a finding.
#include <fstream>
#include <iterator>
#include <string>

#include "fuzz_input.h"
#include "sim/world/boot_run.h"
#include "sim/core/errors.h"

using namespace bootsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::uint8_t> ipxe = [] {
    std::ifstream f(BOOTSIM_IPXE_DIR "/undionly.kpxe", std::ios::binary);
    std::vector<std::uint8_t> v{std::istreambuf_iterator<char>(f), {}};
    if (v.empty()) fuzz::bug("cannot read " BOOTSIM_IPXE_DIR "/undionly.kpxe");
    return v;
  }();
  fuzz::Input in(data, size);
  BootRunSpec spec;
  const bool random_code = in.u8() % 2;
  if (!random_code) {
    spec.machine.nbp = ipxe;
    spec.machine.nbp_path = "undionly.kpxe (mutated)";
    // At least one flip: the unmodified image is the boot tests' business, and at ~1 s a boot (10 s under
    // ASan) it would be most of the fuzzer's time. A short record reads as zeros: offset 0, all bits.
    do {
      std::uint32_t off = (in.u16() | std::uint32_t{in.u8()} << 16) % ipxe.size();
      std::uint8_t mask = in.u8();
      spec.machine.nbp[off] ^= mask ? mask : 0xFF;
    } while (!in.empty());
  } else {
    spec.machine.nbp = in.rest();
    spec.machine.nbp_path = "random code";
  }
  // The watchdog bounds a run without host entries. iPXE's own decompressor needs 7-10 million blocks
  // between two host entries; random code gets 200 thousand. A guest storing into its own code pages
  // costs ~10 us a block (retranslation), so this is what bounds wall time, not the virtual 2 s.
  spec.machine.watchdog_blocks = random_code ? 200'000 : 12'000'000;
  spec.until = SimTime::from_s(2);
  spec.responder = BootRunSpec::Responder::kDhcp;
  try {
    BootRunOutcome out = run_boot(spec);
    FUZZ_CHECK(!out.machines.empty(), "a run without machines");
    for (const auto& m : out.machines)
      FUZZ_CHECK(m.result.reason != StopReason::kInternalError, "internal error: " + m.result.detail);
    FUZZ_CHECK(out.result.reason != StopReason::kNone, "a run that did not say why it stopped");
    if (fuzz::verbose())
      std::fprintf(stderr, "guest_nbp: %s at %.3f s: %s\n", stop_reason_name(out.result.reason),
                   out.result.end_time.seconds(), out.result.detail.c_str());
  } catch (const InputError&) {
    // Refused before it ran (size): exit 2.
  } catch (const std::exception& e) {
    fuzz::bug(std::string("run_boot threw: ") + e.what());
  }
  return 0;
}
