// What the PXE ROM needs from a NIC: the UNDI-facing side of a network interface.
//
// firmware/ drives a NIC only through this interface, so the ROM can be tested against a fake NIC and a
// NIC model never sees guest memory. The model behind it decides what each call does to the link
// (nicmodels/nic.h: a Broadcom-like PHY renegotiates on UNDI_OPEN); the switch port and the wire decide
// what a transmitted frame meets.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "nicmodels/link_profile.h"
#include "sim/core/frame_port.h"
#include "sim/proto/mac.h"

namespace bootsim {

class UndiNic {
 public:
  virtual ~UndiNic() = default;

  // --- UNDI calls that reach the hardware (PXE 2.1 §3.3); each may disturb the link. -----------------
  virtual void initialize() = 0;
  virtual void reset_adapter() = 0;
  virtual void shutdown() = 0;
  /// Starts receiving: until open() (and after close()/shutdown()) frames from the wire are dropped.
  virtual void open() = 0;
  virtual void close() = 0;

  /// Sends one full Ethernet frame (header included, already padded). Returns false when it was dropped
  /// (link down, port not forwarding); the drop is traced either way.
  virtual bool transmit(std::vector<std::uint8_t> frame) = 0;
  /// True when a received frame waits in the receive queue.
  virtual bool rx_pending() const = 0;
  /// Takes the oldest received frame (traced as `frame_rx` when taken); nullopt when none waits.
  virtual std::optional<Frame> receive() = 0;

  // --- The interrupt line (PXE 2.1 §3.3.7, PXENV_UNDI_ISR). -----------------------------------------
  /// The NIC's interrupt enable: PXENV_UNDI_ISR START turns it off when the interrupt was the NIC's,
  /// the end of PROCESS/GET_NEXT (OUT_DONE) turns it on again. A NIC without a line ignores it.
  virtual void set_interrupt_enabled(bool) {}
  virtual bool interrupt_enabled() const { return false; }
  /// The level of the NIC's interrupt line: a received frame waits for the host and interrupts are
  /// enabled on a NIC wired to an IRQ (LinkProfile::irq).
  virtual bool irq_asserted() const { return false; }

  virtual const Mac& mac() const = 0;
  /// The profile's PCI identity and link speed, reported by UNDI_GET_NIC_TYPE/GET_IFACE_INFO and the PCI BIOS.
  virtual const LinkProfile& profile() const = 0;
};

}  // namespace bootsim
