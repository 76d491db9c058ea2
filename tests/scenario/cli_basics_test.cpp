// The first things a new user types (README "Commands"): `bootsim --version`, `bootsim list`,
// `bootsim check`, `bootsim scenario NAME --variant V`, and colour. Each test runs the real bootsim
// binary; the one that boots runs the real undionly.kpxe.
#include <sys/wait.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "real_scenario_util.h"

namespace bootsim::test {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code;
  std::string out, err;
};

/// Runs `ENV bootsim ARGS` in `cwd`, stdout and stderr to files under `dir` named after `tag`.
Outcome bootsim(const fs::path& dir, const std::string& tag, const std::string& args, const fs::path& cwd = {},
                const std::string& env = "") {
  fs::path out = dir / (tag + ".stdout"), err = dir / (tag + ".stderr");
  std::string cmd = (cwd.empty() ? "" : "cd '" + cwd.string() + "' && ") + "env -u NO_COLOR -u CLICOLOR_FORCE " + env +
                    " " + BOOTSIM_EXE + " " + args + " > " + out.string() + " 2> " + err.string();
  int st = std::system(cmd.c_str());
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(out), slurp(err)};
}

std::string sha256_of(const fs::path& dir, const std::string& file) {
  fs::path out = dir / "sha.out";
  int st = std::system(("sha256sum '" + file + "' > " + out.string()).c_str());
  EXPECT_EQ(st, 0);
  std::string text = slurp(out);
  return text.substr(0, text.find(' '));
}

TEST(cli_basics, VersionNamesBootsimUnicornLibslirpAndTheDefaultIpxeWithItsSha256) {
  fs::path dir = fresh_dir("cli-basics", "version");
  Outcome o = bootsim(dir, "version", "--version");
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_TRUE(std::regex_search(o.out, std::regex(R"(^bootsim \S+)"))) << o.out;
  EXPECT_NE(o.out.find("Unicorn 2.0."), std::string::npos) << o.out;
  EXPECT_TRUE(std::regex_search(o.out, std::regex(R"(\nlibslirp [0-9]+\.[0-9]+\.[0-9]+)"))) << o.out;
  const std::string ipxe = std::string(BOOTSIM_IPXE_DIR) + "/undionly.kpxe";
  const std::string sha = sha256_of(dir, ipxe);
  ASSERT_EQ(sha.size(), 64u);
  EXPECT_NE(o.out.find("default iPXE: " + ipxe + " sha256 " + sha), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("\n\n"), std::string::npos) << "no blank line at the end";
}

TEST(cli_basics, ListShowsEveryShippedScenarioWithItsVariantsAndThoseOfTheCurrentDirectory) {
  fs::path dir = fresh_dir("cli-basics", "list");
  fs::path cwd = dir / "here";
  fs::create_directories(cwd);
  fs::copy_file(fs::path(BOOTSIM_SOURCE_DIR) / "scenarios/intel_no_workaround.xml", cwd / "mine.xml");
  fs::create_directory_symlink(fs::path(BOOTSIM_SOURCE_DIR) / "scenarios/files", cwd / "files");  // its roots
  std::ofstream(cwd / "junit.xml") << "<testsuites/>\n";  // XML, but not a scenario: not listed
  Outcome o = bootsim(dir, "list", "list --format json", cwd);
  ASSERT_EQ(o.exit_code, 0) << o.err;
  nlohmann::json j = nlohmann::json::parse(o.out);

  std::set<std::string> shipped_files, listed;
  for (const auto& e : fs::directory_iterator(fs::path(BOOTSIM_SOURCE_DIR) / "scenarios"))
    if (e.path().extension() == ".xml") shipped_files.insert(e.path().stem().string());
  ASSERT_FALSE(shipped_files.empty());
  ASSERT_FALSE(j["shipped"].empty());
  for (const auto& s : j["shipped"]) {
    EXPECT_FALSE(s.contains("error")) << s.dump();
    EXPECT_FALSE(s["description"].get<std::string>().empty()) << s.dump();
    listed.insert(fs::path(s["file"].get<std::string>()).stem().string());
    if (s["name"] == "broadcom_timeout") {
      std::set<std::string> variants;
      for (const auto& v : s["variants"]) variants.insert(v["name"].get<std::string>());
      EXPECT_EQ(variants, (std::set<std::string>{"stock", "embedded-sleep", "shell", "custom-image"}));
    }
  }
  EXPECT_EQ(listed, shipped_files);
  ASSERT_EQ(j["current_directory"].size(), 1u) << o.out;
  EXPECT_EQ(j["current_directory"][0]["name"], "intel_no_workaround");

  Outcome text = bootsim(dir, "list-text", "list", cwd);
  ASSERT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("      variants: stock, embedded-sleep, shell, custom-image"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("current directory ("), std::string::npos) << text.out;
}

TEST(cli_basics, CheckAcceptsShippedFilesAndLocatesEachErrorForEditors) {
  fs::path dir = fresh_dir("cli-basics", "check");
  Outcome ok = bootsim(dir, "ok", "check broadcom_timeout fleet_broadcom.xml");
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("broadcom_timeout: ok: scenario broadcom_timeout, 4 variants"), std::string::npos) << ok.out;

  std::string xml = slurp(fs::path(BOOTSIM_SOURCE_DIR) / "scenarios/intel_no_workaround.xml");
  size_t at = xml.find("<nic profile=\"intel-like\"");
  ASSERT_NE(at, std::string::npos);
  xml.replace(at, 4, "<nic autoneg=\"fast\"");
  std::ofstream(dir / "bad.xml") << xml;
  fs::create_directory_symlink(fs::path(BOOTSIM_SOURCE_DIR) / "scenarios/files", dir / "files");  // its roots
  const int line = 1 + static_cast<int>(std::count(xml.begin(), xml.begin() + static_cast<long>(at), '\n'));

  Outcome bad = bootsim(dir, "bad", "check --format json " + (dir / "bad.xml").string() + " nonexistent.xml");
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  nlohmann::json j = nlohmann::json::parse(bad.out);
  ASSERT_EQ(j["diagnostics"].size(), 2u) << bad.out;
  const auto& d = j["diagnostics"][0];
  EXPECT_EQ(d["file"], (dir / "bad.xml").string());
  EXPECT_EQ(d["line"], line);
  EXPECT_GT(d["column"].get<int>(), 0);
  EXPECT_EQ(d["path"], "/scenario/machine[1]/nic/@autoneg") << d.dump();
  EXPECT_NE(d["message"].get<std::string>().find("fast"), std::string::npos) << d.dump();
  EXPECT_EQ(j["diagnostics"][1]["file"], "nonexistent.xml");
  EXPECT_EQ(j["files"][0]["ok"], false);

  Outcome bad_text = bootsim(dir, "bad-text", "check " + (dir / "bad.xml").string());
  EXPECT_EQ(bad_text.exit_code, 2);
  EXPECT_NE(bad_text.out.find((dir / "bad.xml").string() + ":" + std::to_string(line) + ":"), std::string::npos) << bad_text.out;
}

TEST(cli_basics, ScenarioVariantRunsOnlyTheNamedVariantOfABareNameAndColourPaintsItsVerdicts) {
  fs::path dir = fresh_dir("cli-basics", "variant");
  // A bare name without ".xml", from a directory that is not scenarios/: found among the shipped ones.
  Outcome o = bootsim(dir, "stock", "scenario broadcom_timeout --variant stock --color=always -j 1 --out " + (dir / "a").string(), dir);
  ASSERT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("[stock] "), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("[shell]"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("[embedded-sleep]"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\x1b["), std::string::npos) << "--color=always paints the verdicts";
  nlohmann::json report = nlohmann::json::parse(slurp(dir / "a/broadcom_timeout/report.json"));
  ASSERT_EQ(report["variants"].size(), 1u);
  EXPECT_EQ(report["variants"][0]["variant"], "stock");

  Outcome unknown = bootsim(dir, "unknown", "scenario broadcom_timeout.xml --variant nosuch --out " + (dir / "b").string(), dir);
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--variant nosuch: no such variant (the file has: stock, embedded-sleep, shell, custom-image)"),
            std::string::npos)
      << unknown.err;
  EXPECT_EQ(unknown.err.find("\x1b["), std::string::npos) << "not a terminal: no colour by default";
}

TEST(cli_basics, AFolderGivenAsTheScenarioIsNamedAsOneWithTheWayToRunItsFiles) {
  fs::path dir = fresh_dir("cli-basics", "folder");
  fs::create_directories(dir / "mine");
  for (const std::string& arg : {std::string("mine"), (dir / "mine").string()}) {
    Outcome o = bootsim(dir, "folder", "scenario " + arg + " --out " + (dir / "out").string(), dir);
    EXPECT_EQ(o.exit_code, 2) << o.err;
    EXPECT_NE(o.err.find(arg + ": is a folder, not a scenario file (its files: " +
                         (fs::path(arg) / "*.xml").string() + ")"),
              std::string::npos)
        << o.err;
  }
  Outcome missing = bootsim(dir, "missing", "scenario nosuch --out " + (dir / "out").string(), dir);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nosuch: no such scenario file here or among the shipped scenarios"), std::string::npos)
      << missing.err;
}

TEST(cli_basics, ColourFollowsTheFlagThenNoColorThenClicolorForce) {
  fs::path dir = fresh_dir("cli-basics", "colour");
  auto coloured = [&](const std::string& tag, const std::string& flag, const std::string& env) {
    Outcome o = bootsim(dir, tag, "check nonexistent.xml " + flag, {}, env);
    EXPECT_EQ(o.exit_code, 2) << tag;
    EXPECT_NE(o.out.find("nonexistent.xml"), std::string::npos) << tag << ": " << o.out;
    return o.out.find("\x1b[") != std::string::npos || o.err.find("\x1b[") != std::string::npos;
  };
  // `check` reports through stdout; a command-line error goes to stderr with "bootsim: error:".
  Outcome e = bootsim(dir, "err", "scenario nonexistent.xml --color=always");
  EXPECT_EQ(e.exit_code, 2);
  EXPECT_NE(e.err.find("\x1b["), std::string::npos) << e.err;
  EXPECT_NE(e.err.find("error:"), std::string::npos) << e.err;
  EXPECT_FALSE(coloured("plain", "", ""));
  EXPECT_TRUE(coloured("forced", "", "CLICOLOR_FORCE=1"));
  EXPECT_FALSE(coloured("force-zero", "", "CLICOLOR_FORCE=0"));
  EXPECT_FALSE(coloured("no-color-wins", "", "NO_COLOR=1 CLICOLOR_FORCE=1"));
  EXPECT_TRUE(coloured("flag-wins", "--color=always", "NO_COLOR=1"));
  EXPECT_FALSE(coloured("never", "--color=never", "CLICOLOR_FORCE=1"));
}

}  // namespace
}  // namespace bootsim::test
