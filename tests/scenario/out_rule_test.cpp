// The --out rule (sim/cli/out_rule.h) with the real bootsim and iPXE: `sweep --out DIR` writes
// DIR/sweep-<scenario>/ as `scenario --out DIR` writes DIR/<scenario>/; a sweep run again into the same
// root replaces the cells the first one wrote and removes nothing it did not write (stale_outputs.h);
// the overrides applied (--set, a cell's values) are listed in the printout, report.json and report.html.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "real_scenario_util.h"

namespace bootsim::scenario {
namespace {

namespace fs = std::filesystem;

using test::fresh_dir;
using test::slurp;

int bootsim(const std::string& args, std::string* out, std::string* err = nullptr) {
  return test::run_bootsim("out_rule_test", args, out, err);
}

std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

const std::string kScenario = std::string(BOOTSIM_SOURCE_DIR) + "/scenarios/broadcom_timeout.xml";

TEST(out_rule, SweepAgainIntoTheSameRootKeepsOnlyTheNewCells) {
  fs::path root = fresh_dir("out_rule", "rerun");
  fs::path sweep = root / "sweep-broadcom_timeout";
  // What the user keeps there, which bootsim never wrote, must survive both runs.
  fs::create_directories(root);
  std::ofstream(root / "notes.txt") << "mine\n";
  std::string out, err;
  const std::string base = "sweep " + kScenario + " --variant stock -j 2 -q --out " + root.string() + " --vary ";
  ASSERT_EQ(bootsim(base + "'machine[r640-01]/nic/@autoneg=2s,4s,12s,16s'", &out, &err), 0) << out << err;
  EXPECT_EQ(entries(sweep / "cells"), (std::set<std::string>{"autoneg=2s", "autoneg=4s", "autoneg=12s", "autoneg=16s"}));
  fs::create_directories(sweep / "cells" / "mine");
  std::ofstream(sweep / "cells" / "mine" / "keep.txt") << "mine\n";

  ASSERT_EQ(bootsim(base + "'machine[r640-01]/nic/@autoneg=4s,14s'", &out, &err), 0) << out << err;
  EXPECT_EQ(entries(sweep / "cells"), (std::set<std::string>{"autoneg=4s", "autoneg=14s", "mine"}))
      << "the first sweep's other cells are gone; a folder bootsim did not list stays";
  nlohmann::json table = nlohmann::json::parse(slurp(sweep / "sweep.json"));
  ASSERT_EQ(table["cells"].size(), 2u);
  EXPECT_EQ(table["cells"][0]["values"][0], "4s");
  EXPECT_EQ(table["cells"][1]["values"][0], "14s");
  std::string heat = slurp(sweep / "sweep.html");
  EXPECT_NE(heat.find("autoneg=14s/report.html"), std::string::npos);
  for (const char* stale : {"autoneg=2s/", "autoneg=12s/", "autoneg=16s/"})
    EXPECT_EQ(heat.find(stale), std::string::npos) << stale << " is still in the heat map";
  EXPECT_TRUE(fs::exists(root / "notes.txt"));
  EXPECT_TRUE(fs::exists(sweep / "cells" / "mine" / "keep.txt"));
  EXPECT_FALSE(fs::exists(root / "sweep.json")) << "a sweep writes into DIR/sweep-<scenario>/, not DIR";
}

TEST(out_rule, AListingThatPointsOutOfTheSweepFolderRemovesNothing) {
  fs::path root = fresh_dir("out_rule", "hostile");
  fs::path sweep = root / "sweep-broadcom_timeout";
  fs::create_directories(sweep / "cells");
  fs::create_directories(root / "victim");
  std::ofstream(root / "victim" / "report.html") << "keep\n";
  fs::create_directories(root / "outside");
  fs::create_directory_symlink(root / "outside", sweep / "cells" / "link");
  std::ofstream(root / "outside" / "keep.txt") << "keep\n";
  // A sweep.json bootsim did not write, naming folders outside the sweep's own cells/.
  std::ofstream(sweep / "sweep.json") << R"({"variants": ["../../victim/x"], "cells": [
      {"report": "../victim/report.html"}, {"report": "cells/../../victim/report.html"},
      {"report": "/tmp/report.html"}, {"report": "cells/link/report.html"}]})";
  std::string out, err;
  ASSERT_EQ(bootsim("sweep " + kScenario + " --variant stock -j 2 -q --out " + root.string() +
                        " --vary 'machine[r640-01]/nic/@autoneg=4s'",
                    &out, &err),
            0)
      << out << err;
  EXPECT_TRUE(fs::exists(root / "victim" / "report.html"));
  EXPECT_TRUE(fs::exists(root / "outside" / "keep.txt"));
  EXPECT_TRUE(fs::is_symlink(sweep / "cells" / "link"));
}

TEST(out_rule, SetOverridesAreListedInThePrintoutReportJsonAndHtml) {
  fs::path root = fresh_dir("out_rule", "set");
  std::string out, err;
  int rc = bootsim("scenario broadcom_timeout --variant stock -j 1 -q --set @seed=5 "
                   "--set 'machine[r640-01]/nic/@autoneg=12s' --out " + root.string(),
                   &out, &err);
  ASSERT_EQ(rc, 0) << out << err;
  EXPECT_NE(out.find("\n  overrides: @seed=5, machine[r640-01]/nic/@autoneg=12s\n"), std::string::npos) << out;
  nlohmann::json report = nlohmann::json::parse(slurp(root / "broadcom_timeout" / "report.json"));
  EXPECT_EQ(report["overrides"], nlohmann::json::parse(R"([{"path": "@seed", "value": "5"},
                                                           {"path": "machine[r640-01]/nic/@autoneg", "value": "12s"}])"));
  EXPECT_EQ(report["seed"], 5);
  std::string html = slurp(root / "broadcom_timeout" / "report.html");
  EXPECT_NE(html.find("Overrides applied: @seed=5, machine[r640-01]/nic/@autoneg=12s"), std::string::npos);

  // Without --set: no line, and an empty list.
  ASSERT_EQ(bootsim("scenario broadcom_timeout --variant stock -j 1 -q --out " + root.string(), &out, &err), 0) << err;
  EXPECT_EQ(out.find("overrides"), std::string::npos) << out;
  report = nlohmann::json::parse(slurp(root / "broadcom_timeout" / "report.json"));
  EXPECT_EQ(report["overrides"], nlohmann::json::array());
  EXPECT_EQ(slurp(root / "broadcom_timeout" / "report.html").find("Overrides applied"), std::string::npos);
}

TEST(out_rule, EachSweepCellListsItsOwnValuesAndTheSweepsSet) {
  fs::path root = fresh_dir("out_rule", "cells");
  std::string out, err;
  ASSERT_EQ(bootsim("sweep " + kScenario + " --variant stock -j 2 -q --set @seed=3 --out " + root.string() +
                        " --vary 'machine[r640-01]/nic/@autoneg=4s,14s'",
                    &out, &err),
            0)
      << out << err;
  EXPECT_NE(out.find("\n  overrides: @seed=3\n  overrides per cell: machine[r640-01]/nic/@autoneg=4s,14s\n"), std::string::npos) << out;
  for (const char* value : {"4s", "14s"}) {
    fs::path cell = root / "sweep-broadcom_timeout" / "cells" / (std::string("autoneg=") + value);
    nlohmann::json report = nlohmann::json::parse(slurp(cell / "report.json"));
    ASSERT_EQ(report["overrides"].size(), 2u) << report["overrides"].dump();
    EXPECT_EQ(report["overrides"][0]["path"], "@seed");
    EXPECT_EQ(report["overrides"][1]["path"], "machine[r640-01]/nic/@autoneg");
    EXPECT_EQ(report["overrides"][1]["value"], value);
    EXPECT_NE(slurp(cell / "report.html").find(std::string("machine[r640-01]/nic/@autoneg=") + value), std::string::npos);
  }
}

TEST(out_rule, RomWithoutTftpRootIsAUsageError) {
  std::string out, err;
  EXPECT_EQ(bootsim("run --rom --until 5s", &out, &err), 2);
  EXPECT_NE(err.find("--rom needs --tftp-root"), std::string::npos) << err;
}

}  // namespace
}  // namespace bootsim::scenario
