// What the firmware models (BIOS services, I/O ports, PXE ROM) need from the machine they run in.
//
// The Machine implements this. Keeping it an interface lets each firmware file stay about one service
// and lets unit tests drive the services from a tiny guest program without a network.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "firmware/stop_reason.h"
#include "nicmodels/undi_nic.h"
#include "sim/core/sim_time.h"
#include "sim/core/trace.h"

namespace bootsim {

class Cpu;

class FirmwareHost {
 public:
  virtual ~FirmwareHost() = default;

  virtual Cpu& cpu() = 0;
  /// The NIC as the PXE ROM drives it (UNDI calls, frames, MAC, PCI identity).
  virtual UndiNic& nic() = 0;
  virtual SimTime now() const = 0;
  /// Name of this machine in the trace.
  virtual const std::string& name() const = 0;
  /// Traces an event of a declared kind (trace_kinds.h) at now() as this machine.
  virtual void trace(TraceRecord record) = 0;

  // --- Console and keyboard. --------------------------------------------------------------------------
  virtual void console_put(std::uint8_t ch) = 0;
  /// The next key (scancode<<8 | ascii) if one is available now; nullopt when none.
  virtual std::optional<std::uint16_t> peek_key() = 0;
  /// Removes and returns the next key, fast-forwarding virtual time until one arrives. Returns nullopt
  /// when the run is stopping before a key arrived.
  virtual std::optional<std::uint16_t> take_key() = 0;
  virtual void push_key(std::uint16_t key) = 0;

  // --- Virtual time accounting (see Machine for the idle rule). ----------------------------------------
  /// The guest polled and found nothing to do (empty UNDI_ISR, no key): a candidate idle point.
  virtual void idle_poll() = 0;
  /// The guest polled the keyboard and found nothing: neutral, neither activity nor idle.
  virtual void quiet_key_check() = 0;
  /// Lets virtual time pass inside a blocking ROM call (TFTP_READ waits for its packet, ARP for its
  /// answer): returns at the next scheduled event (a frame arriving, say) or at `deadline`, whichever is
  /// first, or when the run stops. Deterministic, and it takes the baton like any other wait.
  virtual void wait_for_event(SimTime deadline) = 0;
  /// Starts the NBP now at 0000:7C00 (`size` bytes named `name` are there) with the registers and stack
  /// the ROM gives a freshly downloaded NBP: PXENV_RESTART_TFTP. Takes effect when the current PXE call
  /// returns to the guest.
  virtual void restart_nbp(const std::string& name, std::uint32_t size) = 0;
  /// The guest read a clock (INT 1Ah, the PIT, the TSC) and learned only the time; what it reads next reads
  /// differently at `changes_at` (SimTime::max() when only the BIOS tick, or nothing, changes it). Inside a
  /// host entry it makes that entry a clock read; outside one (an instruction such as RDTSC, hooked without a
  /// host entry) it counts toward the entry such reads stand for. Used by the idle rule
  /// (sim/machine/idle_rule.h).
  virtual void time_read(SimTime changes_at) = 0;

  /// Ends the run after the current instruction. `detail` goes into the exit event.
  virtual void stop(StopReason reason, const std::string& detail) = 0;
  virtual bool stopping() const = 0;
};

}  // namespace bootsim
