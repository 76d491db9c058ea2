// The stretch shelf (stretch_shelf.h): a table of claimed stretch starts and the snapshots published for
// them, in one MAP_SHARED mapping guarded by a process-shared mutex.
#include "sim/machine/stretch_shelf.h"

#include "sim/machine/stretch_codec.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace bootsim {

namespace {

constexpr std::uint32_t kSlots = 1u << 16;
constexpr std::size_t kBytes = std::size_t{1} << 30;  // reserved, not committed (MAP_NORESERVE)
/// A learner that takes longer than this (wall time) is not waited for any more: only speed is at stake.
constexpr long kMaxWaitMs = 60000;

enum State : std::uint32_t { kEmpty = 0, kLearning, kPublished, kFailed };

StretchShelf* g_current = nullptr;

bool alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

}  // namespace

struct StretchShelf::Slot {
  std::uint32_t state;
  std::int32_t pid;
  std::uint64_t nbp_hash, cpu_hash, inputs_hash;
  std::uint32_t pc;
  std::uint64_t offset, length;
};

struct StretchShelf::Header {
  pthread_mutex_t mutex;
  std::uint64_t used;  ///< bytes of snapshot data after the header
  Slot slots[kSlots];
};

namespace {

/// Holds the shelf's process-shared mutex; takes it over from a process that died holding it (the
/// table is only ever changed one field at a time, so what that process left is consistent).
class Locked {
 public:
  explicit Locked(pthread_mutex_t* m) : m_(m) {
    if (pthread_mutex_lock(m_) == EOWNERDEAD) pthread_mutex_consistent(m_);
  }
  ~Locked() { pthread_mutex_unlock(m_); }
  Locked(const Locked&) = delete;
  Locked& operator=(const Locked&) = delete;

 private:
  pthread_mutex_t* m_;
};

}  // namespace

StretchShelf::StretchShelf() : bytes_(kBytes) {
  base_ = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base_ == MAP_FAILED) {
    base_ = nullptr;
    throw std::runtime_error(std::string("stretch shelf: mmap: ") + std::strerror(errno));
  }
  auto* h = static_cast<Header*>(base_);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  // A process killed while holding it (a worker stopped by a signal) must not block the others.
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&h->mutex, &attr);
  pthread_mutexattr_destroy(&attr);
  h->used = 0;  // fresh anonymous memory is zero: every slot empty
}

StretchShelf::~StretchShelf() {
  if (g_current == this) g_current = nullptr;
  if (base_) ::munmap(base_, bytes_);
}

StretchShelf* StretchShelf::current() { return g_current; }
void StretchShelf::install(StretchShelf* shelf) { g_current = shelf; }

std::uint64_t StretchShelf::hash_cpu(const std::vector<std::uint8_t>& context) {
  return fnv1a64(context.data(), context.size());
}

/// Where a key's probe chain starts. Keys that differ only in their inputs share one, for fetch_like().
std::uint64_t StretchShelf::chain(const Key& key) { return key.cpu_hash ^ (key.nbp_hash * 31) ^ key.pc; }

StretchShelf::Slot* StretchShelf::find(const Key& key, bool insert) {
  auto* h = static_cast<Header*>(base_);
  const std::uint64_t mix = chain(key);
  for (std::uint32_t probe = 0; probe < kSlots; ++probe) {
    Slot& s = h->slots[(mix + probe) & (kSlots - 1)];
    if (s.state == kEmpty) {
      if (!insert) return nullptr;
      s.nbp_hash = key.nbp_hash;
      s.cpu_hash = key.cpu_hash;
      s.inputs_hash = key.inputs_hash;
      s.pc = key.pc;
      return &s;
    }
    if (s.nbp_hash == key.nbp_hash && s.cpu_hash == key.cpu_hash && s.inputs_hash == key.inputs_hash && s.pc == key.pc)
      return &s;
  }
  return nullptr;  // full: nothing more is shared
}

const StretchShelf::Slot* StretchShelf::find(const Key& key) const {
  return const_cast<StretchShelf*>(this)->find(key, false);
}

StretchShelf::Claim StretchShelf::claim(const Key& key) {
  auto* h = static_cast<Header*>(base_);
  const pid_t me = ::getpid();
  for (long waited_ms = 0;;) {
    {
      Locked lock(&h->mutex);
      Slot* s = find(key, true);
      if (!s) return Claim::kRunOn;
      switch (s->state) {
        case kEmpty:
          s->state = kLearning;
          s->pid = me;
          return Claim::kLearn;
        case kPublished: return Claim::kPublished;
        case kFailed: return Claim::kRunOn;
        default: break;  // learning
      }
      if (s->pid == me) return Claim::kLearn;  // another machine of this World has it: no one to wait for
      if (waited_ms >= kMaxWaitMs || !alive(s->pid)) return Claim::kRunOn;
    }
    struct timespec ts{0, 1000000};
    ::nanosleep(&ts, nullptr);
    ++waited_ms;  // at least: each round sleeps 1 ms
  }
}

void StretchShelf::publish(const Key& key, const StretchSnapshot& snap) {
  std::vector<std::uint8_t> bytes = encode_stretch(snap);
  auto* h = static_cast<Header*>(base_);
  Locked lock(&h->mutex);
  Slot* s = find(key, true);
  const std::size_t room = bytes_ - sizeof(Header);
  if (s) {
    if (s->state != kPublished && h->used + bytes.size() <= room) {
      std::uint8_t* data = static_cast<std::uint8_t*>(base_) + sizeof(Header) + h->used;
      std::memcpy(data, bytes.data(), bytes.size());
      s->offset = h->used;
      s->length = bytes.size();
      h->used += (bytes.size() + 63) & ~std::uint64_t{63};
      s->state = kPublished;
    } else if (s->state != kPublished) {
      s->state = kFailed;
    }
  }
}

void StretchShelf::fail(const Key& key) {
  auto* h = static_cast<Header*>(base_);
  Locked lock(&h->mutex);
  Slot* s = find(key, false);  // only a claimed key fails, so it is there
  if (s && s->state != kPublished) s->state = kFailed;
}

std::vector<StretchSnapshot> StretchShelf::fetch_like(const Key& key) const {
  auto* h = static_cast<Header*>(base_);
  std::vector<std::pair<const std::uint8_t*, std::size_t>> found;
  {
    Locked lock(&h->mutex);
    const std::uint64_t mix = chain(key);
    for (std::uint32_t probe = 0; probe < kSlots; ++probe) {
      const Slot& s = h->slots[(mix + probe) & (kSlots - 1)];
      if (s.state == kEmpty) break;
      if (s.state == kPublished && s.nbp_hash == key.nbp_hash && s.cpu_hash == key.cpu_hash && s.pc == key.pc &&
          s.inputs_hash != key.inputs_hash)
        found.emplace_back(static_cast<const std::uint8_t*>(base_) + sizeof(Header) + s.offset, s.length);
    }
  }
  std::vector<StretchSnapshot> out;
  for (auto [data, length] : found)
    if (auto s = decode_stretch(data, length)) out.push_back(std::move(*s));
  return out;
}

std::optional<StretchSnapshot> StretchShelf::fetch(const Key& key) const {
  auto* h = static_cast<Header*>(base_);
  const std::uint8_t* data = nullptr;
  std::size_t length = 0;
  {
    Locked lock(&h->mutex);
    const Slot* s = find(key);
    if (s && s->state == kPublished) {
      data = static_cast<const std::uint8_t*>(base_) + sizeof(Header) + s->offset;
      length = s->length;
    }
  }
  // Published data is never moved or rewritten, so it is decoded outside the lock.
  if (!data) return std::nullopt;
  return decode_stretch(data, length);
}

}  // namespace bootsim
