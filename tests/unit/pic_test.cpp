// The 8259 pair: initialisation words, masks, priorities, cascade, EOI forms and register reads, as a BIOS,
// a PXE ROM and an NBP program them (firmware/pic.h).
#include "firmware/pic.h"

#include <gtest/gtest.h>

namespace bootsim {
namespace {

TEST(Pic, PowersOnAsAPcBiosLeavesIt) {
  Pic pic;
  EXPECT_EQ(pic.vector_base(0), 0x08);
  EXPECT_EQ(pic.vector_base(1), 0x70);
  EXPECT_EQ(pic.in(0x21), 0xB8);
  EXPECT_EQ(pic.in(0xA1), 0x8F);
  EXPECT_FALSE(pic.pending_vector());
}

TEST(Pic, TimerEdgeGivesVector08UntilAcknowledgedAndNothingMoreUntilEoi) {
  Pic pic;
  pic.pulse(0);
  EXPECT_EQ(pic.in(0x20), 0x01);  // IRR by default
  ASSERT_EQ(pic.pending_vector(), 0x08);
  EXPECT_EQ(pic.acknowledge(), 0x08);
  EXPECT_EQ(pic.in(0x20), 0x00);
  pic.out(0x20, 0x0B);  // OCW3: read ISR
  EXPECT_EQ(pic.in(0x20), 0x01);
  pic.pulse(0);  // the next tick while the first is in service: requested, not delivered
  EXPECT_FALSE(pic.pending_vector());
  pic.out(0x20, 0x20);  // non-specific EOI
  EXPECT_EQ(pic.in(0x20), 0x00);
  EXPECT_EQ(pic.pending_vector(), 0x08);
  pic.out(0x20, 0x0A);  // OCW3: back to IRR
  EXPECT_EQ(pic.in(0x20), 0x01);
}

TEST(Pic, MaskedLineIsRememberedAndDeliveredWhenUnmasked) {
  Pic pic;
  pic.out(0x21, 0xFF);
  pic.pulse(0);
  EXPECT_FALSE(pic.pending_vector());
  pic.out(0x21, 0xFE);
  EXPECT_EQ(pic.pending_vector(), 0x08);
}

TEST(Pic, SlaveIrqCascadesThroughIrq2AndNeedsBothEois) {
  Pic pic;
  pic.set_line(11, true);
  EXPECT_FALSE(pic.pending_vector());  // IRQ11 masked at power-on (8Fh has bit 3 set)
  pic.out(0xA1, 0x87);                  // unmask IRQ11, as iPXE's enable_irq does
  ASSERT_EQ(pic.pending_vector(), 0x73);
  EXPECT_EQ(pic.acknowledge(), 0x73);
  pic.out(0x20, 0x0B);
  pic.out(0xA0, 0x0B);
  EXPECT_EQ(pic.in(0x20), 0x04);  // cascade in service on the master
  EXPECT_EQ(pic.in(0xA0), 0x08);  // IRQ11 in service on the slave
  // A timer tick has higher priority than the cascade: delivered while IRQ11 is in service.
  pic.pulse(0);
  EXPECT_EQ(pic.acknowledge(), 0x08);
  pic.out(0x20, 0x20);  // ends IRQ0 (the highest in service)
  EXPECT_EQ(pic.in(0x20), 0x04);
  pic.out(0xA0, 0x20);
  pic.out(0x20, 0x20);
  EXPECT_EQ(pic.in(0x20), 0x00);
  EXPECT_EQ(pic.in(0xA0), 0x00);
  // The line stayed high: no new edge, no new interrupt; a new edge after it dropped is one.
  EXPECT_FALSE(pic.pending_vector());
  pic.set_line(11, false);
  pic.set_line(11, true);
  EXPECT_EQ(pic.pending_vector(), 0x73);
}

TEST(Pic, LowerPriorityWaitsForTheHigherOnesEoiAndSpecificEoiEndsThatLevel) {
  Pic pic;
  pic.out(0x21, 0x00);
  pic.pulse(3);
  pic.pulse(1);
  EXPECT_EQ(pic.acknowledge(), 0x09);  // IRQ1 before IRQ3
  EXPECT_FALSE(pic.pending_vector());
  pic.out(0x20, 0x61);  // specific EOI for IRQ1
  EXPECT_EQ(pic.acknowledge(), 0x0B);
}

TEST(Pic, ReinitialisationSetsNewVectorBasesAndClearsTheMask) {
  Pic pic;
  pic.out(0x20, 0x11);  // ICW1: edge, cascade, ICW4 follows
  pic.out(0x21, 0x20);  // ICW2: base 20h
  pic.out(0x21, 0x04);  // ICW3
  pic.out(0x21, 0x01);  // ICW4: 8086 mode
  EXPECT_EQ(pic.vector_base(0), 0x20);
  EXPECT_EQ(pic.in(0x21), 0x00);
  pic.out(0x21, 0xFD);  // OCW1 after initialisation is a mask again
  EXPECT_EQ(pic.in(0x21), 0xFD);
  pic.pulse(1);
  EXPECT_EQ(pic.acknowledge(), 0x21);
}

TEST(Pic, AutoEoiLeavesNothingInService) {
  Pic pic;
  pic.out(0x20, 0x11);
  pic.out(0x21, 0x08);
  pic.out(0x21, 0x04);
  pic.out(0x21, 0x03);  // ICW4: 8086 mode, auto-EOI
  pic.pulse(0);
  EXPECT_EQ(pic.acknowledge(), 0x08);
  pic.out(0x20, 0x0B);
  EXPECT_EQ(pic.in(0x20), 0x00);
  pic.pulse(0);
  EXPECT_EQ(pic.pending_vector(), 0x08);
}

TEST(Pic, Irq2FromOutsideIsIgnoredAndOutOfRangeLinesToo) {
  Pic pic;
  pic.set_line(2, true);
  pic.set_line(16, true);
  pic.set_line(-1, true);
  EXPECT_FALSE(pic.pending_vector());
}

}  // namespace
}  // namespace bootsim
