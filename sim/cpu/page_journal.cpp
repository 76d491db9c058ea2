#include "sim/cpu/page_journal.h"

#include <signal.h>
#include <sys/mman.h>

#include <atomic>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace bootsim {

namespace {

// The armed journal (at most one) and the handler we replaced: process-wide because a signal handler has
// nothing else to reach them by (see the header).
std::atomic<PageJournal*> g_armed{nullptr};
struct sigaction g_previous;
std::once_flag g_installed;

}  // namespace

PageJournal::PageJournal(std::uint8_t* ram, std::uint32_t bytes)
    : ram_(ram), bytes_(bytes), seen_(bytes / kPage, 0) {
  written_.reserve(1024);
}

PageJournal::~PageJournal() {
  disarm();
  if (old_) munmap(old_, bytes_);
}

void PageJournal::handler(int sig, void* info, void* ctx) {
  auto* si = static_cast<siginfo_t*>(info);
  PageJournal* j = g_armed.load(std::memory_order_acquire);
  if (j && j->on_fault(si->si_addr)) return;
  // Not ours: whoever handled SIGSEGV before us, or the default action (the process dies as it would have).
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction) g_previous.sa_sigaction(sig, si, ctx);
    return;
  }
  if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(sig);
    return;
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

bool PageJournal::on_fault(const void* addr) noexcept {
  auto* a = static_cast<const std::uint8_t*>(addr);
  if (a < ram_ || a >= ram_ + bytes_) return false;
  std::uint32_t page = static_cast<std::uint32_t>((a - ram_) / kPage);
  std::uint8_t* p = ram_ + std::size_t{page} * kPage;
  // Vectors reserved in arm(): no allocation in the handler.
  if (!(seen_[page] & (kRead | kWritten))) {
    // First access (a page only noted as code is still inaccessible): whatever it was, it reads first.
    if (!seen_[page]) touched_.push_back(page);
    seen_[page] |= kRead;
    return mprotect(p, kPage, PROT_READ) == 0;
  }
  if (!(seen_[page] & kWritten)) {
    seen_[page] |= kWritten;
    std::memcpy(old_ + std::size_t{page} * kPage, p, kPage);  // readable now: only writes are blocked
    written_.push_back(page);
  }
  return mprotect(p, kPage, PROT_READ | PROT_WRITE) == 0;
}

void PageJournal::arm() {
  std::call_once(g_installed, [] {
    struct sigaction sa {};
    sa.sa_sigaction = reinterpret_cast<void (*)(int, siginfo_t*, void*)>(&PageJournal::handler);
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, &g_previous) != 0) throw std::runtime_error("page journal: cannot install handler");
  });
  if (armed_) disarm();
  if (!old_) {
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("page journal: cannot reserve its shadow");
    old_ = static_cast<std::uint8_t*>(p);
  }
  for (std::uint32_t page : touched_) seen_[page] = 0;
  written_.clear();
  touched_.clear();
  written_.reserve(seen_.size());  // the handler (and note_exec) must never allocate
  touched_.reserve(seen_.size());
  PageJournal* expected = nullptr;
  if (!g_armed.compare_exchange_strong(expected, this)) throw std::runtime_error("page journal: another is armed");
  armed_ = true;
  if (mprotect(ram_, bytes_, PROT_NONE) != 0) {
    disarm();
    throw std::runtime_error("page journal: cannot protect guest RAM");
  }
}

void PageJournal::disarm() noexcept {
  if (!armed_) return;
  mprotect(ram_, bytes_, PROT_READ | PROT_WRITE);
  armed_ = false;
  g_armed.store(nullptr, std::memory_order_release);
}

}  // namespace bootsim
