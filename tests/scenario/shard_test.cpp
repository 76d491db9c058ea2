// `--shard K/N` and `bootsim merge` (sim/scenario/shard.h): which jobs a shard runs (pure), bad K/N as a
// usage error, and with the real iPXE: a 6-cell sweep and broadcom_timeout.xml, each run once unsharded
// and once as 3 shards merged, give the same files byte for byte and the same exit code; the printout
// is the same apart from what depends on how the run was split and timed. Merges of shards that do not
// make one run are refused with exit 5, naming the file.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "real_scenario_util.h"
#include "sim/scenario/shard.h"

namespace bootsim::scenario {
namespace {

namespace fs = std::filesystem;

using test::fresh_dir;
using test::slurp;

int bootsim(const std::string& args, std::string* out, std::string* err = nullptr) {
  return test::run_bootsim("shard_test", args, out, err);
}

// ---------------------------------------------------------------------------------------------------
// Selection

TEST(shard, ParseShardTakesKOfNAndRejectsTheRest) {
  Shard s = parse_shard("2/3");
  EXPECT_EQ(s.k, 2);
  EXPECT_EQ(s.n, 3);
  EXPECT_EQ(parse_shard("1/1").n, 1);
  for (const char* bad : {"0/3", "4/3", "3", "/3", "2/", "a/3", "-1/3", "1/0", "1/-2", "1.5/3", " 1/3", "1/1000000"})
    EXPECT_THROW(parse_shard(bad), InputError) << bad;
  try {
    parse_shard("4/3");
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--shard '4/3'"), std::string::npos) << e.what();
  }
}

TEST(shard, ShardsAreContiguousBlocksCoveringEveryJobOnce) {
  for (size_t jobs = 0; jobs <= 25; ++jobs)
    for (int n = 1; n <= 8; ++n) {
      size_t next = 0, smallest = jobs, largest = 0;
      for (int k = 1; k <= n; ++k) {
        auto [first, last] = shard_range(jobs, {k, n});
        EXPECT_EQ(first, next) << k << "/" << n << " of " << jobs;
        EXPECT_LE(first, last);
        smallest = std::min(smallest, last - first);
        largest = std::max(largest, last - first);
        next = last;
      }
      EXPECT_EQ(next, jobs) << "every job in a shard, " << n << " shards of " << jobs;
      EXPECT_LE(largest - smallest, 1u) << "balanced: " << n << " shards of " << jobs;
    }
}

TEST(shard, DigestTellsListsApartThatConcatenateAlike) {
  EXPECT_NE(digest_of({"ab", "c"}), digest_of({"a", "bc"}));
  EXPECT_EQ(digest_of({"a", "bc"}), digest_of({"a", "bc"}));
  EXPECT_EQ(digest_of({}).size(), 16u);
}

TEST(shard, BadShardIsAUsageErrorExitTwo) {
  std::string file = std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml", out, err;
  fs::path dir = fresh_dir("shard", "bad");
  for (const char* bad : {"0/3", "4/3", "x", "1/0"}) {
    EXPECT_EQ(bootsim("scenario " + file + " --shard " + bad + " --out " + dir.string(), &out, &err), 2) << bad;
    EXPECT_NE(err.find("--shard '" + std::string(bad) + "'"), std::string::npos) << err;
    EXPECT_EQ(bootsim("sweep " + file + " --vary 'param[sleep]/@value=1' --shard " + bad + " --out " + dir.string(), &out, &err), 2)
        << bad;
    EXPECT_NE(err.find("--shard '" + std::string(bad) + "'"), std::string::npos) << err;
  }
  EXPECT_EQ(bootsim("scenario " + file + " " + file + " --shard 1/2 --out " + dir.string(), &out, &err), 2);
  EXPECT_NE(err.find("one scenario file"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(dir / "shard.json")) << "nothing ran";
}

// ---------------------------------------------------------------------------------------------------
// Sharded runs merged equal one run

/// Every file under `dir` (relative paths) but the lock, which names the process that held it.
std::map<std::string, std::string> files_under(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && e.path().filename() != ".bootsim.lock")
      files[fs::relative(e.path(), dir).string()] = slurp(e.path());
  return files;
}

/// The printout of a run into `dir` with what may differ between an unsharded run and a merge masked:
/// the output folder, wall time ("in 1.07 s wall") and the shared-boot note (which variants share a boot
/// depends on which shard they ran in; the artifacts are the same either way), and the merge's own
/// last line.
std::string masked(std::string out, const fs::path& dir) {
  for (size_t at; (at = out.find(dir.string())) != std::string::npos;) out.replace(at, dir.string().size(), "<out>");
  out = std::regex_replace(out, std::regex("in [0-9.]+ s wall"), "in <wall> s wall");
  out = std::regex_replace(out, std::regex(" \\(boot shared with [^)]*\\)"), "");
  out = std::regex_replace(out, std::regex("merged [0-9]+ shards\n"), "");
  return out;
}

/// Expects the unsharded run's folder and the merged folder to hold the same files with the same bytes.
void expect_same_files(const fs::path& unsharded, const fs::path& merged) {
  std::map<std::string, std::string> a = files_under(unsharded), b = files_under(merged);
  std::vector<std::string> names_a, names_b;
  for (const auto& [n, _] : a) names_a.push_back(n);
  for (const auto& [n, _] : b) names_b.push_back(n);
  ASSERT_EQ(names_a, names_b);
  for (const auto& [name, bytes] : a) EXPECT_TRUE(bytes == b[name]) << name << " differs between the unsharded run and the merge";
}

TEST(shard, SixCellSweepInThreeShardsMergesToTheUnshardedSweep) {
  const std::string sweep = "sweep " + std::string(BOOTSIM_SOURCE_DIR) +
                            "/scenarios/broadcom_timeout.xml --variant stock --vary 'machine[r640-01]/nic/@autoneg=4s..9s/1s' -j 2";
  fs::path root = fresh_dir("shard", "sweep");
  std::string one_out, out, err;
  int one_rc = bootsim(sweep + " --out " + (root / "one").string(), &one_out, &err);
  ASSERT_EQ(one_rc, 0) << one_out << err;
  // Not vacuous: six cells, both outcomes, every cell's trace and report written.
  // The --out rule: a sweep writes DIR/sweep-<scenario>/ (sim/cli/out_rule.h).
  nlohmann::json table = nlohmann::json::parse(slurp(root / "one" / "sweep-broadcom_timeout" / "sweep.json"));
  ASSERT_EQ(table["cells"].size(), 6u);
  std::set<std::string> outcomes;
  for (const auto& c : table["cells"]) {
    outcomes.insert(c["outcome"].get<std::string>());
    fs::path cell = root / "one" / "sweep-broadcom_timeout" / fs::path(c["report"].get<std::string>()).parent_path();
    EXPECT_GT(fs::file_size(cell / "stock.trace.jsonl"), 1000u) << cell;
    EXPECT_GT(fs::file_size(cell / "report.html"), 1000u) << cell;
  }
  EXPECT_EQ(outcomes, (std::set<std::string>{"pass", "fail"})) << "autoneg 4s..9s spans stock iPXE's boundary";

  for (int k = 1; k <= 3; ++k) {
    fs::path dir = root / ("shard-" + std::to_string(k));
    ASSERT_EQ(bootsim(sweep + " --shard " + std::to_string(k) + "/3 --out " + dir.string(), &out, &err), 0) << out << err;
    nlohmann::json m = nlohmann::json::parse(slurp(dir / "shard.json"));
    EXPECT_EQ(m["body"]["cells"].size(), 2u) << "6 cells in 3 shards";
    EXPECT_EQ(m["jobs"].size(), 6u) << "every shard knows the whole job list";
    EXPECT_FALSE(fs::exists(dir / "sweep-broadcom_timeout" / "sweep.json")) << "a shard leaves the table to the merge";
  }
  // A missing shard is refused, naming it, and writes nothing.
  EXPECT_EQ(bootsim("merge " + (root / "shard-1").string() + " " + (root / "shard-3").string() + " --out " + (root / "partial").string(),
                    &out, &err),
            kExitMergeRefused);
  EXPECT_NE(err.find("shard 2/3 missing"), std::string::npos) << err;
  EXPECT_FALSE(fs::exists(root / "partial" / "sweep-broadcom_timeout" / "sweep.json"));

  fs::path merged = root / "merged";
  int rc = bootsim("merge " + (root / "shard-3").string() + " " + (root / "shard-1").string() + " " + (root / "shard-2").string() +
                       " --out " + merged.string(),
                   &out, &err);
  EXPECT_EQ(rc, one_rc) << out << err;
  expect_same_files(root / "one", merged);
  EXPECT_EQ(masked(out, merged), masked(one_out, root / "one"));
}

TEST(shard, BroadcomTimeoutInThreeShardsMergesToTheUnshardedRun) {
  const std::string scenario = "scenario " + std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml -j 2";
  fs::path root = fresh_dir("shard", "scenario");
  std::string one_out, out, err;
  int one_rc = bootsim(scenario + " --out " + (root / "one").string() + " --junit " + (root / "one.junit.xml").string(), &one_out, &err);
  ASSERT_EQ(one_rc, 0) << one_out << err;
  nlohmann::json report = nlohmann::json::parse(slurp(root / "one" / "broadcom_timeout" / "report.json"));
  ASSERT_GE(report["variants"].size(), 3u) << one_out << err;
  for (const auto& v : report["variants"]) EXPECT_FALSE(v["verdicts"].empty()) << v["variant"];
  EXPECT_GT(fs::file_size(root / "one" / "broadcom_timeout" / "shell.trace.jsonl"), 1000u);

  for (int k = 1; k <= 3; ++k) {
    fs::path dir = root / ("shard-" + std::to_string(k));
    EXPECT_EQ(bootsim(scenario + " --shard " + std::to_string(k) + "/3 --out " + dir.string(), &out, &err), 0)
        << out << err;
    EXPECT_TRUE(fs::exists(dir / "shard.json"));
  }
  fs::path merged = root / "merged";
  int rc = bootsim("merge " + (root / "shard-1").string() + " " + (root / "shard-2").string() + " " + (root / "shard-3").string() +
                       " --out " + merged.string() + " --junit " + (root / "merged.junit.xml").string(),
                   &out, &err);
  EXPECT_EQ(rc, one_rc) << out << err;
  expect_same_files(root / "one", merged);
  EXPECT_EQ(slurp(root / "merged.junit.xml"), slurp(root / "one.junit.xml"));
  EXPECT_EQ(masked(out, merged), masked(one_out, root / "one"));
}

TEST(shard, FleetInTwoShardsMergesToTheUnshardedRunNicProfilesIncluded) {
  // A fleet's report has a machine table with each machine's NIC profile, which the results alone do not
  // hold: the merge must have it from the shards' manifests, or its report.html differs.
  const std::string scenario = "scenario " + std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/fleet_broadcom.xml -j 2";
  fs::path root = fresh_dir("shard", "fleet");
  std::string one_out, out, err;
  int one_rc = bootsim(scenario + " --out " + (root / "one").string(), &one_out, &err);
  ASSERT_EQ(one_rc, 0) << one_out << err;
  const std::string html = slurp(root / "one" / "fleet_broadcom" / "report.html");
  ASSERT_NE(html.find(">broadcom-like</td>"), std::string::npos) << "the machine table names the NIC profiles";
  for (int k = 1; k <= 2; ++k)
    ASSERT_EQ(bootsim(scenario + " --shard " + std::to_string(k) + "/2 --out " + (root / ("shard-" + std::to_string(k))).string(),
                      &out, &err),
              0)
        << out << err;
  fs::path merged = root / "merged";
  int rc = bootsim("merge " + (root / "shard-1").string() + " " + (root / "shard-2").string() + " --out " + merged.string(), &out, &err);
  EXPECT_EQ(rc, one_rc) << out << err;
  expect_same_files(root / "one", merged);
  EXPECT_EQ(masked(out, merged), masked(one_out, root / "one"));
}

// ---------------------------------------------------------------------------------------------------
// Refusals

TEST(shard, MergeRefusesShardsThatDoNotMakeOneRunWithExitFiveNamingTheFile) {
  // One cell in three shards: shards 1 and 2 are empty, so these runs boot nothing.
  const std::string sweep = "sweep " + std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml --variant stock -j 1";
  fs::path root = fresh_dir("shard", "refusals");
  std::string out, err;
  auto shard = [&](const std::string& vary, int k, const std::string& name) {
    fs::path dir = root / name;
    EXPECT_EQ(bootsim(sweep + " --vary '" + vary + "' --shard " + std::to_string(k) + "/3 --out " + dir.string(), &out, &err), 0)
        << out << err;
    return dir.string();
  };
  const std::string grid = "machine[r640-01]/nic/@autoneg=7s";
  std::string s1 = shard(grid, 1, "s1"), s2 = shard(grid, 2, "s2"), other = shard("machine[r640-01]/nic/@autoneg=8s", 2, "other");
  auto refused = [&](const std::string& dirs, const std::string& gist) {
    EXPECT_EQ(bootsim("merge " + dirs + " --out " + (root / "merged").string(), &out, &err), kExitMergeRefused) << dirs;
    EXPECT_NE(err.find(gist), std::string::npos) << err;
  };
  refused(s1 + " " + s2, "shard 3/3 missing");
  refused(s1 + " " + s2 + " " + s1, s1 + "/shard.json: shard 1/3 given twice");
  refused(s1 + " " + other, other + "/shard.json: from other inputs");
  fs::path empty = fresh_dir("shard", "refusals-empty");
  refused(s1 + " " + empty.string(), (empty / "shard.json").string() + ": missing");
  // A shard that a signal stopped says so in its manifest.
  fs::copy(s2, root / "s2-cut", fs::copy_options::recursive);
  nlohmann::json m = nlohmann::json::parse(slurp(root / "s2-cut" / "shard.json"));
  m["complete"] = false;
  std::ofstream(root / "s2-cut" / "shard.json") << m.dump();
  refused(s1 + " " + (root / "s2-cut").string(), "shard 2/3 did not finish");
  // A manifest whose scenario header was damaged: the message names that manifest.
  std::string s3 = shard(grid, 3, "s3");
  fs::copy(s1, root / "s1-bad-header", fs::copy_options::recursive);
  nlohmann::json h = nlohmann::json::parse(slurp(root / "s1-bad-header" / "shard.json"));
  ASSERT_TRUE(h["body"]["scenario"].is_object()) << h.dump();
  h["body"]["scenario"]["seed"] = "not a number";
  std::ofstream(root / "s1-bad-header" / "shard.json") << h.dump();
  refused((root / "s1-bad-header").string() + " " + s2 + " " + s3,
          (root / "s1-bad-header" / "shard.json").string() + ": malformed shard manifest (scenario header");
  EXPECT_FALSE(fs::exists(root / "merged" / "sweep-broadcom_timeout" / "sweep.json"));
}

}  // namespace
}  // namespace bootsim::scenario
