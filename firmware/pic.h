// The PC's two cascaded 8259A interrupt controllers (master at 20h/21h, slave at A0h/A1h on the master's
// IRQ2), as far as a BIOS, a PXE ROM and an NBP program them: ICW1-ICW4 initialisation (vector bases from
// ICW2), OCW1 masks, OCW2 end-of-interrupt (non-specific and specific), OCW3 IRR/ISR read select.
// Edge-triggered (ICW1 LTIM is accepted and ignored): a line's rising edge sets its IRR bit.
// Fully nested priority, IRQ0 highest; special mask mode, rotation and poll mode are not modeled (OCW2
// rotate commands behave as their plain EOI, OCW3 poll reads 0).
// No guest memory and no CPU here: the machine asks which vector is pending and acknowledges it when it
// actually enters the handler (sim/machine/interrupts.h).
#pragma once

#include <cstdint>
#include <optional>

namespace bootsim {

class Pic {
 public:
  /// Powered on and initialised as a PC BIOS leaves it: vector bases 08h and 70h, cascade on IRQ2,
  /// masks B8h/8Fh (timer, keyboard, cascade, floppy and RTC, IRQ 13/14 unmasked).
  Pic();

  /// Port access for 20h, 21h, A0h, A1h (the caller routes only those here).
  std::uint8_t in(std::uint16_t port) const;
  void out(std::uint16_t port, std::uint8_t value);

  /// Drives input line `irq` (0-15). A rising edge requests an interrupt. IRQ2 is the cascade input:
  /// driving it from outside is ignored.
  void set_line(int irq, bool level);
  /// A rising and falling edge on `irq` (the timer's output each tick).
  void pulse(int irq) {
    set_line(irq, true);
    set_line(irq, false);
  }

  /// The vector the CPU would get from an INTA cycle now, if any: the highest-priority unmasked request
  /// not blocked by an in-service interrupt of equal or higher priority. Changes nothing.
  std::optional<std::uint8_t> pending_vector() const;
  /// The INTA cycle: moves the pending request into service and returns its vector (nullopt if none).
  std::optional<std::uint8_t> acknowledge();

  /// Registers as the guest sees them (for tests and diagnostics).
  std::uint8_t irr(int chip) const { return chips_[chip].irr; }
  std::uint8_t isr(int chip) const { return chips_[chip].isr; }
  std::uint8_t imr(int chip) const { return chips_[chip].imr; }
  std::uint8_t vector_base(int chip) const { return chips_[chip].base; }

 private:
  struct Chip {
    std::uint8_t irr = 0, isr = 0, imr = 0xFF;
    std::uint8_t lines = 0;  ///< input levels, for edge detection
    std::uint8_t base = 0;
    int init_step = 0;       ///< 0: ready; 2, 3, 4: expecting ICW2, ICW3, ICW4
    bool expect_icw4 = false, single = false;
    bool read_isr = false;   ///< OCW3 RR/RIS: reads of the command port return ISR instead of IRR
    bool auto_eoi = false;
    /// Highest-priority requesting input (unmasked IRR, not blocked by ISR), or -1.
    int best_request() const;
    void write_command(std::uint8_t v);
    void write_data(std::uint8_t v);
    void eoi(std::uint8_t ocw2);
  };
  /// Requests seen by the master's cascade input from the slave's output.
  void update_cascade();

  Chip chips_[2];
};

}  // namespace bootsim
