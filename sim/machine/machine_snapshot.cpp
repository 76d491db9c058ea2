// Machine's side of start-up snapshots: learning a stretch, matching one, restoring it
// (sim/machine/startup_snapshot.h says what a stretch is and why this is exact).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <utility>

#include "sim/core/log.h"
#include "sim/machine/machine.h"
#include "sim/machine/snapshot_cache.h"

namespace bootsim {

namespace {

constexpr std::uint32_t kPage = PageJournal::kPage;
/// Writes `bytes` into guest RAM at `addr` the way the guest's own stores would have landed: through
/// Unicorn (translated code on the page is dropped) but not recorded as the host's answers.
void guest_write(Cpu& cpu, std::uint32_t addr, const std::uint8_t* bytes, std::uint32_t len) {
  uc_check(uc_mem_write(cpu.uc(), addr, bytes, len), "uc_mem_write");
}

}  // namespace

void Machine::settle_snapshots() {
  end_stretch();
  snapshots_settled_ = true;
  cpu_->track_host_writes(false);  // nothing compares them any more
}

void Machine::end_stretch() {
  if (!stretch_.active) return;
  stretch_.active = false;
  cpu_->journal().disarm();
  // Cut short (the machine stops): tell the shelf, so no other process waits for this any more.
  if (std::exchange(stretch_.claimed, false)) snapshots_->shelf()->fail(stretch_.key);
}

void Machine::snapshot_entry_end(std::uint32_t pc) {
  if (!snapshots_ || snapshots_settled_ || stopping()) return;
  if (++learn_entries_ > StartupSnapshots::kMaxLearnEntries) {
    settle_snapshots();
    return;
  }
  // A pending interrupt would be taken inside the stretch: not a function of CPU and memory alone.
  if (irq_->pending()) return;
  // A machine that only restores has nothing to do where the cache names no start.
  if (!snapshots_->learning() && !(snapshots_->cache() && snapshots_->cache()->names_start(nbp_hash_, pc))) return;
  std::vector<std::uint8_t> cpu = cpu_->save_context();
  const std::uint64_t cpu_hash = StretchShelf::hash_cpu(cpu);
  // Learned by an earlier run (snapshot_cache.h): read once per start and World, then known here like
  // a snapshot learned in this World, and taken only if it matches as exactly.
  if (SnapshotCache* cache = snapshots_->cache(); cache && snapshots_->first_look(nbp_hash_, pc, cpu_hash))
    for (StretchSnapshot& s : cache->load(nbp_hash_, pc, cpu_hash)) {
      s.origin = StretchSnapshot::Origin::kCache;
      snapshots_->publish(std::move(s));
    }
  // Same CPU as a learner, but memory that differs where its stretch looks (the guest keeps something
  // of its own there): this machine learns the stretch itself, for the machines like it.
  bool refused = false;
  for (const StretchSnapshot& s : snapshots_->all()) {
    if (s.nbp_hash != nbp_hash_ || s.start_pc != pc || s.start_cpu != cpu) continue;
    if (matches(s, pc, cpu)) {
      restore(s);
      return;
    }
    refused |= s.origin == StretchSnapshot::Origin::kThisKind;
  }
  if (snapshots_->known_short(nbp_hash_, pc, cpu_hash)) return;
  // Not learned in this World: another process of the run may have learned it, or be learning it now.
  StretchShelf* shelf = snapshots_->shelf();
  bool claimed = false;
  StretchShelf::Key key{nbp_hash_, pc, cpu_hash, rom_->cmdline_answers()};
  if (shelf && !refused) {
    for (StretchSnapshot& s : shelf->fetch_like(key)) {
      s.origin = StretchSnapshot::Origin::kOtherInputs;
      snapshots_->publish(std::move(s));  // the other machines of this World find it here
      const StretchSnapshot& theirs = snapshots_->all().back();
      if (matches(theirs, pc, cpu)) {
        restore(theirs);
        return;
      }
    }
    switch (shelf->claim(key)) {
      case StretchShelf::Claim::kPublished:
        if (std::optional<StretchSnapshot> s = shelf->fetch(key)) {
          snapshots_->publish(std::move(*s));  // the other machines of this World find it here
          const StretchSnapshot& theirs = snapshots_->all().back();
          if (matches(theirs, pc, cpu)) {
            restore(theirs);
            return;
          }
        }
        break;
      case StretchShelf::Claim::kLearn: claimed = true; break;
      case StretchShelf::Claim::kRunOn: break;
    }
  }
  if (!snapshots_->learning()) return;
  stretch_.active = true;
  stretch_.claimed = claimed;
  stretch_.key = key;
  stretch_.pc = pc;
  stretch_.cpu = std::move(cpu);
  stretch_.host_entries = stats_.host_entries;
  stretch_.blocks = blocks_;
  stretch_.int_dispatches = stats_.int_dispatches;
  stretch_.idle_jumps = stats_.idle_jumps;
  stretch_.last_tsc = last_tsc_;
  stretch_.now = sched_.now();
  stretch_.irqs = irq_->delivered();
  stretch_.rdtsc_sites = rdtsc_->sites();
  stretch_.windows = window_hooks_.size();
  try {
    cpu_->journal().arm();
  } catch (const std::exception&) {
    // Cannot protect the RAM here (or another journal is armed): learn nothing, run on as usual.
    stretch_.active = false;
    if (std::exchange(stretch_.claimed, false)) shelf->fail(key);
    settle_snapshots();
  }
}

void Machine::snapshot_entry_begin(std::uint32_t pc) {
  if (!stretch_.active) return;
  const bool claimed = std::exchange(stretch_.claimed, false);  // its outcome is told here
  end_stretch();
  // Pure: nothing but guest instructions ran since the stretch started (no host entry, clock, RDTSC read,
  // interrupt or newly trapped RDTSC site), and long enough to be worth sharing.
  const bool pure = stats_.host_entries == stretch_.host_entries && sched_.now() == stretch_.now &&
                    stats_.idle_jumps == stretch_.idle_jumps && last_tsc_ == stretch_.last_tsc &&
                    rdtsc_->sites() == stretch_.rdtsc_sites && irq_->delivered() == stretch_.irqs;
  if (!stopping() && !faulted_ && pure && blocks_ - stretch_.blocks >= StartupSnapshots::kMinEarlyBlocks) {
    publish(pc, claimed);
    return;
  }
  if (!stopping() && !faulted_) snapshots_->mark_short(nbp_hash_, stretch_.pc, stretch_.key.cpu_hash);
  if (claimed) snapshots_->shelf()->fail(stretch_.key);
}

void Machine::publish(std::uint32_t end_pc, bool to_shelf) {
  StretchSnapshot s;
  s.nbp_hash = nbp_hash_;
  s.start_pc = stretch_.pc;
  s.start_cpu = std::move(stretch_.cpu);
  s.end_pc = end_pc;
  s.end_cs_base = cpu_->cs_base();
  s.end_cpu = cpu_->save_context();
  // Only the pages the stretch read, wrote or ran code from: what every other page held made no
  // difference to it, so a machine may hold anything there (its own command line, say).
  const PageJournal& journal = cpu_->journal();
  std::vector<std::uint32_t> touched = journal.touched();
  std::sort(touched.begin(), touched.end());
  std::vector<unsigned char> written(cpu_->ram_size() / kPage, 0);
  for (std::uint32_t p : journal.written()) written[p] = 1;
  for (std::uint32_t p : touched) {
    const std::uint8_t* now = cpu_->ram() + std::size_t{p} * kPage;
    StretchSnapshot::Page page;
    page.index = p;
    page.written = written[p];
    page.after.assign(now, now + kPage);
    if (page.written) page.before.assign(journal.before(p), journal.before(p) + kPage);
    s.pages.push_back(std::move(page));
  }
  s.host_writes = cpu_->host_writes();
  s.blocks = blocks_ - stretch_.blocks;
  s.int_dispatches = stats_.int_dispatches - stretch_.int_dispatches;
  s.windows.assign(window_hooks_.begin() + static_cast<std::ptrdiff_t>(stretch_.windows), window_hooks_.end());
  s.learner = config_.name;
  if (log::enabled(log::Level::kDebug))
    log::write(log::Level::kDebug, sched_.now(), config_.name,
               "start-up snapshot learned: " + std::to_string(s.blocks) + " blocks, " + std::to_string(s.pages.size()) +
                   " pages, after " + std::to_string(learn_entries_) + " code-hook entries");
  if (to_shelf) snapshots_->shelf()->publish(stretch_.key, s);
  if (SnapshotCache* cache = snapshots_->cache()) cache->store(s, stretch_.key.cpu_hash);
  const bool last = StartupSnapshots::ends_learning(s);
  snapshots_->publish(std::move(s));
  if (last) settle_snapshots();
}

bool Machine::matches(const StretchSnapshot& s, std::uint32_t pc, const std::vector<std::uint8_t>& cpu) const {
  if (s.nbp_hash != nbp_hash_ || s.start_pc != pc || s.start_cpu != cpu) return false;
  // From here on the CPU is where the stretch started: say why memory keeps it from being skipped.
  auto refuse = [&](std::uint32_t page, const char* why, std::uint32_t offset = 0) {
    if (log::enabled(log::Level::kDebug)) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "start-up snapshot of %s not used: 0x%05x %s", s.learner.c_str(),
                    page * kPage + offset, why);
      log::write(log::Level::kDebug, sched_.now(), config_.name, buf);
    }
    return false;
  };
  const Cpu::HostWrites& mine = cpu_->host_writes();
  // Only the pages the stretch accessed matter (publish()): each must hold what it held for the learner.
  for (const StretchSnapshot::Page& page : s.pages) {
    const std::uint32_t p = page.index;
    const StretchSnapshot::Page* theirs = &page;
    if (std::size_t{p} * kPage >= cpu_->ram_size()) return refuse(p, "is beyond this machine's RAM");
    const std::uint8_t* here = cpu_->ram() + std::size_t{p} * kPage;
    const std::uint8_t* there = theirs->written ? theirs->before.data() : theirs->after.data();
    if (std::memcmp(here, there, kPage) == 0) continue;
    // Only the machines' own answers may differ: bytes the host wrote in one machine or both (the
    // cached DHCPACK, a command line given to one and not the other). On a page the stretch writes,
    // also only bytes it left as they were (the BIOS tick count next to the FBMS word it rewrites,
    // say); restore() keeps this machine's value there.
    std::bitset<4096> answers;
    if (auto a = mine.find(p); a != mine.end()) answers |= a->second;
    if (auto b = s.host_writes.find(p); b != s.host_writes.end()) answers |= b->second;
    for (std::uint32_t i = 0; i < kPage; ++i) {
      if (here[i] == there[i]) continue;
      if (!answers[i]) return refuse(p, "differs where the guest wrote", i);
      if (theirs->written && theirs->after[i] != there[i]) return refuse(p, "differs where the stretch writes", i);
    }
  }
  return true;
}

void Machine::restore(const StretchSnapshot& s) {
  // After an early stretch the machine goes on looking for the long one. (No stretch of its own is
  // active here: snapshot_entry_begin ended it.)
  if (StartupSnapshots::ends_learning(s)) settle_snapshots();
  // The pages the stretch wrote, through uc_mem_write so that code translated from them is dropped; bytes
  // where this machine's own answers differ from the learner's (which the stretch left alone, matches())
  // keep this machine's value.
  std::vector<std::uint8_t> merged(kPage);
  for (const StretchSnapshot::Page& page : s.pages) {
    if (!page.written) continue;
    const std::uint8_t* here = cpu_->ram() + std::size_t{page.index} * kPage;
    for (std::uint32_t i = 0; i < kPage; ++i) merged[i] = here[i] != page.before[i] ? here[i] : page.after[i];
    guest_write(*cpu_, page.index * kPage, merged.data(), kPage);
  }
  cpu_->restore_context(s.end_cpu);
  // Resume at the instruction whose code hook ended the stretch: it runs this machine's own host entry.
  // (The saved EIP was taken inside a hook, where Unicorn 2.0.1 holds a linear address; writing EIP
  // from a hook also makes Unicorn leave the current block, as for the host's INT dispatch.)
  cpu_->set_reg(UC_X86_REG_EIP, s.end_pc - s.end_cs_base);
  stats_.int_dispatches += s.int_dispatches;
  blocks_ += s.blocks;
  for (std::uint32_t w : s.windows) hook_window_at(w);
  snapshots_->count_restore(s.blocks);
  if (log::enabled(log::Level::kDebug))
    log::write(log::Level::kDebug, sched_.now(), config_.name,
               "start-up snapshot of " + s.learner + (s.origin == StretchSnapshot::Origin::kCache ? " (snapshot cache)" : "") + " used: " + std::to_string(s.blocks) + " blocks skipped");
  restored_ = true;
}

}  // namespace bootsim
