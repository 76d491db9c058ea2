// The snapshot cache on disk (sim/machine/snapshot_cache.h) and the snapshot codec under it
// (sim/machine/stretch_codec.h): what one run stores the next loads whole; a damaged, cut or foreign file
// is ignored rather than restored into a guest; a start keeps its newest few; the environment picks the
// folder or turns the cache off; a folder others may write is not used.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "scratch_root.h"
#include "sim/machine/snapshot_cache.h"
#include "sim/machine/stretch_codec.h"
#include "sim/machine/stretch_shelf.h"
#include "stretch_sample.h"

namespace bootsim {
namespace {

namespace fs = std::filesystem;
using test::same;
using test::sample;

fs::path fresh(const std::string& name) {
  fs::path dir = test::scratch_root() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  return dir;
}

std::uint64_t cpu_hash(const StretchSnapshot& s) { return StretchShelf::hash_cpu(s.start_cpu); }

/// The one cache file in `dir`.
fs::path only_file(const fs::path& dir) {
  fs::path found;
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".snap") {
      found = e.path();
      ++n;
    }
  EXPECT_EQ(n, 1);
  return found;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_all(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(unit_StretchCodec, RoundTripsEveryField) {
  const StretchSnapshot s = sample();
  const std::vector<std::uint8_t> bytes = encode_stretch(s);
  auto back = decode_stretch(bytes.data(), bytes.size());
  ASSERT_TRUE(back);
  EXPECT_TRUE(same(*back, s));
}

TEST(unit_StretchCodec, RefusesWhatRestoreCouldNotTakeSafely) {
  auto decodes = [](const StretchSnapshot& s) {
    const std::vector<std::uint8_t> bytes = encode_stretch(s);
    return decode_stretch(bytes.data(), bytes.size()).has_value();
  };
  StretchSnapshot short_page = sample();
  short_page.pages[1].after.resize(100);  // matches() compares whole pages
  EXPECT_FALSE(decodes(short_page));
  StretchSnapshot no_before = sample();
  no_before.pages[0].before.clear();  // a written page without its old contents
  EXPECT_FALSE(decodes(no_before));
  StretchSnapshot unordered = sample();
  std::swap(unordered.pages[0], unordered.pages[1]);
  EXPECT_FALSE(decodes(unordered));
  StretchSnapshot other_engine = sample();
  other_engine.end_cpu.push_back(0);  // the two CPU states of another size
  EXPECT_FALSE(decodes(other_engine));
  // Cut anywhere, or with bytes after it: refused whole.
  const std::vector<std::uint8_t> bytes = encode_stretch(sample());
  int refused = 0;
  for (std::size_t n = 0; n < bytes.size(); n += 97) refused += !decode_stretch(bytes.data(), n).has_value();
  EXPECT_EQ(refused, static_cast<int>((bytes.size() + 96) / 97));
  std::vector<std::uint8_t> longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(decode_stretch(longer.data(), longer.size()));
}

TEST(unit_SnapshotCache, WhatOneRunStoresTheNextLoadsWhole) {
  const fs::path dir = fresh("cache-roundtrip");
  const StretchSnapshot s = sample();
  SnapshotCache(dir).store(s, cpu_hash(s));
  std::vector<StretchSnapshot> got = SnapshotCache(dir).load(s.nbp_hash, s.start_pc, cpu_hash(s));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(same(got[0], s));
  // Another start (CPU state, address, NBP) finds nothing.
  EXPECT_TRUE(SnapshotCache(dir).load(s.nbp_hash, s.start_pc, cpu_hash(s) + 1).empty());
  EXPECT_TRUE(SnapshotCache(dir).load(s.nbp_hash, s.start_pc + 1, cpu_hash(s)).empty());
  EXPECT_TRUE(SnapshotCache(dir).load(s.nbp_hash + 1, s.start_pc, cpu_hash(s)).empty());
  // Nothing is left under a temporary name: the file and the writers' lock only.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename() == ".lock") continue;
    ++entries;
    EXPECT_EQ(e.path().extension(), ".snap") << e.path();
  }
  EXPECT_EQ(entries, 1);
}

TEST(unit_SnapshotCache, ADamagedCutOrForeignFileIsIgnored) {
  const fs::path dir = fresh("cache-damaged");
  const StretchSnapshot s = sample();
  SnapshotCache cache(dir);
  cache.store(s, cpu_hash(s));
  const fs::path file = only_file(dir);
  const std::string good = read_all(file);
  ASSERT_GT(good.size(), 5000u);
  auto loads = [&](const std::string& bytes) {
    write_all(file, bytes);
    return cache.load(s.nbp_hash, s.start_pc, cpu_hash(s)).size();
  };
  ASSERT_EQ(loads(good), 1u);
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x40;  // in a page: the checksum no longer holds
  EXPECT_EQ(loads(flipped), 0u);
  EXPECT_EQ(loads(good.substr(0, good.size() - 1)), 0u);
  EXPECT_EQ(loads(good + "x"), 0u);
  std::string foreign = good;
  foreign[8] ^= 1;  // the format number, just after the magic
  EXPECT_EQ(loads(foreign), 0u);
  std::string other_unicorn = good;
  other_unicorn[12] ^= 1;  // the Unicorn version the CPU states come from
  EXPECT_EQ(loads(other_unicorn), 0u);
  EXPECT_EQ(loads(""), 0u);
  EXPECT_EQ(loads(good), 1u);  // and the file itself was fine all along
}

TEST(unit_SnapshotCache, AStartKeepsItsNewestFew) {
  const fs::path dir = fresh("cache-newest");
  SnapshotCache cache(dir);
  StretchSnapshot s = sample();
  for (std::uint64_t i = 0; i < SnapshotCache::kPerStart + 2; ++i) {
    s.blocks = 1000 + i;  // same start, other contents
    cache.store(s, cpu_hash(s));
  }
  std::vector<StretchSnapshot> got = cache.load(s.nbp_hash, s.start_pc, cpu_hash(s));
  ASSERT_EQ(got.size(), SnapshotCache::kPerStart);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].blocks, 1000 + SnapshotCache::kPerStart + 1 - i);
}

TEST(unit_SnapshotCache, TheFolderHoldsAtMostItsLimitOfFiles) {
  const fs::path dir = fresh("cache-limit");
  SnapshotCache cache(dir);
  StretchSnapshot s = sample();
  for (std::uint32_t i = 0; i < SnapshotCache::kMaxFiles + 5; ++i) {
    s.start_pc = 0x7c00 + i;  // a start of its own: a file of its own
    cache.store(s, cpu_hash(s));
  }
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.path().extension() == ".snap";
  EXPECT_EQ(files, SnapshotCache::kMaxFiles);
  // The newest is among those kept.
  EXPECT_EQ(cache.load(s.nbp_hash, s.start_pc, cpu_hash(s)).size(), 1u);
}

TEST(unit_SnapshotCache, AWriteRemovesWhatAKilledWriterLeft) {
  const fs::path dir = fresh("cache-leftover");
  SnapshotCache cache(dir);
  StretchSnapshot s = sample();
  cache.store(s, cpu_hash(s));
  // A writer killed between writing its temporary file and renaming it (the name store() gives it).
  const fs::path leftover = dir / ".0123456789abcdef-7c00-0123456789abcdef.snap.99999.part";
  { std::ofstream(leftover) << "half a file"; }
  ASSERT_TRUE(fs::exists(leftover));
  s.start_pc += 1;
  cache.store(s, cpu_hash(s));
  EXPECT_FALSE(fs::exists(leftover));
  std::size_t snaps = 0;
  for (const auto& e : fs::directory_iterator(dir)) snaps += e.path().extension() == ".snap";
  EXPECT_EQ(snaps, 2u) << "the cache's own files stay";
}

/// Sets environment variables for one test and puts them back after it.
class Env {
 public:
  void set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~Env() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) ::setenv(it->first.c_str(), it->second->c_str(), 1);
      else ::unsetenv(it->first.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(unit_SnapshotCache, TheEnvironmentPicksTheFolderOrTurnsItOff) {
  Env env;
  env.set("BOOTSIM_CACHE", nullptr);
  env.set("BOOTSIM_SNAPSHOT", nullptr);
  env.set("BOOTSIM_CACHE_DIR", nullptr);
  env.set("XDG_CACHE_HOME", nullptr);
  env.set("HOME", "/home/someone");
  EXPECT_EQ(SnapshotCache::folder_from_environment(), fs::path("/home/someone/.cache/bootsim"));
  env.set("XDG_CACHE_HOME", "/var/cache/me");
  EXPECT_EQ(SnapshotCache::folder_from_environment(), fs::path("/var/cache/me/bootsim"));
  env.set("BOOTSIM_CACHE_DIR", "/ci/cache");
  EXPECT_EQ(SnapshotCache::folder_from_environment(), fs::path("/ci/cache"));
  env.set("BOOTSIM_SNAPSHOT", "off");  // no start-up sharing of any kind
  EXPECT_TRUE(SnapshotCache::folder_from_environment().empty());
  env.set("BOOTSIM_SNAPSHOT", nullptr);
  env.set("BOOTSIM_CACHE", "off");
  EXPECT_TRUE(SnapshotCache::folder_from_environment().empty());
}

TEST(unit_SnapshotCache, AFolderOthersMayWriteIsNotUsed) {
  // process() decides once per process: ask in a child, with the folder made group-writable.
  const fs::path dir = fresh("cache-shared");
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_all | fs::perms::others_all, fs::perm_options::replace);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("BOOTSIM_CACHE_DIR", dir.c_str(), 1);
    ::unsetenv("BOOTSIM_CACHE");
    ::unsetenv("BOOTSIM_SNAPSHOT");
    ::_exit(SnapshotCache::process() == nullptr ? 0 : 1);
  }
  int st = 0;
  ::waitpid(pid, &st, 0);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "a world-writable cache folder was used";
  // The same folder, only ours: used. A folder that is not there yet is made, for this user alone.
  const fs::path made = test::scratch_root() / "cache-made" / "bootsim";
  fs::remove_all(made.parent_path());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
  for (const fs::path& d : {dir, made}) {
    pid = ::fork();
    if (pid == 0) {
      ::setenv("BOOTSIM_CACHE_DIR", d.c_str(), 1);
      ::unsetenv("BOOTSIM_CACHE");
      ::unsetenv("BOOTSIM_SNAPSHOT");
      SnapshotCache* c = SnapshotCache::process();
      ::_exit(c && c->dir() == d ? 0 : 1);
    }
    ::waitpid(pid, &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << d;
  }
  struct stat sb{};
  ASSERT_EQ(::stat(made.c_str(), &sb), 0);
  EXPECT_EQ(sb.st_mode & 0777, 0700u);
}

}  // namespace
}  // namespace bootsim
