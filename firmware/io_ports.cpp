#include "firmware/io_ports.h"

#include <cstdio>

#include "firmware/bios.h"
#include "firmware/handoff.h"
#include "firmware/memory_map.h"
#include "sim/cpu/cpu.h"

namespace bootsim {

namespace {
constexpr std::uint64_t kPitHz = 1193182;
std::uint8_t bcd(unsigned v) { return static_cast<std::uint8_t>((v / 10) << 4 | (v % 10)); }
}  // namespace

std::uint64_t IoPorts::pit_counts(SimTime t) const {
  return static_cast<std::uint64_t>(static_cast<unsigned __int128>(t.ns) * kPitHz / 1000000000ull);
}

SimTime IoPorts::pit_changes_at(std::uint16_t port) const {
  SimTime now = host_.now();
  if (port == 0x61) {  // OUT2 of the channel 2 one-shot rises when its count has run out
    if (!(port61_ & 1) || !ch2_armed_) return SimTime::max();
    SimTime end = ch2_start_ + SimTime::from_ns(static_cast<std::int64_t>(ch2_count_) * 1000000000 / kPitHz);
    return end > now ? end : SimTime::max();
  }
  // A counter moves every 838 ns. A guest that sums the differences of its readings stays right as long as
  // two readings are less than one wrap (65536 counts) apart: let at most half a wrap pass between them.
  return now + SimTime::from_ns(static_cast<std::int64_t>(32768ull * 1000000000ull / kPitHz));
}

void IoPorts::unsupported(const char* dir, std::uint16_t port) {
  if (reported_.insert(port).second) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04Xh", port);
    host_.trace(trace_kind::Io{dir, buf, "unsupported"});
  }
}

std::uint8_t IoPorts::cmos_read(std::uint8_t index) const {
  std::uint32_t ticks = host_.cpu().read32(layout::kBdaTicks);
  std::uint64_t secs = static_cast<std::uint64_t>(ticks) * 65536 / kPitHz;
  switch (index & 0x7F) {
    case 0x00: return bcd(secs % 60);
    case 0x02: return bcd(secs / 60 % 60);
    case 0x04: return bcd(secs / 3600 % 24);
    case 0x06: return 0x05;
    case 0x07: return 0x01;
    case 0x08: return 0x01;
    case 0x09: return 0x26;
    case 0x32: return 0x20;
    case 0x0A: return 0x26;  // UIP clear: readings are stable
    case 0x0B: return 0x02;  // 24-hour, BCD
    case 0x0D: return 0x80;  // battery good
    default: return 0;
  }
}

std::uint32_t IoPorts::in(std::uint16_t port, int size) {
  if (port == 0x40 || port == 0x42 || port == 0x61) host_.time_read(pit_changes_at(port));
  switch (port) {
    case 0x40: {
      std::uint8_t v = ch0_lsb_next_ ? ch0_latch_ & 0xFF : ch0_latch_ >> 8;
      ch0_lsb_next_ = !ch0_lsb_next_;
      return v;
    }
    case 0x42: return 0;
    case 0x61: {
      std::uint8_t v = port61_ & 0x0F;
      bool gate = port61_ & 1;
      if (gate && ch2_armed_) {
        SimTime end = ch2_start_ + SimTime::from_ns(static_cast<std::int64_t>(ch2_count_) * 1000000000 / kPitHz);
        if (host_.now() >= end) v |= 0x20;  // OUT2 high: the count has run out
      }
      return v;
    }
    case 0x20: case 0x21: case 0xA0: case 0xA1: return pic_.in(port);
    case 0x71: return cmos_read(cmos_index_);
    case 0x92: return port92_ | 0x02;
    case 0x64: return 0x1C;  // input and output buffers empty
    case 0x60: return 0;
    default:
      unsupported("in", port);
      return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
  }
}

void IoPorts::out(std::uint16_t port, int size, std::uint32_t value) {
  std::uint8_t b = value & 0xFF;
  switch (port) {
    case 0x43:
      if ((b & 0xC0) == 0x80) {  // channel 2 programming: wait for a new count
        ch2_lsb_next_ = true;
        ch2_armed_ = false;
      } else if ((b & 0xF0) == 0x00) {  // channel 0 latch: the first step of reading the counter
        host_.time_read(pit_changes_at(0x40));
        std::uint64_t c = pit_counts(host_.now());
        ch0_latch_ = static_cast<std::uint16_t>(0x10000 - (c % 0x10000));
        ch0_lsb_next_ = true;
      }
      return;
    case 0x42:
      if (ch2_lsb_next_) {
        ch2_count_ = b;
      } else {
        ch2_count_ = static_cast<std::uint16_t>(ch2_count_ | b << 8);
        ch2_start_ = host_.now();
        ch2_armed_ = true;
      }
      ch2_lsb_next_ = !ch2_lsb_next_;
      return;
    case 0x61: port61_ = b; return;
    case 0x20: case 0x21: case 0xA0: case 0xA1: pic_.out(port, b); return;
    case 0x70: cmos_index_ = b; return;
    case 0x71: return;
    case 0x92: port92_ = b; return;
    case 0x80: case 0x60: case 0x64: return;
    case layout::kHandoffKindPort: handoff_kind_ = value; return;
    case layout::kHandoffArgPort:
      report_handoff(host_, handoff_kind_, value);
      return;
    default:
      (void)size;
      unsupported("out", port);
      return;
  }
}

}  // namespace bootsim
