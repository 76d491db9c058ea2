#include "firmware/smbios.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "firmware/memory_map.h"
#include "sim/cpu/cpu.h"

namespace bootsim {

namespace {

constexpr std::uint8_t kMajor = 2, kMinor = 8;

/// One structure: its formatted area, then its strings (each NUL-terminated), then the closing NUL.
class Structure {
 public:
  Structure(std::uint8_t type, std::uint16_t handle) : bytes_{type, 0, static_cast<std::uint8_t>(handle),
                                                              static_cast<std::uint8_t>(handle >> 8)} {}
  void byte(std::uint8_t b) { bytes_.push_back(b); }
  void word(std::uint16_t w) { byte(static_cast<std::uint8_t>(w)), byte(static_cast<std::uint8_t>(w >> 8)); }
  void dword(std::uint32_t d) { word(static_cast<std::uint16_t>(d)), word(static_cast<std::uint16_t>(d >> 16)); }
  /// A string field: its index in this structure's string set, 0 for an empty string ("none").
  void str(const std::string& s) {
    if (s.empty()) return byte(0);
    for (size_t i = 0; i < strings_.size(); ++i)
      if (strings_[i] == s) return byte(static_cast<std::uint8_t>(i + 1));
    strings_.push_back(s);
    byte(static_cast<std::uint8_t>(strings_.size()));
  }
  void append_to(std::vector<std::uint8_t>& out) {
    bytes_[1] = static_cast<std::uint8_t>(bytes_.size());
    out.insert(out.end(), bytes_.begin(), bytes_.end());
    for (const auto& s : strings_) {
      out.insert(out.end(), s.begin(), s.end());
      out.push_back(0);
    }
    // No strings: the formatted area is followed by two NULs; otherwise the last string's NUL and one more.
    if (strings_.empty()) out.push_back(0);
    out.push_back(0);
  }

 private:
  std::vector<std::uint8_t> bytes_;
  std::vector<std::string> strings_;
};

std::uint8_t checksum(const std::uint8_t* p, size_t n) {
  std::uint8_t sum = 0;
  for (size_t i = 0; i < n; ++i) sum = static_cast<std::uint8_t>(sum + p[i]);
  return static_cast<std::uint8_t>(-sum);
}

std::uint64_t mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  h ^= h >> 31;
  return h * 0xBF58476D1CE4E5B9ull;
}

}  // namespace

SmbiosInfo SmbiosInfo::defaults(std::uint64_t seed, const Mac& mac) {
  SmbiosInfo info;
  info.manufacturer = "Dell Inc.";
  info.product = "PowerEdge R640";
  std::uint64_t h = mix(0x534D42494F53ull, seed);  // "SMBIOS"
  for (auto b : mac) h = mix(h, b);
  // A service tag: seven characters of the alphabet Dell uses (no vowels, so no words).
  static const char kTagChars[] = "0123456789BCDFGHJKLMNPQRSTVWXYZ";
  for (int i = 0; i < 7; ++i) {
    info.serial += kTagChars[h % (sizeof kTagChars - 1)];
    h = mix(h, static_cast<std::uint64_t>(i));
  }
  info.uuid = uuid_for_serial(info.serial);
  return info;
}

Uuid SmbiosInfo::uuid_for_serial(const std::string& t) {
  if (t.size() == 7) {
    // Dell's pattern: 4C4C4544-00t1-t210-80t3-t0C04Ft4t5t6 with "DELL" (4C4C4544 read little-endian)
    // first and the tag's ASCII characters t0..t6 (t0 with its top bit set) in the rest.
    auto c = [&](int i) { return static_cast<std::uint8_t>(t[static_cast<size_t>(i)]); };
    return {0x4C, 0x4C, 0x45, 0x44, 0x00, c(1), c(2), 0x10, 0x80, c(3), static_cast<std::uint8_t>(c(0) | 0x80),
            0xC0, 0x4F, c(4), c(5), c(6)};
  }
  std::uint64_t h1 = mix(0x55554944ull, t.size()), h2 = 0;  // "UUID"
  for (unsigned char ch : t) h1 = mix(h1, ch);
  h2 = mix(h1, 0x5345524Cull);
  Uuid u{};
  for (int i = 0; i < 8; ++i) u[i] = static_cast<std::uint8_t>(h1 >> (8 * i)), u[8 + i] = static_cast<std::uint8_t>(h2 >> (8 * i));
  u[6] = static_cast<std::uint8_t>((u[6] & 0x0F) | 0x40);
  u[8] = static_cast<std::uint8_t>((u[8] & 0x3F) | 0x80);
  return u;
}

std::vector<std::uint8_t> smbios_structures(const SmbiosInfo& info) {
  std::vector<std::uint8_t> out;
  // Type 0, BIOS information (2.4+ layout, 0x18 bytes).
  Structure bios(0, 0x0000);
  bios.str("bootsim");         // vendor
  bios.str("1.0");             // BIOS version
  bios.word(0xE800);           // starting segment of the BIOS image
  bios.str("01/01/2026");      // release date
  bios.byte(0);                // ROM size: (n + 1) × 64 KB
  bios.dword(1u << 7 | 1u << 11 | 1u << 15);  // characteristics: PCI, BIOS upgradeable, boot selectable
  bios.dword(0);
  bios.byte(0x00);             // extension byte 1: no ACPI (this PC has no ACPI tables)
  bios.byte(0x04);             // extension byte 2: targeted content distribution; no UEFI
  bios.byte(1), bios.byte(0);  // system BIOS major.minor release
  bios.byte(0xFF), bios.byte(0xFF);  // no embedded controller
  bios.append_to(out);

  // Type 1, system information (2.4+ layout, 0x1B bytes): what iPXE's ${manufacturer}, ${product},
  // ${serial} and ${uuid} read.
  Structure system(1, 0x0100);
  system.str(info.manufacturer);
  system.str(info.product);
  system.str("");              // version
  system.str(info.serial);
  auto raw_uuid = guid_bytes(info.uuid);
  for (auto b : raw_uuid) system.byte(b);
  system.byte(0x06);           // wake-up type: power switch
  system.str("");              // SKU number
  system.str("PowerEdge");     // family
  system.append_to(out);

  // Type 2, baseboard (0x0F bytes with no contained handles).
  Structure board(2, 0x0200);
  board.str(info.manufacturer);
  board.str(info.product);
  board.str("A00");            // version
  board.str(info.serial.empty() ? "" : "." + info.serial + ".");  // board serial, distinct from the system's
  board.str("");               // asset tag
  board.byte(0x01);            // feature flags: hosting board
  board.str("");               // location in chassis
  board.word(0x0300);          // the chassis below
  board.byte(0x0A);            // board type: motherboard
  board.byte(0);               // no contained object handles
  board.append_to(out);

  // Type 3, system enclosure (2.3 layout, 0x15 bytes).
  Structure chassis(3, 0x0300);
  chassis.str(info.manufacturer);
  chassis.byte(0x17);          // rack mount chassis
  chassis.str("");             // version
  chassis.str(info.serial);
  chassis.str(info.asset_tag);
  chassis.byte(0x03), chassis.byte(0x03), chassis.byte(0x03);  // boot-up, power supply, thermal state: safe
  chassis.byte(0x03);          // security status: none
  chassis.dword(0);            // OEM-defined
  chassis.byte(1);             // height: 1U
  chassis.byte(2);             // power cords
  chassis.byte(0), chassis.byte(3);  // no contained elements, each of 3 bytes
  chassis.append_to(out);

  Structure end(127, 0xFEFF);
  end.append_to(out);
  return out;
}

std::vector<std::uint8_t> smbios_entry_point(const std::vector<std::uint8_t>& structures, std::uint32_t table_address) {
  // The largest structure (formatted area + strings), which the entry point must state.
  std::uint16_t max_size = 0, count = 0;
  for (size_t off = 0; off + 4 <= structures.size(); ++count) {
    size_t end = off + structures[off + 1];
    while (end + 1 < structures.size() && (structures[end] || structures[end + 1])) ++end;
    end += 2;
    max_size = std::max<std::uint16_t>(max_size, static_cast<std::uint16_t>(end - off));
    off = end;
  }
  std::vector<std::uint8_t> e(0x1F, 0);
  auto put16 = [&](size_t at, std::uint32_t v) { e[at] = static_cast<std::uint8_t>(v), e[at + 1] = static_cast<std::uint8_t>(v >> 8); };
  e[0] = '_', e[1] = 'S', e[2] = 'M', e[3] = '_';
  e[5] = 0x1F;                 // entry point length
  e[6] = kMajor, e[7] = kMinor;
  put16(8, max_size);
  e[0x0A] = 0;                 // entry point revision 0: no formatted area
  e[0x10] = '_', e[0x11] = 'D', e[0x12] = 'M', e[0x13] = 'I', e[0x14] = '_';
  put16(0x16, static_cast<std::uint32_t>(structures.size()));
  put16(0x18, table_address), put16(0x1A, table_address >> 16);
  put16(0x1C, count);
  e[0x1E] = kMajor << 4 | kMinor;  // BCD revision
  e[0x15] = checksum(&e[0x10], 0x0F);  // intermediate checksum over "_DMI_" … BCD revision
  e[4] = checksum(e.data(), e.size());
  return e;
}

void write_smbios(Cpu& cpu, const SmbiosInfo& info) {
  std::vector<std::uint8_t> table = smbios_structures(info);
  if (table.size() > layout::kSmbiosTableMax)
    throw std::length_error("SMBIOS table of " + std::to_string(table.size()) + " bytes does not fit in the BIOS ROM");
  std::vector<std::uint8_t> entry = smbios_entry_point(table, layout::kSmbiosTable);
  cpu.write(layout::kSmbiosEntry, entry.data(), entry.size());
  cpu.write(layout::kSmbiosTable, table.data(), table.size());
}

}  // namespace bootsim
