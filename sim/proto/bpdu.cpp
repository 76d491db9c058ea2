#include "sim/proto/bpdu.h"

namespace bootsim {

std::vector<std::uint8_t> encode_rst_bpdu(const RstBpdu& b) {
  std::vector<std::uint8_t> f(kStpGroupMac.begin(), kStpGroupMac.end());
  f.insert(f.end(), kSwitchMac.begin(), kSwitchMac.end());
  f.push_back(0);
  f.push_back(39);  // 802.3 length: LLC (3) + BPDU (36)
  f.insert(f.end(), {0x42, 0x42, 0x03});
  std::vector<std::uint8_t> bpdu(36, 0);
  bpdu[2] = 2;  // version: RSTP
  bpdu[3] = 2;  // type: RST BPDU
  // Flags: port role designated (0x0C); a forwarding port also sets learning (0x10) and forwarding (0x20).
  bpdu[4] = static_cast<std::uint8_t>(b.forwarding ? 0x3C : 0x0C);
  bpdu[5] = 0x80;  // root: priority 32768, then the switch MAC
  for (int i = 0; i < 6; ++i) bpdu[7 + i] = kSwitchMac[i];
  for (int i = 0; i < 8; ++i) bpdu[17 + i] = bpdu[5 + i];  // bridge id = root id
  bpdu[25] = 0x80;  // port id 0x8001
  bpdu[26] = 0x01;
  // Timers, big-endian in 1/256 s.
  bpdu[29] = 20;    // max age 20 s
  std::uint16_t hello = static_cast<std::uint16_t>(b.hello.ns * 256 / 1000000000);
  bpdu[31] = static_cast<std::uint8_t>(hello >> 8);
  bpdu[32] = static_cast<std::uint8_t>(hello & 0xFF);
  bpdu[33] = static_cast<std::uint8_t>(b.forward_delay.ns / 1000000000);
  f.insert(f.end(), bpdu.begin(), bpdu.end());
  f.resize(60, 0);
  return f;
}

}  // namespace bootsim
