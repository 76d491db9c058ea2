#include "firmware/pic.h"

namespace bootsim {

namespace {
constexpr int kCascade = 2;
int lowest_bit(std::uint8_t v) {
  for (int i = 0; i < 8; ++i)
    if (v & (1u << i)) return i;
  return -1;
}
}  // namespace

Pic::Pic() {
  // What a PC BIOS programs at POST: ICW1 11h, ICW2 08h/70h, ICW3 04h/02h, ICW4 01h.
  for (int c = 0; c < 2; ++c) {
    out(c ? 0xA0 : 0x20, 0x11);
    out(c ? 0xA1 : 0x21, c ? 0x70 : 0x08);
    out(c ? 0xA1 : 0x21, c ? 0x02 : 0x04);
    out(c ? 0xA1 : 0x21, 0x01);
  }
  chips_[0].imr = 0xB8;
  chips_[1].imr = 0x8F;
}

int Pic::Chip::best_request() const {
  int req = lowest_bit(irr & ~imr);
  if (req < 0) return -1;
  int serving = lowest_bit(isr);
  if (serving >= 0 && serving <= req) return -1;  // fully nested: equal or higher priority in service
  return req;
}

void Pic::Chip::write_command(std::uint8_t v) {
  if (v & 0x10) {  // ICW1: start initialisation; clears IMR and ISR, IRR edge memory reset
    imr = 0;
    isr = 0;
    irr = 0;
    read_isr = false;
    auto_eoi = false;
    expect_icw4 = v & 0x01;
    single = v & 0x02;
    init_step = 2;
    return;
  }
  if (v & 0x08) {  // OCW3
    if (v & 0x02) read_isr = v & 0x01;
    return;
  }
  eoi(v);  // OCW2
}

void Pic::Chip::write_data(std::uint8_t v) {
  switch (init_step) {
    case 2:  // ICW2: vector base (low three bits are the IRQ number)
      base = v & 0xF8;
      init_step = single ? (expect_icw4 ? 4 : 0) : 3;
      return;
    case 3:  // ICW3: cascade wiring; the PC's is fixed
      init_step = expect_icw4 ? 4 : 0;
      return;
    case 4:  // ICW4: 8086 mode, auto-EOI
      auto_eoi = v & 0x02;
      init_step = 0;
      return;
    default:  // OCW1
      imr = v;
      return;
  }
}

void Pic::Chip::eoi(std::uint8_t ocw2) {
  switch (ocw2 >> 5) {
    case 1:  // non-specific EOI
    case 5: {  // rotate on non-specific EOI: treated as non-specific
      int served = lowest_bit(isr);
      if (served >= 0) isr = static_cast<std::uint8_t>(isr & ~(1u << served));
      return;
    }
    case 3:  // specific EOI
    case 7:  // rotate on specific EOI: treated as specific
      isr = static_cast<std::uint8_t>(isr & ~(1u << (ocw2 & 7)));
      return;
    default:  // set priority, rotate in auto-EOI mode, no-op
      return;
  }
}

std::uint8_t Pic::in(std::uint16_t port) const {
  const Chip& c = chips_[port >= 0xA0 ? 1 : 0];
  if (port & 1) return c.imr;
  return c.read_isr ? c.isr : c.irr;
}

void Pic::out(std::uint16_t port, std::uint8_t value) {
  Chip& c = chips_[port >= 0xA0 ? 1 : 0];
  if (port & 1) c.write_data(value);
  else c.write_command(value);
  update_cascade();
}

void Pic::set_line(int irq, bool level) {
  if (irq < 0 || irq > 15 || irq == kCascade) return;
  Chip& c = chips_[irq >> 3];
  std::uint8_t bit = static_cast<std::uint8_t>(1u << (irq & 7));
  bool was = c.lines & bit;
  if (level) {
    c.lines |= bit;
    if (!was) c.irr |= bit;
  } else {
    c.lines = static_cast<std::uint8_t>(c.lines & ~bit);
  }
  update_cascade();
}

void Pic::update_cascade() {
  // The slave's INT output is the master's IRQ2 line; it is high while the slave has a request to send.
  Chip& m = chips_[0];
  std::uint8_t bit = 1u << kCascade;
  bool level = chips_[1].best_request() >= 0;
  bool was = m.lines & bit;
  if (level) {
    m.lines |= bit;
    if (!was) m.irr |= bit;
  } else {
    m.lines = static_cast<std::uint8_t>(m.lines & ~bit);
    // The request goes away with the slave's output (as when the slave's source is masked).
    if (!(m.isr & bit)) m.irr = static_cast<std::uint8_t>(m.irr & ~bit);
  }
}

std::optional<std::uint8_t> Pic::pending_vector() const {
  int req = chips_[0].best_request();
  if (req < 0) return std::nullopt;
  if (req != kCascade) return static_cast<std::uint8_t>(chips_[0].base + req);
  int sreq = chips_[1].best_request();
  if (sreq < 0) return std::nullopt;
  return static_cast<std::uint8_t>(chips_[1].base + sreq);
}

std::optional<std::uint8_t> Pic::acknowledge() {
  auto v = pending_vector();
  if (!v) return std::nullopt;
  auto serve = [](Chip& c, int irq) {
    std::uint8_t bit = static_cast<std::uint8_t>(1u << irq);
    c.irr = static_cast<std::uint8_t>(c.irr & ~bit);
    if (!c.auto_eoi) c.isr |= bit;
  };
  Chip& m = chips_[0];
  int req = m.best_request();
  if (req == kCascade) serve(chips_[1], chips_[1].best_request());
  serve(m, req);
  // A line still high after the acknowledge does not request again until its next rising edge; the
  // cascade input follows the slave's output, which may still carry another request.
  update_cascade();
  return v;
}

}  // namespace bootsim
