// Start-up snapshots: machines of one World that boot the same NBP pay its start-up once.
//
// What is shared is one *stretch*: the guest code that runs between two host entries, with no host code,
// no time passing and no interrupt in between. Such a stretch is a pure function of the CPU state and the
// memory it reads, so a second machine that arrives at the same host entry in the same CPU state with
// the same memory can skip it: it takes the pages the stretch wrote and the CPU state at its end, and its
// next host entry runs on its own firmware as if it had executed the stretch. For undionly.kpxe the
// stretches worth sharing are the prefix's two LZMA decompressions, of its 16-bit parts (0.19 M translated
// blocks) and of its payload (~7.6 M, most of the start-up's wall time); everything before, between and
// after them (the prefix's PXE calls, its console text) runs on each machine as usual, so each machine's
// trace, console and frames come from its own run.
//
// Learning: a machine that has not restored arms a page journal (sim/cpu/page_journal.h) at the end of
// each host entry made through a code hook (BIOS INT stub, PXE entry); at the start of the next one it
// disarms it. If nothing else happened in between (no other host entry, no clock movement, no interrupt,
// no new RDTSC trap) and at least kMinEarlyBlocks blocks ran, it publishes a StretchSnapshot: the CPU
// state at both ends, every page the stretch accessed (read, wrote or ran code from) with its contents
// at the end and, for the pages written, at the start, and the bytes its own host code had written since
// power-on. After a stretch that ends learning (ends_learning()) it learns and skips nothing more.
//
// Matching, for another machine at the end of a code-hook entry: same NBP, same hook address, no
// interrupt pending, the same CPU state byte for byte, and every page the stretch accessed equal to the
// learner's except at bytes the host wrote in both machines (their own answers: BIOS tick count, SMBIOS
// tables, PXE replies such as the cached DHCPACK). Pages the stretch never accessed may differ freely:
// from the same CPU state, the same bytes read give the same execution. (A different command line is
// not among them: undionly.kpxe records it on a page its decompressor uses, so jobs that differ in it
// each run their own.) For the exception: such a byte
// differs only if the machines' answers differ, and a guest that had computed anything from it before
// the stretch would have left a difference elsewhere (registers, its own variables), which refuses the
// match. What this cannot see is the stretch itself reading such a byte on a page it accesses: iPXE's
// decompressor reads only its compressed payload; the fleet snapshot test (tests/firmware) boots a fleet
// with and without snapshots and requires byte-identical traces, consoles and pcaps.
//
// Other processes of the same run (forks of a shared boot, other workers) share stretches through the
// run's shelf (stretch_shelf.h) the same way.
//
// Only the machines touch a store, one at a time (the baton), so it has no lock of its own.
// Turn snapshots off with BOOTSIM_SNAPSHOT=off in the environment (World reads it).
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

namespace bootsim {

class SnapshotCache;
class StretchShelf;

/// What one learner saw of one stretch. Pages not listed were not accessed by it (page_journal.h): what
/// they hold made no difference to it, and it left them as they were.
struct StretchSnapshot {
  std::uint64_t nbp_hash = 0;
  std::uint32_t start_pc = 0;            ///< linear address of the code hook whose end starts the stretch
  std::vector<std::uint8_t> start_cpu;   ///< Cpu::save_context() there
  std::uint32_t end_pc = 0;              ///< linear address of the code hook that ends it
  std::uint32_t end_cs_base = 0;         ///< CS base at the end (for the EIP to resume at)
  std::vector<std::uint8_t> end_cpu;
  struct Page {
    std::uint32_t index = 0;
    bool written = false;                ///< written by the stretch: `before` holds its old contents
    std::vector<std::uint8_t> before, after;
  };
  std::vector<Page> pages;               ///< sorted by index
  std::map<std::uint32_t, std::bitset<4096>> host_writes;  ///< the learner's own answers (Cpu::host_writes)
  std::uint64_t blocks = 0;              ///< translated blocks in the stretch
  std::uint64_t int_dispatches = 0;      ///< real-mode INTs dispatched in it (counted in Machine::Stats)
  std::vector<std::uint32_t> windows;    ///< interrupt windows first seen in it
  std::string learner;                   ///< the machine that ran it
  /// Where this process got it: a machine refused by a snapshot of its own kind learned in this run
  /// learns the stretch itself at once; one refused by another kind's may still find its own on the shelf.
  enum class Origin { kThisKind, kOtherInputs, kCache } origin = Origin::kThisKind;
};

/// The stretches learned so far in one World, and what they saved.
class StartupSnapshots {
 public:
  /// The first stretch at least this long is the last one a machine learns or skips, and then it stops:
  /// for undionly.kpxe that is the decompression of its payload (7.6 M blocks).
  static constexpr std::uint64_t kMinBlocks = 1000000;
  /// Shorter stretches before it, at least this long, are learned and skipped too: undionly.kpxe's prefix
  /// first decompresses its 16-bit parts (0.19 M blocks, ~15 ms a machine) with the same decompressor
  /// (the same code, 0x84ba-0x8884 in both), which reads only its compressed payload.
  static constexpr std::uint64_t kMinEarlyBlocks = 100000;
  /// A machine stops learning after this many code-hook entries without finding a long stretch.
  /// (undionly.kpxe's decompression starts after 238 of them, PXELINUX's after 581; GRUB and lpxelinux
  /// have no such stretch, and arming the journal at each entry cost them ~1 ms: 20 s over 20000.)
  static constexpr std::uint64_t kMaxLearnEntries = 1200;

  /// True for the first long stretch, after which a machine neither learns nor skips. Sharing the later
  /// ones too (iPXE's relocation, 0.7 M blocks, and its first initialisation) gave different consoles:
  /// one of them reads the cached DHCPACK, a host answer that differs between machines, which the memory
  /// comparison cannot see.
  static bool ends_learning(const StretchSnapshot& s) { return s.blocks >= kMinBlocks; }

  void publish(StretchSnapshot s) { snapshots_.push_back(std::move(s)); }
  const std::vector<StretchSnapshot>& all() const { return snapshots_; }

  /// A machine skipped a stretch of `blocks` blocks.
  void count_restore(std::uint64_t blocks) {
    ++restores_;
    blocks_saved_ += blocks;
  }
  std::uint64_t restores() const { return restores_; }
  std::uint64_t blocks_saved() const { return blocks_saved_; }

  /// The run's shelf (stretch_shelf.h), through which stretches are shared with other processes too.
  void set_shelf(StretchShelf* shelf) { shelf_ = shelf; }
  StretchShelf* shelf() const { return shelf_; }

  /// The snapshot cache on disk (snapshot_cache.h), kept from one run to the next; nullptr: none.
  void set_cache(SnapshotCache* cache) { cache_ = cache; }
  SnapshotCache* cache() const { return cache_; }
  /// False: machines only restore (from the cache) and never arm the page journal to learn. A lone
  /// machine with no other process to share with learns nothing: for an NBP without a long stretch the
  /// journal would cost it more than the cache could ever give back.
  void set_learning(bool on) { learning_ = on; }
  bool learning() const { return learning_; }
  /// True the first time a stretch start is asked about: the cache is read once per start and World.
  bool first_look(std::uint64_t nbp_hash, std::uint32_t pc, std::uint64_t cpu_hash) {
    return looked_up_.emplace(nbp_hash, pc, cpu_hash).second;
  }
  /// A machine learned that the stretch from this start was too short or impure to share. The other
  /// machines of the World, arriving there in the same CPU state, do not arm the page journal for it:
  /// in a fleet each of ~240 short stretches of undionly.kpxe's prefix cost every machine an mprotect of
  /// its RAM and the page faults after it. (A machine whose memory would have made it long there only
  /// runs it in full: skipping the journal never changes what the guest does.)
  void mark_short(std::uint64_t nbp_hash, std::uint32_t pc, std::uint64_t cpu_hash) {
    short_.emplace(nbp_hash, pc, cpu_hash);
  }
  /// True (and counted in short_skips()) when mark_short() was told of this start.
  bool known_short(std::uint64_t nbp_hash, std::uint32_t pc, std::uint64_t cpu_hash) {
    if (short_.count({nbp_hash, pc, cpu_hash}) == 0) return false;
    ++short_skips_;
    return true;
  }
  std::uint64_t short_skips() const { return short_skips_; }

 private:
  std::vector<StretchSnapshot> snapshots_;
  StretchShelf* shelf_ = nullptr;
  SnapshotCache* cache_ = nullptr;
  bool learning_ = true;
  std::set<std::tuple<std::uint64_t, std::uint32_t, std::uint64_t>> looked_up_, short_;
  std::uint64_t restores_ = 0, blocks_saved_ = 0, short_skips_ = 0;
};

}  // namespace bootsim
