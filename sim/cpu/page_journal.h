// The page journal: which guest RAM pages a stretch of execution writes, and what they held before.
//
// Used to learn what one stretch of guest code does (sim/machine/startup_snapshot.h): arm() takes every
// access to guest RAM away on the host side. The first access to a page after that, whether Unicorn's
// (the guest's loads and stores, and its translator reading code) or ours, faults; the SIGSEGV handler
// marks the page read and makes it readable, so the access is retried. A store faults once more: the
// handler copies the page's old contents into the journal, marks it written and makes it writable.
// Code the guest runs from blocks translated before arm() is not read again: note_exec() (called from
// the block hook) marks those pages. disarm() makes everything accessible. Cost: one fault per page
// read, two per page written, while armed.
//
// Why a signal handler, and a process-wide one: Unicorn 2.0.1 has no dirty-page tracking of its own, and
// a UC_HOOK_MEM_WRITE hook on every store would slow the very stretch we want to skip. The handler must
// find the journal without arguments, so the armed journal is a process-wide pointer. Only one journal
// may be armed at a time (arm() throws otherwise): machines of a World run one at a time (the baton), and
// a journal is armed only while its machine's guest runs without handing the baton on. Faults outside the
// armed RAM go to the handler that was installed before (or the default action).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bootsim {

class PageJournal {
 public:
  static constexpr std::uint32_t kPage = 4096;

  /// A journal for the `bytes` of guest RAM at host address `ram` (page aligned). Allocates nothing yet.
  PageJournal(std::uint8_t* ram, std::uint32_t bytes);
  ~PageJournal();
  PageJournal(const PageJournal&) = delete;
  PageJournal& operator=(const PageJournal&) = delete;

  /// Forgets what was journaled and write-protects the RAM. Throws std::runtime_error when another
  /// journal is armed or the protection cannot be set.
  void arm();
  /// Makes the RAM writable again and stops journaling (nothing when not armed). Never throws.
  void disarm() noexcept;
  bool armed() const { return armed_; }

  /// Pages written while armed, in the order of their first write.
  const std::vector<std::uint32_t>& written() const { return written_; }
  /// Marks the pages of a translated block the guest enters while armed (`addr`: linear = physical).
  void note_exec(std::uint64_t addr, std::uint32_t size) noexcept {
    if (!armed_) return;
    for (std::uint64_t p = addr / kPage; p <= (addr + (size ? size - 1 : 0)) / kPage && p < seen_.size(); ++p)
      if (!(seen_[p] & kExec)) {
        if (!seen_[p]) touched_.push_back(static_cast<std::uint32_t>(p));
        seen_[p] |= kExec;
      }
  }
  /// True when the guest (or the host) read, wrote or ran code from page `page` while armed: every other
  /// page can have held anything without changing what happened.
  bool accessed(std::uint32_t page) const { return page < seen_.size() && seen_[page] != 0; }
  /// The pages accessed while armed, in the order of their first access.
  const std::vector<std::uint32_t>& touched() const { return touched_; }
  /// What page `page` held when the journal was armed; only for a page in written().
  const std::uint8_t* before(std::uint32_t page) const { return old_ + std::size_t{page} * kPage; }

 private:
  /// Called from the SIGSEGV handler with the faulting host address: true when it was ours and handled.
  bool on_fault(const void* addr) noexcept;
  static void handler(int sig, void* info, void* ctx);

  std::uint8_t* ram_;
  std::uint32_t bytes_;
  static constexpr std::uint8_t kRead = 1, kWritten = 2, kExec = 4;
  std::uint8_t* old_ = nullptr;   ///< a RAM-sized shadow, backed only where pages were saved
  std::vector<std::uint8_t> seen_;  ///< per page since arm(): kRead | kWritten | kExec
  std::vector<std::uint32_t> written_;
  std::vector<std::uint32_t> touched_;
  bool armed_ = false;
};

}  // namespace bootsim
