// The snapshot cache on disk (snapshot_cache.h).
#include "sim/machine/snapshot_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unicorn/unicorn.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>

#include "sim/core/log.h"
#include "sim/machine/stretch_codec.h"

namespace bootsim {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'b', 's', 'i', 'm', 's', 't', 'r', '\n'};
/// Bumped whenever encode_stretch() or what a snapshot means changes.
constexpr std::uint32_t kFormat = 1;
/// A cache file is at most kPerStart snapshots of a few MB; anything far larger is not one of ours.
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{256} << 20;

/// The Unicorn build the CPU states come from: uc_context's bytes are its CPUX86State.
std::uint32_t unicorn_version() {
  unsigned major = 0, minor = 0;
  return uc_version(&major, &minor);
}

template <typename T> void put(std::string& out, T v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }

template <typename T> bool get(const std::string& in, std::size_t& at, T& v) {
  if (in.size() - at < sizeof v) return false;
  std::memcpy(&v, in.data() + at, sizeof v);
  at += sizeof v;
  return true;
}

/// The encoded snapshots of one cache file; empty when it is missing or not a file of this format.
std::vector<std::string> read_entries(const fs::path& file) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec || size > kMaxFileBytes) return {};
  std::ifstream in(file, std::ios::binary);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())) || in.peek() != EOF) return {};
  std::size_t at = 0;
  char magic[sizeof kMagic];
  if (bytes.size() < sizeof magic) return {};
  std::memcpy(magic, bytes.data(), sizeof magic);
  at += sizeof magic;
  std::uint32_t format = 0, version = 0, count = 0;
  if (std::memcmp(magic, kMagic, sizeof magic) != 0 || !get(bytes, at, format) || !get(bytes, at, version) ||
      !get(bytes, at, count) || format != kFormat || version != unicorn_version() || count > SnapshotCache::kPerStart)
    return {};
  std::vector<std::string> entries;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint64_t length = 0, sum = 0;
    if (!get(bytes, at, length) || !get(bytes, at, sum) || bytes.size() - at < length) return {};
    std::string entry = bytes.substr(at, length);
    at += length;
    if (fnv1a64(reinterpret_cast<const std::uint8_t*>(entry.data()), entry.size()) != sum) return {};
    entries.push_back(std::move(entry));
  }
  if (at != bytes.size()) return {};
  return entries;
}

/// True when `dir` exists (made now if need be, 0700), belongs to this user and only this user may write it.
bool usable_folder(const fs::path& dir, std::string& why) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir.parent_path(), ec);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      why = std::string("cannot make it: ") + std::strerror(errno);
      return false;
    }
  }
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    why = "not a folder";
    return false;
  }
  if (st.st_uid != ::geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    why = "another user owns it or may write it";
    return false;
  }
  return true;
}

}  // namespace

fs::path SnapshotCache::folder_from_environment() {
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v ? v : "";
  };
  if (env("BOOTSIM_CACHE") == "off" || env("BOOTSIM_SNAPSHOT") == "off") return {};
  if (!env("BOOTSIM_CACHE_DIR").empty()) return env("BOOTSIM_CACHE_DIR");
  if (!env("XDG_CACHE_HOME").empty()) return fs::path(env("XDG_CACHE_HOME")) / "bootsim";
  if (!env("HOME").empty()) return fs::path(env("HOME")) / ".cache" / "bootsim";
  return {};
}

namespace {
bool g_chosen = false;  // process() decided, or use() said
SnapshotCache* g_cache = nullptr;
std::mutex g_choice;
}  // namespace

void SnapshotCache::use(SnapshotCache* cache) {
  std::lock_guard<std::mutex> lock(g_choice);
  g_cache = cache;
  g_chosen = true;
}

SnapshotCache* SnapshotCache::process() {
  std::lock_guard<std::mutex> lock(g_choice);
  if (g_chosen) return g_cache;
  g_chosen = true;
  g_cache = []() -> SnapshotCache* {
    fs::path dir = folder_from_environment();
    if (dir.empty()) return nullptr;
    std::string why;
    if (!usable_folder(dir, why)) {
      log::write(log::Level::kWarn, SimTime{}, "cache", "snapshot cache " + dir.string() + " not used: " + why);
      return nullptr;
    }
    return new SnapshotCache(dir);  // lives as long as the process
  }();
  return g_cache;
}

fs::path SnapshotCache::file_for(std::uint64_t nbp_hash, std::uint32_t pc, std::uint64_t cpu_hash) const {
  char name[64];
  std::snprintf(name, sizeof name, "%016" PRIx64 "-%08" PRIx32 "-%016" PRIx64 ".snap", nbp_hash, pc, cpu_hash);
  return dir_ / name;
}

bool SnapshotCache::names_start(std::uint64_t nbp_hash, std::uint32_t pc) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!listed_) {
    listed_ = true;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec)) {
      std::uint64_t nbp = 0, cpu = 0;
      std::uint32_t start = 0;
      const std::string name = e.path().filename().string();
      if (std::sscanf(name.c_str(), "%16" SCNx64 "-%8" SCNx32 "-%16" SCNx64 ".snap", &nbp, &start, &cpu) == 3)
        starts_.emplace(nbp, start);
    }
  }
  return starts_.count({nbp_hash, pc}) != 0;
}

std::vector<StretchSnapshot> SnapshotCache::load(std::uint64_t nbp_hash, std::uint32_t pc, std::uint64_t cpu_hash) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<StretchSnapshot> out;
  for (const std::string& e : read_entries(file_for(nbp_hash, pc, cpu_hash)))
    if (auto s = decode_stretch(reinterpret_cast<const std::uint8_t*>(e.data()), e.size()))
      if (s->nbp_hash == nbp_hash && s->start_pc == pc) out.push_back(std::move(*s));
  return out;
}

namespace {

/// Holds an exclusive flock(2) on DIR/.lock: two runs that learn two kinds of one start at once (stock
/// and embedded-sleep, side by side) must not each write the file with only their own snapshot in it.
class FolderLock {
 public:
  explicit FolderLock(const fs::path& dir) : fd_(::open((dir / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~FolderLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_;
};

}  // namespace

void SnapshotCache::store(const StretchSnapshot& s, std::uint64_t cpu_hash) {
  std::lock_guard<std::mutex> lock(mutex_);
  FolderLock folder(dir_);
  const fs::path file = file_for(s.nbp_hash, s.start_pc, cpu_hash);
  std::vector<std::string> entries = read_entries(file);
  const std::vector<std::uint8_t> mine = encode_stretch(s);
  entries.insert(entries.begin(), std::string(mine.begin(), mine.end()));  // newest first
  if (entries.size() > kPerStart) entries.resize(kPerStart);
  std::string bytes(kMagic, sizeof kMagic);
  put(bytes, kFormat);
  put(bytes, unicorn_version());
  put(bytes, static_cast<std::uint32_t>(entries.size()));
  for (const std::string& e : entries) {
    put(bytes, static_cast<std::uint64_t>(e.size()));
    put(bytes, fnv1a64(reinterpret_cast<const std::uint8_t*>(e.data()), e.size()));
    bytes += e;
  }
  const fs::path part = dir_ / ("." + file.filename().string() + "." + std::to_string(::getpid()) + ".part");
  {
    std::ofstream out(part, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.good()) {
      std::error_code ec;
      fs::remove(part, ec);
      return;
    }
  }
  std::error_code ec;
  fs::rename(part, file, ec);
  if (ec) fs::remove(part, ec);
  prune();
}

void SnapshotCache::prune() const {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> files;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    if (e.path().extension() == ".snap") files.emplace_back(e.last_write_time(ec), e.path());
    // A writer holds the folder lock from its temporary file to the rename, and so do we here: a
    // temporary file now is what a writer that was killed left behind.
    if (e.path().extension() == ".part") fs::remove(e.path(), ec);
  }
  if (files.size() <= kMaxFiles) return;
  std::sort(files.begin(), files.end());
  for (std::size_t i = 0; i + kMaxFiles < files.size(); ++i) fs::remove(files[i].second, ec);
}

}  // namespace bootsim
