// Start-up snapshots as bytes: how a StretchSnapshot (startup_snapshot.h) travels through the run's
// shelf (stretch_shelf.h) and the snapshot cache on disk (snapshot_cache.h).
//
// Plain little-endian fields, read back only by a bootsim of the same format (the cache's file header
// says which). Decoding never trusts the bytes: a page is exactly one page, the two CPU states have one
// size, and anything short, long or out of shape is refused whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "sim/machine/startup_snapshot.h"

namespace bootsim {

std::vector<std::uint8_t> encode_stretch(const StretchSnapshot& s);
/// nullopt when the bytes are not one well-formed snapshot.
std::optional<StretchSnapshot> decode_stretch(const std::uint8_t* p, std::size_t n);

/// 64-bit FNV-1a of `n` bytes: the shelf's CPU-state hash (also in cache file names) and the cache's checksum.
std::uint64_t fnv1a64(const std::uint8_t* p, std::size_t n);

}  // namespace bootsim
