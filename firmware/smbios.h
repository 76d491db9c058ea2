// SMBIOS: the tables a PC BIOS publishes about the machine (DMTF DSP0134, 2.x entry point), which NBPs
// read to identify the host. iPXE scans the F-segment for "_SM_" on 16-byte boundaries and checks the
// entry point's checksum (src/interface/smbios/smbios.c find_smbios_entry, via bios_smbios.c); its
// ${uuid}, ${manufacturer}, ${product} and ${serial} are type 1's fields, ${asset} is type 3's asset tag,
// ${board-serial} type 2's serial (smbios_settings.c), and its DHCP requests carry ${uuid} as option 97.
//
//   SmbiosInfo info = SmbiosInfo::defaults(seed, mac);   // or the scenario's <smbios> values
//   write_smbios(cpu, info);                             // entry point + table at layout::kSmbios*
//
// Version 2.8 tables: since 2.6 the UUID's first three fields are stored little-endian (DSP0134 §7.2.1),
// which iPXE, like dmidecode, undoes for versions >= 2.6 (smbios_settings.c smbios_fetch).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/proto/mac.h"
#include "sim/proto/uuid.h"

namespace bootsim {

class Cpu;

/// What the tables say about the machine. Empty strings are left out (string index 0: "none").
struct SmbiosInfo {
  std::string manufacturer;  ///< type 1, 2 and 3 manufacturer: "Dell Inc."
  std::string product;       ///< type 1 product name and type 2 product: "PowerEdge R640"
  std::string serial;        ///< type 1 and type 3 serial number (a Dell service tag: "7MXK3Q2")
  Uuid uuid{};               ///< type 1 UUID, RFC 4122 order
  std::string asset_tag;     ///< type 3 asset tag

  /// A Dell PowerEdge R640 with a service tag chosen by `seed` and `mac`, and a UUID derived from the
  /// tag the way Dell's BIOS does ("DELL" in the first field, the tag's characters spread over the rest),
  /// so every machine of a scenario gets its own, the same in every run.
  static SmbiosInfo defaults(std::uint64_t seed, const Mac& mac);
  /// The UUID a default machine with this serial has: Dell's pattern for a 7-character service tag,
  /// else a hash of the serial (RFC 4122 version 4 and variant bits set).
  static Uuid uuid_for_serial(const std::string& serial);
};

/// The structure table (types 0, 1, 2, 3 and the end-of-table 127), each followed by its strings.
std::vector<std::uint8_t> smbios_structures(const SmbiosInfo& info);
/// The 31-byte 2.x entry point ("_SM_" … "_DMI_", both checksums) for `structures` at `table_address`.
std::vector<std::uint8_t> smbios_entry_point(const std::vector<std::uint8_t>& structures, std::uint32_t table_address);
/// Writes the entry point and the table into the BIOS ROM (layout::kSmbiosEntry, layout::kSmbiosTable).
/// Throws std::length_error when the strings make the table larger than its space.
void write_smbios(Cpu& cpu, const SmbiosInfo& info);

}  // namespace bootsim
