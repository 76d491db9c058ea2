// PcapTap::continue_in, as a shared boot's fork child calls it: the child's capture starts with exactly the
// records written before the fork. After fork() parent and child share one open file description, so
// records the parent appends meanwhile move the offset the child sees; here a dup() of the tap's
// descriptor plays the parent (the same sharing), and appends a record before the child continues.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "scratch_root.h"
#include "sim/net/pcap_tap.h"

namespace bootsim {
namespace {

namespace fs = std::filesystem;

using test::slurp;

TEST(PcapTap, ContinueInCopiesOnlyTheRecordsWrittenBeforeTheFork) {
  const fs::path dir = test::scratch_root() / "pcap_tap";
  fs::create_directories(dir);
  const fs::path shared = dir / "shared.pcap", mine = dir / "mine.pcap";
  const std::vector<std::uint8_t> a(60, 0xAA), b(64, 0xBB), parents(70, 0xCC), c(62, 0xDD);
  std::string before_fork;
  {
    PcapTap tap(shared.string());
    tap.write(SimTime::from_us(1), a);
    tap.write(SimTime::from_us(2), b);
    before_fork = slurp(shared);
    ASSERT_EQ(before_fork.size(), 24u + (16 + 60) + (16 + 64));

    // The "parent" appends a record through the shared file description (its bytes: a record header
    // and a frame, as PcapTap writes them).
    int parent_fd = ::dup(tap.fd());
    ASSERT_GE(parent_fd, 0);
    std::string rec(16, '\0');
    std::uint32_t len = static_cast<std::uint32_t>(parents.size());
    std::memcpy(&rec[8], &len, 4);
    std::memcpy(&rec[12], &len, 4);
    rec.append(parents.begin(), parents.end());
    ASSERT_EQ(::write(parent_fd, rec.data(), rec.size()), static_cast<ssize_t>(rec.size()));
    ::close(parent_fd);

    tap.continue_in(mine.string());
    tap.write(SimTime::from_us(3), c);
  }
  const std::string got = slurp(mine);
  ASSERT_EQ(got.size(), before_fork.size() + 16 + c.size());
  EXPECT_EQ(got.substr(0, before_fork.size()), before_fork);
  EXPECT_EQ(got.substr(before_fork.size() + 16), std::string(c.begin(), c.end()));
  // The parent's file keeps everything it wrote.
  EXPECT_EQ(slurp(shared).size(), before_fork.size() + 16 + parents.size());
}

}  // namespace
}  // namespace bootsim
