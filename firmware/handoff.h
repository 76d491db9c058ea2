// Decoding what an OS payload was handed: the sentinel kernels in firmware/payloads/ report through an
// I/O port where they were entered; the host then reads the boot protocol's own structures (Multiboot
// info, Linux setup header) to recover the command line and modules the firmware gave them.
#pragma once

#include <cstdint>

#include "firmware/host.h"

namespace bootsim {

/// Emits the "handoff" trace event for payload `kind` (layout::kHandoff*) with argument `arg`, and stops
/// the machine with StopReason::kHandoff. A malformed structure is reported in the event, not thrown.
void report_handoff(FirmwareHost& host, std::uint32_t kind, std::uint32_t arg);

}  // namespace bootsim
