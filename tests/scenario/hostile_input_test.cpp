// Issue 9 ("Hardening"), items 1, 4 and 7: a scenario or a command line from anywhere cannot make bootsim
// write outside its output folder, and every mistake in it is found before anything runs, as exit 2 with
// the file:line:column (or the option) that holds it. One test per case; the CLI tests run the real
// bootsim binary.
#include <sys/stat.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "real_scenario_util.h"
#include "scenario_test_util.h"
#include "sim/core/host_paths.h"
#include "sim/scenario/loader.h"

namespace bootsim::scenario::test {
namespace {

namespace fs = std::filesystem;

class hostile_input : public ScenarioDir {};

// --- Names that become paths ----------------------------------------------------------------------

TEST(host_paths, RelativePathProblems) {
  EXPECT_FALSE(relative_path_problem("undionly.kpxe"));
  EXPECT_FALSE(relative_path_problem("pxelinux.cfg/default"));
  EXPECT_FALSE(relative_path_problem("a..b/c.d"));
  struct Case { std::string name, gist; } cases[] = {
      {"", "empty"},
      {"../x", "'..' segment"},
      {"a/../../x", "'..' segment"},
      {"/etc/x", "absolute"},
      {"a//b", "empty path segment"},
      {"a/", "empty path segment"},
      {"./a", "'.' segment"},
      {std::string("a\0b", 3), "NUL"},
      {"a\nb", "control character"},
      {"a\\..\\b", "backslash"}};
  for (const auto& c : cases) {
    auto why = relative_path_problem(c.name);
    ASSERT_TRUE(why) << c.name;
    EXPECT_NE(why->find(c.gist), std::string::npos) << *why;
  }
}

TEST_F(hostile_input, TftpFileNameWithDotDot) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <tftp><file name="../../x" source="nbp.bin"/></tftp>
  </network>
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
</scenario>
)", ScenarioErrc::kUnsafePath, 3, 17, "/scenario/network/tftp/file[1]/@name", "has a '..' segment");
}

TEST_F(hostile_input, HttpFileNameThatIsAbsolute) {
  // One leading '/' is how a URL path reads and is dropped; a second makes it absolute.
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <http root="http"><file name="//tmp/x" source="nbp.bin"/></http>
  </network>
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
</scenario>
)", ScenarioErrc::kUnsafePath, 3, 29, "/scenario/network/http/file[1]/@name", "is an absolute path");
}

TEST_F(hostile_input, FileNameWithControlCharacter) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <tftp><file name="a&#10;b" source="nbp.bin"/></tftp>
  </network>
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
</scenario>
)", ScenarioErrc::kUnsafePath, 3, 17, "/scenario/network/tftp/file[1]/@name", "'a\\x0ab' contains a control character");
}

TEST_F(hostile_input, ScenarioNamedDotDot) {
  EXPECT_REJECTED(R"(<scenario name="..">
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
</scenario>
)", ScenarioErrc::kBadValue, 1, 11, "/scenario/@name", "starting with a letter or digit");
}

TEST_F(hostile_input, VariantNamedDotDot) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
  <variant name=".."/>
</scenario>
)", ScenarioErrc::kBadValue, 3, 12, "/scenario/variant[1]/@name", "starting with a letter or digit");
}

TEST_F(hostile_input, MachineWithHiddenName) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name=".staging" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
</scenario>
)", ScenarioErrc::kBadValue, 2, 12, "/scenario/machine[1]/@name", "starting with a letter or digit");
}

TEST_F(hostile_input, RomFilenameWithDotDot) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <dhcp rom-filename="../../etc/passwd"/>
    <tftp root="tftp"/>
  </network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
</scenario>
)", ScenarioErrc::kUnsafePath, 3, 11, "/scenario/network/dhcp/@rom-filename", "has a '..' segment");
}

TEST_F(hostile_input, IpxeFilenameWithDotDotButUrlsAreFine) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <network>
    <dhcp ipxe-filename="/../x"/>
    <tftp root="tftp"/>
  </network>
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
</scenario>
)", ScenarioErrc::kUnsafePath, 3, 11, "/scenario/network/dhcp/@ipxe-filename", "has a '..' segment");
  Scenario s = load(R"(<scenario name="t">
  <network>
    <dhcp ipxe-filename="http://10.0.2.100/boot.ipxe"/>
    <tftp root="tftp"/>
    <http root="http"/>
  </network>
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
</scenario>
)");
  EXPECT_EQ(s.network.dhcp.ipxe_filename, "http://10.0.2.100/boot.ipxe");
}

// --- Input files: checked at load, with the location that names them ---------------------------------

TEST_F(hostile_input, EmptyNbpInSecondVariant) {
  std::ofstream(dir_ / "empty.bin").close();
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
  <variant name="one"/>
  <variant name="two">
    <firmware nbp="empty.bin"/>
  </variant>
</scenario>
)", ScenarioErrc::kBadFile, 6, 15, "/scenario/variant[2]/firmware[1]/@nbp", "is empty");
}

TEST_F(hostile_input, NbpThatIsADirectory) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="tftp"/></machine>
</scenario>
)", ScenarioErrc::kBadFile, 2, 56, "/scenario/machine[1]/firmware/@nbp", "is a directory, not a file");
}

TEST_F(hostile_input, NbpTooLargeForBaseMemory) {
  std::ofstream(dir_ / "huge.bin") << std::string(600 * 1024, 'x');
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="huge.bin"/></machine>
</scenario>
)", ScenarioErrc::kBadFile, 2, 56, "/scenario/machine[1]/firmware/@nbp", "more than the 541696 allowed");
}

TEST_F(hostile_input, FifoInServedRoot) {
  ASSERT_EQ(::mkfifo((dir_ / "tftp" / "pipe").c_str(), 0600), 0);
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp root="tftp"/></network>
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
</scenario>
)", ScenarioErrc::kBadFile, 2, 18, "/scenario/network/tftp/@root", "which is a FIFO");
}

TEST_F(hostile_input, ServedSourceThatIsAFifo) {
  ASSERT_EQ(::mkfifo((dir_ / "pipe").c_str(), 0600), 0);
  EXPECT_REJECTED(R"(<scenario name="t">
  <network><tftp><file name="undionly.kpxe" source="pipe"/></tftp></network>
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="nbp.bin"/></machine>
</scenario>
)", ScenarioErrc::kBadFile, 2, 45, "/scenario/network/tftp/file[1]/@source", "is a FIFO");
}

// --- Bounded values ---------------------------------------------------------------------------------

TEST_F(hostile_input, DescriptionTooLong) {
  std::string xml = "<scenario name=\"t\">\n  <description>" + std::string(kMaxDescriptionChars + 1, 'x') +
                    "</description>\n  <machine name=\"m1\" mac=\"52:54:00:00:00:01\"><firmware nbp=\"nbp.bin\"/></machine>\n</scenario>\n";
  EXPECT_REJECTED(xml, ScenarioErrc::kTooLong, 2, 16, "/scenario/description/text()", "the limit is 16384");
}

TEST_F(hostile_input, AttributeTooLong) {
  std::string xml = "<scenario name=\"t\">\n  <machine name=\"m1\" mac=\"52:54:00:00:00:01\"><firmware nbp=\"nbp.bin\"/>\n"
                    "    <key at=\"1s\" keys=\"" + std::string(kMaxAttributeChars + 1, 'a') + "\"/>\n  </machine>\n</scenario>\n";
  EXPECT_REJECTED(xml, ScenarioErrc::kTooLong, 3, 18, "/scenario/machine[1]/key[1]/@keys", "the limit is 4096");
}

TEST_F(hostile_input, ScenarioFileTooLarge) {
  std::string xml = "<scenario name=\"t\">\n<!--" + std::string(kMaxScenarioFileBytes, ' ') + "-->\n</scenario>\n";
  ScenarioError e = error(xml);
  EXPECT_EQ(e.code(), ScenarioErrc::kFileUnreadable);
  EXPECT_NE(std::string(e.what()).find("more than the 4194304 allowed"), std::string::npos) << e.what();
}

TEST_F(hostile_input, MulticastMac) {
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1" mac="ff:ff:ff:ff:ff:ff"><firmware nbp="nbp.bin"/></machine>
</scenario>
)", ScenarioErrc::kBadValue, 2, 22, "/scenario/machine[1]/@mac", "broadcast or multicast");
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1" mac="01:00:5e:00:00:01"><firmware nbp="nbp.bin"/></machine>
</scenario>
)", ScenarioErrc::kBadValue, 2, 22, "/scenario/machine[1]/@mac", "broadcast or multicast");
}

TEST_F(hostile_input, RamTooSmallIsFoundAtLoad) {
  // The machine needs 16 MiB; the loader used to accept 1 MiB and the run failed mid-way.
  EXPECT_REJECTED(R"(<scenario name="t">
  <machine name="m1" mac="52:54:00:00:00:01" ram="2MiB"><firmware nbp="nbp.bin"/></machine>
</scenario>
)", ScenarioErrc::kBadValue, 2, 46, "/scenario/machine[1]/@ram", "between 16MiB");
}

// --- Through the command line -----------------------------------------------------------------------

struct Cli {
  int rc = -1;
  std::string output;
};

Cli bootsim(const std::string& args, const fs::path& dir) {
  fs::path log = dir / "cli.log";
  int st = std::system((std::string(BOOTSIM_EXE) + " " + args + " > " + log.string() + " 2>&1").c_str());
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, bootsim::test::slurp(log)};
}

class hostile_cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = bootsim::test::fresh_dir("hostile_cli", ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

const char* kNbpScenario = R"(<scenario name="t" until="200ms">
  <network><tftp root="root"><file name="undionly.kpxe" source="/usr/lib/ipxe/undionly.kpxe"/>%FILES%</tftp></network>
  <machine name="m1" mac="52:54:00:00:00:01"><firmware nbp="/usr/lib/ipxe/undionly.kpxe"/></machine>
</scenario>
)";

std::string with_files(const std::string& files) {
  std::string s = kNbpScenario;
  return s.replace(s.find("%FILES%"), 7, files);
}

TEST_F(hostile_cli, TraversingFileNameWritesNothing) {
  fs::create_directories(dir_ / "root");
  fs::create_directories(dir_ / "out");
  std::string xml = write("t.xml", with_files(R"(<file name="../../escaped" source="/usr/lib/ipxe/undionly.kpxe"/>)"));
  Cli r = bootsim("scenario " + xml + " --out " + (dir_ / "out").string(), dir_);
  EXPECT_EQ(r.rc, 2) << r.output;
  EXPECT_NE(r.output.find("t.xml:2:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("has a '..' segment"), std::string::npos) << r.output;
  // Where ../../escaped would have landed, from the staging folder or from the output folder.
  for (const fs::path& p : {dir_ / "escaped", dir_ / "out" / "escaped", dir_.parent_path() / "escaped"})
    EXPECT_FALSE(fs::exists(p)) << p;
}

TEST_F(hostile_cli, SymlinkPlantedInOutputFolderIsRefused) {
  fs::create_directories(dir_ / "root");
  fs::create_directories(dir_ / "out" / "t");
  std::string victim = write("victim.txt", "keep me");
  fs::create_symlink(victim, dir_ / "out" / "t" / "default.trace.jsonl");
  std::string xml = write("t.xml", with_files(""));
  Cli r = bootsim("scenario " + xml + " --out " + (dir_ / "out").string(), dir_);
  EXPECT_EQ(r.rc, 2) << r.output;
  EXPECT_NE(r.output.find("outside"), std::string::npos) << r.output;
  EXPECT_EQ(bootsim::test::slurp(victim), "keep me");
}

TEST_F(hostile_cli, ScenarioFolderThatIsASymlinkOutIsRefused) {
  fs::create_directories(dir_ / "root");
  fs::create_directories(dir_ / "out");
  fs::create_directories(dir_ / "elsewhere");
  fs::create_directory_symlink(dir_ / "elsewhere", dir_ / "out" / "t");
  std::string xml = write("t.xml", with_files(""));
  Cli r = bootsim("scenario " + xml + " --out " + (dir_ / "out").string(), dir_);
  EXPECT_EQ(r.rc, 2) << r.output;
  EXPECT_TRUE(fs::is_empty(dir_ / "elsewhere"));
}

TEST_F(hostile_cli, ServedRootIsServedInPlaceNotCopied) {
  // A root with a large file plus one extra <file>: the run serves both, and nothing in the output
  // folder is a copy of the root's file.
  fs::create_directories(dir_ / "root");
  write("root/big.bin", std::string(4 << 20, 'b'));
  std::string xml = write("t.xml", with_files(R"(<file name="extra/undionly.kpxe" source="/usr/lib/ipxe/undionly.kpxe"/>)"));
  Cli r = bootsim("scenario " + xml + " --out " + (dir_ / "out").string() + " -j 1", dir_);
  EXPECT_EQ(r.rc, 0) << r.output;
  std::uintmax_t copied = 0;
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_ / "out"))
    if (e.is_regular_file() && !e.is_symlink()) {
      ++files;
      copied += e.file_size();
    }
  ASSERT_GT(files, 0);
  EXPECT_LT(copied, 1u << 20) << "the output folder holds a copy of the served root";
}

TEST_F(hostile_cli, OutputPathsAreCheckedBeforeAnythingRuns) {
  fs::create_directories(dir_ / "root");
  std::string xml = write("t.xml", with_files(""));
  std::string out = " --out " + (dir_ / "out").string();
  for (const std::string& junit : {std::string("/tmp"), std::string("/proc/x/j.xml")}) {
    Cli r = bootsim("scenario " + xml + out + " --junit " + junit, dir_);
    EXPECT_EQ(r.rc, 2) << r.output;
    EXPECT_NE(r.output.find("--junit " + junit), std::string::npos) << r.output;
  }
  EXPECT_FALSE(fs::exists(dir_ / "out" / "t" / "default.trace.jsonl")) << "a variant ran before the check";
}

TEST_F(hostile_cli, BadSecondScenarioFileIsFoundBeforeTheFirstRuns) {
  fs::create_directories(dir_ / "root");
  std::string good = write("t.xml", with_files(""));
  std::string bad = write("bad.xml", "<scenario name=\"b\">\n  <machine name=\"m1\" mac=\"zz\"/>\n</scenario>\n");
  Cli r = bootsim("scenario " + good + " " + bad + " --out " + (dir_ / "out").string(), dir_);
  EXPECT_EQ(r.rc, 2) << r.output;
  EXPECT_NE(r.output.find("bad.xml:2:22"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "out" / "t" / "default.trace.jsonl")) << "the first file ran before the second was read";
}

TEST_F(hostile_cli, RunCommandInputsAreExitTwo) {
  struct Case { std::string args, gist; } cases[] = {
      {"run --nbp " + dir_.string() + " --until 1s -q", "is a directory"},
      {"run --nbp /usr/lib/ipxe/undionly.kpxe --until 1s -q --trace /proc/x/t.jsonl", "--trace /proc/x/t.jsonl: cannot create folder /proc/x"},
      {"run --nbp /usr/lib/ipxe/undionly.kpxe --until 1s -q --console-log " + dir_.string(), "--console-log " + dir_.string() + ": is a directory"},
      {"run --nbp /usr/lib/ipxe/undionly.kpxe --until 1s -q --seed -5", "'-5' is not a non-negative whole number"},
      {"run --nbp /usr/lib/ipxe/undionly.kpxe --until 1s -q --mac ff:ff:ff:ff:ff:ff", "broadcast or multicast"},
      {"scenario broadcom_timeout.xml -j 0", "must be at least 1 (variants run at once), not 0"},
      {"sweep broadcom_timeout.xml --variant stock --vary 'machine[r640-01]/nic/@autoneg=1s..4s/2s'", "STEP does not land on TO"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    Cli r = bootsim(c.args, dir_);
    EXPECT_EQ(r.rc, 2) << r.output;
    EXPECT_NE(r.output.find(c.gist), std::string::npos) << r.output;
  }
}

TEST_F(hostile_cli, FifoInRunTftpRootIsExitTwo) {
  fs::create_directories(dir_ / "root");
  ASSERT_EQ(::mkfifo((dir_ / "root" / "pipe").c_str(), 0600), 0);
  Cli r = bootsim("run --nbp /usr/lib/ipxe/undionly.kpxe --until 1s -q --tftp-root " + (dir_ / "root").string(), dir_);
  EXPECT_EQ(r.rc, 2) << r.output;
  EXPECT_NE(r.output.find("which is a FIFO"), std::string::npos) << r.output;
}

// A <server command> runs a program on the host, as root when bootsim is root: a scenario someone sent must
// not start one unless the user said so. Without --allow-servers the run is refused before anything starts
// (the command's marker file is never written), naming the file, line and attribute; `check` still accepts the
// file, and BOOTSIM_EXTERNAL_FORBID (no namespaces here) then turns the allowed run into a skip, not a run.
TEST_F(hostile_cli, ServerCommandsNeedTheUsersOptIn) {
  const fs::path marker = dir_ / "server-ran";
  std::string xml = write("t.xml", R"(<scenario name="t" until="1s">
  <network mode="external">
    <server command="touch )" + marker.string() + R"("/>
  </network>
  <machine name="m1" mac="52:54:00:00:00:01"/>
</scenario>
)");
  const std::string out = " --out " + (dir_ / "out").string();
  Cli refused = bootsim("scenario " + xml + out, dir_);
  EXPECT_EQ(refused.rc, 2) << refused.output;
  EXPECT_NE(refused.output.find("t.xml:3:13: /scenario/network/server[1]/@command"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("--allow-servers or BOOTSIM_ALLOW_SERVERS=1"), std::string::npos) << refused.output;
  Cli swept = bootsim("sweep " + xml + out + " --vary @seed=1,2", dir_);
  EXPECT_EQ(swept.rc, 2) << swept.output;
  EXPECT_FALSE(fs::exists(marker));

  EXPECT_EQ(bootsim("check " + xml, dir_).rc, 0);
  ::setenv("BOOTSIM_EXTERNAL_FORBID", "1", 1);
  Cli allowed = bootsim("scenario --allow-servers " + xml + out, dir_);
  ::unsetenv("BOOTSIM_EXTERNAL_FORBID");
  EXPECT_EQ(allowed.rc, 0) << allowed.output;
  EXPECT_NE(allowed.output.find("SKIP"), std::string::npos) << allowed.output;
  EXPECT_FALSE(fs::exists(marker));
}

}  // namespace
}  // namespace bootsim::scenario::test
