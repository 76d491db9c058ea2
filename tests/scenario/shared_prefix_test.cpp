// Boot sharing changes no artifact (sim/scenario/shared_boot.h): every shipped scenario (all variants)
// and a sweep are run by the real bootsim twice, once sharing boots (and start-ups, through the run's
// stretch shelf: sim/machine/stretch_shelf.h, and REP string instructions done at once: sim/cpu/rep_string.h)
// and once with BOOTSIM_NO_SHARE=1 BOOTSIM_SNAPSHOT=off BOOTSIM_FAST_STRINGS=off (each job alone, every
// instruction executed by the engine), and every trace, console log and pcap must be byte-identical, and every report.json
// and sweep.json equal once wall-time fields are taken out.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "real_scenario_util.h"

namespace bootsim::scenario {
namespace {

namespace fs = std::filesystem;

/// Each job alone, every instruction executed: no shared boot, no start-up snapshot, no cache, every pass
/// of a REP string instruction run by the engine (sim/cpu/rep_string.h).
const char* const kAlone = "BOOTSIM_NO_SHARE=1 BOOTSIM_SNAPSHOT=off BOOTSIM_FAST_STRINGS=off ";

/// Runs bootsim with `args` (shell words) into `out`, with `env` (shell assignments) before it; returns
/// its exit code. Its stdout and stderr go to OUT.stdout.
int bootsim(const std::string& env, const std::string& args, const fs::path& out) {
  std::string cmd = env + "'" + BOOTSIM_EXE + "' " + args + " --out '" + out.string() + "' >'" + out.string() + ".stdout' 2>&1";
  int st = std::system(cmd.c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/// Every file under `dir`, relative, sorted (not the lock file).
std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename() != ".bootsim.lock") out.push_back(fs::relative(e.path(), dir).string());
  std::sort(out.begin(), out.end());
  return out;
}

/// `j` without what depends on the host's clock: every member whose name says "wall".
nlohmann::json without_wall(nlohmann::json j) {
  if (j.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto& [k, v] : j.items())
      if (k.find("wall") == std::string::npos) out[k] = without_wall(v);
    return out;
  }
  if (j.is_array())
    for (auto& v : j) v = without_wall(v);
  return j;
}

/// `text` with every occurrence of `dir` replaced by "OUT": reports name their artifacts by absolute path.
std::string relative_to(std::string text, const std::string& dir) {
  for (size_t at = text.find(dir); at != std::string::npos; at = text.find(dir, at + 3)) text.replace(at, dir.size(), "OUT");
  return text;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

/// Compares what two runs wrote into `shared` and `alone`; returns how many artifacts were compared.
size_t expect_same_artifacts(const std::string& name, const fs::path& shared, const fs::path& alone) {
  std::vector<std::string> fa = files_under(shared), fb = files_under(alone);
  EXPECT_EQ(fa, fb) << name << ": not the same files";
  size_t artifacts = 0;
  for (const auto& rel : fa) {
    if (!fs::exists(alone / rel)) continue;
    if (ends_with(rel, ".trace.jsonl") || ends_with(rel, ".pcap") || ends_with(rel, ".log")) {
      ++artifacts;
      EXPECT_TRUE(test::slurp(shared / rel) == test::slurp(alone / rel)) << name << ": " << rel << " differs";
    } else if (ends_with(rel, ".json")) {
      auto ja = nlohmann::json::parse(relative_to(test::slurp(shared / rel), shared.string()), nullptr, false);
      auto jb = nlohmann::json::parse(relative_to(test::slurp(alone / rel), alone.string()), nullptr, false);
      EXPECT_FALSE(ja.is_discarded()) << rel;
      EXPECT_EQ(without_wall(ja), without_wall(jb)) << name << ": " << rel << " differs beyond wall time";
    }
  }
  return artifacts;
}

/// Runs `args` both ways and compares what they wrote; returns how many artifacts were compared.
size_t expect_same_shared_and_alone(const std::string& name, const std::string& args) {
  fs::path dir = test::fresh_dir("bootsim-shared-prefix", name);
  fs::path shared = dir / "shared", alone = dir / "alone";
  const int a = bootsim("", args, shared);
  const int b = bootsim(kAlone, args, alone);
  EXPECT_EQ(a, b) << name << ": exit codes differ\n" << test::slurp(shared.string() + ".stdout");
  return expect_same_artifacts(name, shared, alone);
}

/// How often `needle` occurs in `text`.
size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class shared_prefix : public ::testing::TestWithParam<std::string> {};

TEST_P(shared_prefix, ShippedScenarioGivesTheSameArtifactsSharedAndAlone) {
  const std::string xml = std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/" + GetParam() + ".xml";
  // First: the run writes artifacts at all (a trace, a console log and a pcap per variant that ran)
  size_t n = expect_same_shared_and_alone(GetParam(), "scenario '" + xml + "' -j 2");
  EXPECT_GE(n, 3u);
}

INSTANTIATE_TEST_SUITE_P(scenarios, shared_prefix, ::testing::ValuesIn(test::shipped_scenarios_but_fleets()),
                         [](const auto& info) { return info.param; });

TEST(shared_prefix_sweep, AutonegAndSleepGridGivesTheSameArtifactsSharedAndAlone) {
  // Cells differ in the NIC's link timing (read when iPXE's UNDI call drops the link) and in the
  // embedded script's sleep (read by PXENV_FILE_CMDLINE); stock and embedded-sleep differ in the
  // command line; all share one boot up to the first of those.
  const std::string xml = std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml";
  size_t n = expect_same_shared_and_alone(
      "sweep", "sweep '" + xml + "' --variant stock --variant embedded-sleep --vary 'machine[r640-01]/nic/@autoneg=4s,9s,14s'" +
                   " --vary 'param[sleep]/@value=2,10' -j 2");
  EXPECT_GE(n, 3u * 2 * 2 * 3);  // 12 cells, a trace, a console log and a pcap each
}

/// A fresh folder for one cache test: broadcom_timeout.xml, a snapshot cache of its own (0700) and the
/// environment that points bootsim at it.
struct CacheDir {
  const std::string xml = std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml";
  const fs::path dir, cache;
  const std::string env;
  explicit CacheDir(const std::string& name)
      : dir(test::fresh_dir("bootsim-snapshot-cache", name)), cache(dir / "cache"),
        env("BOOTSIM_CACHE_DIR='" + cache.string() + "' ") {
    fs::create_directories(cache);
    fs::permissions(cache, fs::perms::owner_all, fs::perm_options::replace);
  }
  /// The cache files (one per stretch start).
  std::vector<fs::path> files() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(cache))
      if (e.path().extension() == ".snap") out.push_back(e.path());
    return out;
  }
};

TEST(snapshot_cache, AWarmCacheGivesTheSameArtifactsAsEveryInstructionRun) {
  // sim/machine/snapshot_cache.h: the first run leaves its start-ups in a cache folder of its own; the
  // second restores them (stock's and embedded-sleep's: the one guest was given a command line and the
  // other not) instead of decompressing iPXE again, and must write what a run that executes every
  // instruction writes.
  const CacheDir c("run");
  const std::string& xml = c.xml;
  const fs::path& dir = c.dir;
  const std::string& env = c.env;
  const std::string args = "scenario '" + xml + "' -j 2 --log-level debug";
  ASSERT_EQ(bootsim(env, args, dir / "cold"), 0) << test::slurp(dir.string() + "/cold.stdout");
  const size_t files = c.files().size();
  // Three starts: the payload's decompression (both kinds' snapshots in one file) and, before it, that of
  // the prefix's 16-bit parts, where the CPU differs with and without a command line (a file each).
  EXPECT_EQ(files, 3u) << "iPXE's two decompressions, one of them from two CPU states";
  ASSERT_EQ(bootsim(env, args, dir / "warm"), 0) << test::slurp(dir.string() + "/warm.stdout");
  const std::string warm_log = test::slurp(dir.string() + "/warm.stdout");
  EXPECT_EQ(count(warm_log, "(snapshot cache) used"), 4u) << warm_log;  // two decompressions, two kinds
  EXPECT_EQ(count(warm_log, "start-up snapshot learned"), 0u) << warm_log;
  ASSERT_EQ(bootsim(kAlone, args, dir / "alone"), 0);
  EXPECT_EQ(count(test::slurp(dir.string() + "/alone.stdout"), "start-up snapshot"), 0u);
  EXPECT_GE(expect_same_artifacts("warm", dir / "warm", dir / "alone"), 9u);
  EXPECT_GE(expect_same_artifacts("cold", dir / "cold", dir / "alone"), 9u);
}

TEST(snapshot_cache, ADamagedCacheFileChangesNothing) {
  // A cache file damaged on disk (one bit) is not restored into the guest: the run executes its start-up
  // again, writes what it wrote before, and stores the stretch anew.
  const CacheDir c("damaged");
  const std::string& xml = c.xml;
  const fs::path& dir = c.dir;
  const std::string& env = c.env;
  // Two variants: a lone machine only restores from the cache and never learns (startup_snapshot.h).
  const std::string args = "scenario '" + xml + "' --variant stock --variant embedded-sleep --log-level debug";
  ASSERT_EQ(bootsim(env, args, dir / "first"), 0);
  std::vector<fs::path> files = c.files();
  ASSERT_EQ(files.size(), 3u);
  // The payload's decompression: the largest file, ~2.9 MB (the others hold the prefix's 16-bit parts, a
  // few hundred KB). All three start at the same code hook, so the name cannot tell them apart.
  const fs::path file = *std::max_element(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    return fs::file_size(a) < fs::file_size(b);
  });
  // Flip a byte: the checksum refuses the file, so the next run learns (and stores) the stretch again.
  std::string bytes = test::slurp(file);
  ASSERT_GT(bytes.size(), 100000u);
  bytes[bytes.size() / 2] ^= 0x01;
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  ASSERT_EQ(bootsim(env, args, dir / "second"), 0);
  const std::string log = test::slurp(dir.string() + "/second.stdout");
  EXPECT_EQ(count(log, "(snapshot cache) used"), 2u) << log;  // the undamaged files: the 16-bit parts, per kind
  EXPECT_EQ(count(log, "start-up snapshot learned"), 2u) << log;  // one per kind: with and without a command line
  EXPECT_GE(expect_same_artifacts("damaged", dir / "first", dir / "second"), 6u);
}

TEST(snapshot_cache, ALoneMachineRestoresButNeverLearns) {
  // One variant, one machine: nothing to share with inside the run, so it arms no page journal (whose cost
  // an NBP without a long stretch would pay at every host entry) and stores nothing; with a filled cache
  // it restores iPXE's decompression all the same, and writes what a run of every instruction writes.
  const CacheDir c("lone");
  const std::string& xml = c.xml;
  const fs::path& dir = c.dir;
  const std::string& env = c.env;
  const std::string lone = "scenario '" + xml + "' --variant stock --log-level debug";
  ASSERT_EQ(bootsim(env, lone, dir / "empty"), 0);
  EXPECT_EQ(count(test::slurp(dir.string() + "/empty.stdout"), "start-up snapshot"), 0u);
  const size_t files = c.files().size();
  EXPECT_EQ(files, 0u);
  ASSERT_EQ(bootsim(env, "scenario '" + xml + "' --variant stock --variant embedded-sleep", dir / "fill"), 0);
  ASSERT_EQ(bootsim(env, lone, dir / "warm"), 0);
  EXPECT_EQ(count(test::slurp(dir.string() + "/warm.stdout"), "(snapshot cache) used"), 2u);  // both decompressions
  EXPECT_GE(expect_same_artifacts("lone", dir / "warm", dir / "empty"), 3u);
}

}  // namespace
}  // namespace bootsim::scenario
