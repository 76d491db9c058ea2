// The SMBIOS tables (firmware/smbios.h) read the way iPXE reads them (src/interface/smbios/smbios.c at
// 36a4c85): the entry point found by its "_SM_" signature on a 16-byte boundary with a zero checksum, the
// structures walked by their length and double-NUL string sets, type 1's strings and UUID.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "firmware/smbios.h"
#include "sim/proto/uuid.h"

namespace bootsim {
namespace {

struct Parsed {
  std::uint8_t type;
  std::vector<std::uint8_t> formatted;
  std::vector<std::string> strings;
};

/// The structures as iPXE's find_smbios_structure walks them; fails the test on a malformed table.
std::vector<Parsed> walk(const std::vector<std::uint8_t>& t, unsigned count) {
  std::vector<Parsed> out;
  size_t off = 0;
  while (off + 4 < t.size() && out.size() < count) {
    Parsed p;
    p.type = t[off];
    std::uint8_t len = t[off + 1];
    EXPECT_GE(len, 4);
    EXPECT_LE(off + len, t.size());
    p.formatted.assign(t.begin() + static_cast<long>(off), t.begin() + static_cast<long>(off + len));
    size_t s = off + len;
    if (t[s] == 0 && t[s + 1] == 0) {
      off = s + 2;
    } else {
      while (t[s] != 0) {
        std::string str(reinterpret_cast<const char*>(&t[s]));
        p.strings.push_back(str);
        s += str.size() + 1;
      }
      off = s + 1;
    }
    out.push_back(p);
  }
  EXPECT_EQ(off, t.size()) << "the table ends after the last structure";
  return out;
}

std::string str_at(const Parsed& p, size_t field) {
  std::uint8_t i = p.formatted.at(field);
  return i == 0 ? "" : p.strings.at(i - 1u);
}

TEST(Smbios, EntryPointHasBothAnchorsAndZeroChecksums) {
  SmbiosInfo info = SmbiosInfo::defaults(7, {0x52, 0x54, 0x00, 0x12, 0x34, 0x56});
  auto table = smbios_structures(info);
  auto e = smbios_entry_point(table, 0xF8020);
  ASSERT_EQ(e.size(), 0x1Fu);
  EXPECT_EQ(std::string(e.begin(), e.begin() + 4), "_SM_");
  EXPECT_EQ(std::string(e.begin() + 0x10, e.begin() + 0x15), "_DMI_");
  std::uint8_t sum = 0;
  for (auto b : e) sum = static_cast<std::uint8_t>(sum + b);
  EXPECT_EQ(sum, 0) << "iPXE skips an entry point whose bytes do not sum to 0";
  sum = 0;
  for (size_t i = 0x10; i < 0x1F; ++i) sum = static_cast<std::uint8_t>(sum + e[i]);
  EXPECT_EQ(sum, 0) << "the intermediate (_DMI_) checksum";
  EXPECT_EQ(e[6], 2);
  EXPECT_EQ(e[7], 8) << "2.6 or later: iPXE reads the UUID's first three fields as little-endian";
  EXPECT_EQ(e[0x16] | e[0x17] << 8, static_cast<int>(table.size()));
  EXPECT_EQ(e[0x18] | e[0x19] << 8 | e[0x1A] << 16 | e[0x1B] << 24, 0xF8020);
  EXPECT_EQ(e[0x1C] | e[0x1D] << 8, 5) << "types 0, 1, 2, 3 and 127";
}

TEST(Smbios, TypeOneCarriesTheScenarioValuesAndTheUuidLittleEndian) {
  SmbiosInfo info;
  info.manufacturer = "Acme";
  info.product = "Rocket 9";
  info.serial = "SN-0042";
  info.uuid = *parse_uuid("00112233-4455-6677-8899-aabbccddeeff");
  info.asset_tag = "rack 4";
  auto parsed = walk(smbios_structures(info), 5);
  ASSERT_EQ(parsed.size(), 5u);
  std::vector<int> types;
  for (auto& p : parsed) types.push_back(p.type);
  EXPECT_EQ(types, (std::vector<int>{0, 1, 2, 3, 127}));
  const Parsed& sys = parsed[1];
  ASSERT_GE(sys.formatted.size(), 0x19u);
  EXPECT_EQ(str_at(sys, 4), "Acme");
  EXPECT_EQ(str_at(sys, 5), "Rocket 9");
  EXPECT_EQ(str_at(sys, 7), "SN-0042");
  const std::uint8_t want[16] = {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
                                 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  EXPECT_EQ(std::memcmp(&sys.formatted[8], want, 16), 0);
  const Parsed& chassis = parsed[3];
  EXPECT_EQ(str_at(chassis, 4), "Acme");
  EXPECT_EQ(str_at(chassis, 7), "SN-0042");
  EXPECT_EQ(str_at(chassis, 8), "rack 4");
}

TEST(Smbios, EmptyStringsAreIndexZeroAndAStructureWithoutStringsEndsInTwoNuls) {
  SmbiosInfo info;  // everything empty
  auto parsed = walk(smbios_structures(info), 5);
  ASSERT_EQ(parsed.size(), 5u);
  EXPECT_EQ(parsed[1].formatted.at(4), 0);
  EXPECT_EQ(parsed[4].type, 127);
  EXPECT_TRUE(parsed[4].strings.empty());
}

TEST(Smbios, DefaultsAreDellLikeDeterministicAndPerMachine) {
  Mac a{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, b{0x52, 0x54, 0x00, 0x12, 0x34, 0x57};
  SmbiosInfo x = SmbiosInfo::defaults(7, a);
  EXPECT_EQ(x.manufacturer, "Dell Inc.");
  EXPECT_EQ(x.product, "PowerEdge R640");
  ASSERT_EQ(x.serial.size(), 7u);
  EXPECT_EQ(format_uuid(x.uuid).substr(0, 9), "4c4c4544-") << "Dell's UUIDs start with \"DELL\"";
  EXPECT_EQ(x.uuid[13], x.serial[4]) << "the service tag's characters are spread over the UUID";
  EXPECT_EQ(x.uuid[10], static_cast<std::uint8_t>(x.serial[0] | 0x80));
  EXPECT_EQ(SmbiosInfo::defaults(7, a).serial, x.serial) << "same seed and MAC, same machine";
  EXPECT_NE(SmbiosInfo::defaults(7, b).serial, x.serial) << "another MAC, another machine";
  EXPECT_NE(SmbiosInfo::defaults(8, a).serial, x.serial) << "another seed, another fleet";
  EXPECT_EQ(SmbiosInfo::uuid_for_serial(x.serial), x.uuid);
  Uuid other = SmbiosInfo::uuid_for_serial("not a dell tag");
  EXPECT_EQ(other[6] >> 4, 4) << "version 4";
  EXPECT_EQ(other[8] >> 6, 2) << "RFC 4122 variant";
}

TEST(Uuid, ParsesFormatsAndSwapsTheFirstThreeFields) {
  auto u = parse_uuid("4C4C4544-0042-3510-8052-B2C04F4D4631");
  ASSERT_TRUE(u);
  EXPECT_EQ(format_uuid(*u), "4c4c4544-0042-3510-8052-b2c04f4d4631");
  auto g = guid_bytes(*u);
  EXPECT_EQ(g[0], 0x44);
  EXPECT_EQ(g[3], 0x4C);
  EXPECT_EQ(g[4], 0x42);
  EXPECT_EQ(g[6], 0x10);
  EXPECT_EQ(g[8], 0x80);
  EXPECT_EQ(from_guid_bytes(g.data()), *u);
  for (const char* bad : {"", "4c4c4544004235108052b2c04f4d4631", "4c4c4544-0042-3510-8052-b2c04f4d463",
                          "4c4c4544-0042-3510-8052-b2c04f4d463g", "4c4c4544+0042-3510-8052-b2c04f4d4631"})
    EXPECT_FALSE(parse_uuid(bad)) << bad;
}

}  // namespace
}  // namespace bootsim
