// The sharding examples shipped in scenarios/ci/ (README.md, "Sharding over CI matrices and Kubernetes"):
// a GitHub Actions matrix workflow and a Kubernetes Indexed Job. Each is read with a real YAML parser
// (PyYAML, Debian python3-yaml), and every bootsim command line in it must use subcommands and options
// this bootsim has (asked from its own --help), and the shard numbering must hold together: N in
// `--shard K/N` is the matrix's size or the Job's completions, K runs 1..N (the matrix lists 1..N; the
// Job's 0-based JOB_COMPLETION_INDEX plus one), and the merge names all N shard folders.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "real_scenario_util.h"

namespace bootsim {
namespace {

namespace fs = std::filesystem;

const fs::path kCiDir = fs::path(BOOTSIM_SOURCE_DIR) / "scenarios" / "ci";

std::string capture(const std::string& cmd, int* rc) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = ::pclose(p);
  *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

/// Every YAML document of `file`, through PyYAML's safe loader, as JSON.
std::vector<nlohmann::json> load_yaml(const fs::path& file) {
  int rc = -1;
  std::string json = capture("python3 -c 'import json, sys, yaml; json.dump(list(yaml.safe_load_all(open(sys.argv[1]))), "
                             "sys.stdout, default=str)' " + file.string() + " 2>&1",
                             &rc);
  EXPECT_EQ(rc, 0) << "PyYAML could not read " << file << " (Debian python3-yaml, in .ci/setup): " << json;
  nlohmann::json docs = nlohmann::json::parse(json, nullptr, false);
  if (docs.is_discarded() || !docs.is_array()) {
    ADD_FAILURE() << file << ": not YAML documents: " << json;
    return {};
  }
  return docs.get<std::vector<nlohmann::json>>();
}

/// Every string in `j` that a shell runs: a step's `run`, a container's `command` and `args` (not the
/// names and comments around them), depth first.
void strings_in(const nlohmann::json& j, std::vector<std::string>& out, bool shell = false) {
  if (j.is_string() && shell) out.push_back(j.get<std::string>());
  else if (j.is_object())
    for (const auto& [key, x] : j.items()) strings_in(x, out, key == "run" || key == "command" || key == "args");
  else if (j.is_array())
    for (const auto& x : j) strings_in(x, out, shell);
}

/// Words of a shell command line: blanks split, quotes group (enough for the examples' commands).
std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> w;
  std::string cur;
  bool any = false;
  char quote = 0;
  for (char c : line) {
    if (quote) {
      if (c == quote) quote = 0;
      else cur += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      any = true;
    } else if (c == ' ' || c == '\t') {
      if (any || !cur.empty()) w.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += c;
    }
  }
  if (any || !cur.empty()) w.push_back(cur);
  return w;
}

struct Command {
  std::string sub;                 ///< scenario, sweep, merge, …
  std::vector<std::string> args;   ///< after the subcommand
};

/// The bootsim invocations in `text` (a `run:` block or a container's args): backslash-newline joined,
/// one command per line, the word ending in "bootsim" and what follows it.
std::vector<Command> bootsim_commands(std::string text) {
  text = std::regex_replace(text, std::regex("\\\\\n"), " ");
  std::vector<Command> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::vector<std::string> w = words(text.substr(start, end - start));
    for (size_t i = 0; i + 1 < w.size(); ++i)
      if (fs::path(w[i]).filename() == "bootsim") {
        Command c{w[i + 1], {}};
        for (size_t k = i + 2; k < w.size() && w[k] != ";" && w[k] != "&&" && w[k] != "||"; ++k) c.args.push_back(w[k]);
        out.push_back(c);
        break;
      }
    start = end + 1;
  }
  return out;
}

std::vector<Command> commands_in(const nlohmann::json& j) {
  std::vector<std::string> texts;
  strings_in(j, texts);
  std::vector<Command> all;
  for (const auto& t : texts)
    for (auto& c : bootsim_commands(t)) all.push_back(std::move(c));
  return all;
}

/// Each option the command line passes is one `bootsim SUB --help` lists, for a subcommand bootsim has.
void expect_known_options(const Command& c) {
  static const std::set<std::string> subcommands = {"run", "bench", "scenario", "sweep", "merge"};
  ASSERT_TRUE(subcommands.count(c.sub)) << "bootsim has no subcommand '" << c.sub << "'";
  int rc = -1;
  std::string help = capture(std::string(BOOTSIM_EXE) + " " + c.sub + " --help 2>&1", &rc);
  ASSERT_EQ(rc, 0) << help;
  for (const auto& a : c.args) {
    if (a.rfind("-", 0) != 0) continue;
    std::string opt = a.substr(0, a.find('='));
    EXPECT_TRUE(std::regex_search(help, std::regex("(^|[ ,])" + opt + "([ ,=\\n]|$)")))
        << "bootsim " << c.sub << " has no option " << opt << ":\n" << help;
  }
}

/// The value after `--shard`, or "" when the command has none.
std::string shard_of(const Command& c) {
  for (size_t i = 0; i + 1 < c.args.size(); ++i)
    if (c.args[i] == "--shard") return c.args[i + 1];
  return "";
}

/// The merge command's shard folders (its positional arguments), checked to end in shard-1..shard-N.
void expect_merges_all(const Command& merge, int n) {
  std::vector<std::string> dirs;
  for (size_t i = 0; i < merge.args.size(); ++i) {
    if (merge.args[i].rfind("--", 0) == 0) {
      ++i;  // its value
      continue;
    }
    dirs.push_back(merge.args[i]);
  }
  ASSERT_EQ(dirs.size(), static_cast<size_t>(n)) << "the merge must name every shard's folder";
  for (int k = 1; k <= n; ++k)
    EXPECT_EQ(fs::path(dirs[k - 1]).filename().string(), "shard-" + std::to_string(k));
}

TEST(shard_ci_examples, GithubActionsMatrixShardsTheSweepAndMergesEveryShard) {
  std::vector<nlohmann::json> docs = load_yaml(kCiDir / "github-actions-sweep.yml");
  ASSERT_EQ(docs.size(), 1u);
  const nlohmann::json& jobs = docs[0].at("jobs");
  const nlohmann::json& sweep = jobs.at("sweep");
  std::vector<int> matrix = sweep.at("strategy").at("matrix").at("shard").get<std::vector<int>>();
  ASSERT_FALSE(matrix.empty());
  const int n = static_cast<int>(matrix.size());
  for (int k = 1; k <= n; ++k) EXPECT_EQ(matrix[k - 1], k) << "the matrix lists K = 1..N";

  std::vector<Command> shard_runs = commands_in(sweep.at("steps"));
  ASSERT_EQ(shard_runs.size(), 1u);
  EXPECT_EQ(shard_runs[0].sub, "sweep");
  expect_known_options(shard_runs[0]);
  EXPECT_EQ(shard_of(shard_runs[0]), "${{matrix.shard}}/" + std::to_string(n)) << "K from the matrix, N its size";

  const nlohmann::json& merge_job = jobs.at("merge");
  EXPECT_EQ(merge_job.at("needs").get<std::string>(), "sweep");
  EXPECT_NE(merge_job.at("if").get<std::string>().find("!cancelled()"), std::string::npos)
      << "a shard whose cells fault exits 3; the merge must still run";
  std::vector<Command> merges = commands_in(merge_job.at("steps"));
  ASSERT_EQ(merges.size(), 1u);
  EXPECT_EQ(merges[0].sub, "merge");
  expect_known_options(merges[0]);
  expect_merges_all(merges[0], n);
}

TEST(shard_ci_examples, KubernetesIndexedJobUsesItsCompletionIndexPlusOneAsK) {
  std::vector<nlohmann::json> docs = load_yaml(kCiDir / "k8s-sweep-job.yaml");
  const nlohmann::json* indexed = nullptr;
  const nlohmann::json* merge_job = nullptr;
  for (const auto& d : docs) {
    if (d.value("kind", "") != "Job") continue;
    if (d.at("spec").value("completionMode", "") == "Indexed") indexed = &d;
    else merge_job = &d;
  }
  ASSERT_TRUE(indexed) << "no Indexed Job";
  ASSERT_TRUE(merge_job) << "no merge Job";
  const nlohmann::json& spec = indexed->at("spec");
  const int n = spec.at("completions").get<int>();
  EXPECT_GE(n, 1);
  EXPECT_LE(spec.at("parallelism").get<int>(), n);

  std::vector<Command> shard_runs = commands_in(spec.at("template"));
  ASSERT_EQ(shard_runs.size(), 1u);
  EXPECT_EQ(shard_runs[0].sub, "sweep");
  expect_known_options(shard_runs[0]);
  EXPECT_EQ(shard_of(shard_runs[0]), "$((JOB_COMPLETION_INDEX+1))/" + std::to_string(n))
      << "JOB_COMPLETION_INDEX is 0-based: K = index + 1, N = completions";

  std::vector<Command> merges = commands_in(merge_job->at("spec"));
  ASSERT_EQ(merges.size(), 1u);
  EXPECT_EQ(merges[0].sub, "merge");
  expect_known_options(merges[0]);
  expect_merges_all(merges[0], n);
}

TEST(shard_ci_examples, WordsGroupQuotesAndCommandsJoinContinuedLines) {
  EXPECT_EQ(words("a 'b c' \"d\" e"), (std::vector<std::string>{"a", "b c", "d", "e"}));
  std::vector<Command> c = bootsim_commands("x=1\nbuild/bootsim sweep f.xml \\\n  --shard 2/3 --out o\nls");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].sub, "sweep");
  EXPECT_EQ(shard_of(c[0]), "2/3");
}

}  // namespace
}  // namespace bootsim
