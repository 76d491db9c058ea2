// The one UUID type: 16 bytes in RFC 4122 order, i.e. the order in which "4c4c4544-0042-3510-8052-b2c04f4d4631"
// prints them. Two places store UUIDs with the first three fields byte-swapped (little-endian): SMBIOS 2.6+
// type 1 (DSP0134 §7.2.1) and DHCP option 97 as PXE/EFI clients send it (RFC 4578 §2.3 follows the EFI
// GUID layout). Convert at those boundaries with guid_bytes()/from_guid_bytes(); keep Uuid everywhere else.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace bootsim {

using Uuid = std::array<std::uint8_t, 16>;

/// Parses "4c4c4544-0042-3510-8052-b2c04f4d4631" (either case, dashes where RFC 4122 puts them); nullopt
/// on anything else.
std::optional<Uuid> parse_uuid(const std::string& text);
/// Lowercase, with dashes: as iPXE's ${uuid} prints it.
std::string format_uuid(const Uuid& uuid);
/// The 16 bytes with the first three fields little-endian (SMBIOS 2.6+ type 1, option 97 on the wire).
std::array<std::uint8_t, 16> guid_bytes(const Uuid& uuid);
/// The inverse of guid_bytes().
Uuid from_guid_bytes(const std::uint8_t* bytes);

}  // namespace bootsim
