// The page journal: which guest RAM pages a stretch of execution writes, and what they held before.
//
// Used to learn what one stretch of guest code does (sim/machine/startup_snapshot.h): arm() write-protects
// the whole of guest RAM on the host side; the first store to a page after that, whether Unicorn's (the
// guest) or ours (a firmware reply), faults, and the SIGSEGV handler copies the page's old contents into
// the journal, marks it and makes the page writable again, so the store is retried and succeeds. disarm()
// makes everything writable. Cost: one fault per page written while armed; reads are untouched.
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
  /// What page `page` held when the journal was armed; only for a page in written().
  const std::uint8_t* before(std::uint32_t page) const { return old_ + std::size_t{page} * kPage; }

 private:
  /// Called from the SIGSEGV handler with the faulting host address: true when it was ours and handled.
  bool on_fault(const void* addr) noexcept;
  static void handler(int sig, void* info, void* ctx);

  std::uint8_t* ram_;
  std::uint32_t bytes_;
  std::uint8_t* old_ = nullptr;   ///< a RAM-sized shadow, backed only where pages were saved
  std::vector<std::uint8_t> seen_;  ///< one flag per page: journaled since arm()
  std::vector<std::uint32_t> written_;
  bool armed_ = false;
};

}  // namespace bootsim
