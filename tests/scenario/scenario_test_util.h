// Helpers for the scenario loader tests: a scratch directory with the files scenarios refer to, and
// loading from text with located failures (EXPECT_REJECTED).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "scratch_root.h"
#include "sim/scenario/loader.h"

// Given the scenario text, when it is loaded (in a ScenarioDir test), then it fails with `code` at
// `line`:`col` on `path`, and the description contains `gist`. A macro so that failures point at the test's
// own line.
#define EXPECT_REJECTED(xml, code_, line, col, path, gist)                                            \
  do {                                                                                               \
    ScenarioError e_ = error(xml);                                                                   \
    EXPECT_EQ(to_string(e_.code()), std::string(to_string(code_))) << e_.what();                    \
    EXPECT_EQ(std::string(e_.what()).substr(0, at(line, col, path).size()), at(line, col, path)) \
        << e_.what();                                                                                \
    EXPECT_NE(e_.description().find(gist), std::string::npos) << e_.what();                          \
  } while (0)

namespace bootsim::scenario::test {

class ScenarioDir : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = bootsim::test::scratch_root() / "bootsim-scenario" /
           (std::string(info->test_suite_name()) + "." + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "payloads");
    std::filesystem::create_directories(dir_ / "ipxe");
    std::filesystem::create_directories(dir_ / "tftp");
    std::filesystem::create_directories(dir_ / "http");
    touch("payloads/mboot.c32");
    touch("ipxe/undionly.kpxe");
    touch("tftp/undionly.kpxe");
    touch("http/boot.ipxe");
    touch("nbp.bin");
  }

  void touch(const std::string& rel) { std::ofstream(dir_ / rel) << "x"; }

  /// Writes `xml` to DIR/t.xml and returns that path.
  std::string write(const std::string& xml, const std::string& name = "t.xml") {
    std::ofstream(dir_ / name) << xml;
    return (dir_ / name).string();
  }

  LoadOptions options() const {
    LoadOptions o;
    o.payload_dirs = {(dir_ / "payloads").string()};
    o.ipxe_dir = (dir_ / "ipxe").string();
    o.getenv = [env = env_](const std::string& k) -> std::optional<std::string> {
      auto it = env.find(k);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    return o;
  }

  Scenario load(const std::string& xml, LoadOptions o) { return load_scenario(write(xml), o); }
  Scenario load(const std::string& xml) { return load(xml, options()); }

  /// Loads `xml`, expecting a ScenarioError; returns it (fails the test if none is thrown).
  ScenarioError error(const std::string& xml, LoadOptions o) {
    std::string path = write(xml);
    try {
      load_scenario(path, o);
    } catch (const ScenarioError& e) {
      return e;
    }
    ADD_FAILURE() << "no ScenarioError for:\n" << xml;
    return ScenarioError(ScenarioErrc::kBadValue, {}, "none");
  }
  ScenarioError error(const std::string& xml) { return error(xml, options()); }

  /// "t.xml:L:C: PATH" as the message starts, with the scratch directory as the file's directory.
  std::string at(int line, int col, const std::string& path) const {
    return (dir_ / "t.xml").string() + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + path;
  }

  std::filesystem::path dir_;
  std::map<std::string, std::string> env_;
};

}  // namespace bootsim::scenario::test
