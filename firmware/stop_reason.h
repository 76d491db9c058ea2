// Why a machine's run ended: the firmware models decide most of these (the BIOS's INT 18h, the PXE ROM
// giving up, a sentinel payload's handoff), the machine the rest (time limit, guest faults).
#pragma once

namespace bootsim {

enum class StopReason {
  kNone,
  kTimeLimit,     ///< the configured virtual-time limit was reached
  kNbpReturned,   ///< the NBP far-returned to the ROM
  kBootFailed,    ///< INT 18h/19h: the BIOS's "boot failed, try next device"
  kHandoff,       ///< a sentinel OS payload reported that it was reached
  kReset,         ///< the guest asked for a reboot (iPXE `reboot`)
  kGuestFault,    ///< the guest crashed or misbehaved; see the fault event
  kRomFailed,     ///< the PXE ROM's own boot phase gave up (no offer, TFTP error)
  kInternalError, ///< a bootsim bug surfaced while servicing the guest
};

/// The name used in the trace's exit event and in scenario files ("time_limit", "guest_fault", …).
const char* stop_reason_name(StopReason r);

}  // namespace bootsim
