// The stretch shelf (sim/machine/stretch_shelf.h) between real processes: what one publishes another
// fetches whole; a process arriving while another learns waits for the outcome; a learner that dies or
// fails never leaves the others waiting; a process told not to wait runs on at once.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "sim/machine/stretch_shelf.h"
#include "stretch_sample.h"

namespace bootsim {
namespace {

using test::same;
using test::sample;

StretchShelf::Key key_of(const StretchSnapshot& s) {
  return {s.nbp_hash, s.start_pc, StretchShelf::hash_cpu(s.start_cpu)};
}

/// Runs `body` in a fork of this process; its exit code (-1 when it did not exit).
template <typename F>
pid_t spawn(F body) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  return pid;
}
int reap(pid_t pid) {
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(unit_StretchShelf, AnotherProcessWaitsForTheLearnerThenFetchesItsSnapshotWhole) {
  StretchShelf shelf;
  const StretchSnapshot s = sample();
  ASSERT_EQ(shelf.claim(key_of(s)), StretchShelf::Claim::kLearn);
  pid_t child = spawn([&] {
    auto t0 = std::chrono::steady_clock::now();
    if (shelf.claim(key_of(s)) != StretchShelf::Claim::kPublished) return 2;
    if (std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(100)) return 3;  // did not wait
    std::optional<StretchSnapshot> got = shelf.fetch(key_of(s));
    return got && same(*got, s) ? 0 : 4;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  shelf.publish(key_of(s), s);
  EXPECT_EQ(reap(child), 0) << "2: not published, 3: did not wait, 4: fetched something else";
  // The learner's own process finds it too, and another key is free to claim.
  EXPECT_EQ(shelf.claim(key_of(s)), StretchShelf::Claim::kPublished);
  StretchShelf::Key other = key_of(s);
  other.pc = 0x7c01;
  EXPECT_EQ(shelf.claim(other), StretchShelf::Claim::kLearn);
  EXPECT_FALSE(shelf.fetch(other));
}

TEST(unit_StretchShelf, AFailedOrDeadLearnerLeavesNoOneWaiting) {
  StretchShelf shelf;
  StretchShelf::Key failed{1, 2, 3}, orphan{1, 2, 4};
  pid_t child = spawn([&] {
    if (shelf.claim(failed) != StretchShelf::Claim::kLearn) return 2;
    if (shelf.claim(orphan) != StretchShelf::Claim::kLearn) return 3;
    shelf.fail(failed);
    return 0;  // exits still holding `orphan`
  });
  ASSERT_EQ(reap(child), 0);
  EXPECT_EQ(shelf.claim(failed), StretchShelf::Claim::kRunOn);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(shelf.claim(orphan), StretchShelf::Claim::kRunOn);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
}

TEST(unit_StretchShelf, MachinesGivenAnotherCommandLineLearnTheirOwnBesideTheLearner) {
  StretchShelf shelf;
  StretchShelf::Key k{9, 9, 9, 1}, other_cmdline{9, 9, 9, 2};
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  pid_t learner = spawn([&] {
    if (shelf.claim(k) != StretchShelf::Claim::kLearn) return 2;
    char c = 'x';
    if (::write(pipefd[1], &c, 1) != 1) return 3;
    std::this_thread::sleep_for(std::chrono::seconds(2));  // still learning while the other asks
    shelf.fail(k);
    return 0;
  });
  char c;
  ASSERT_EQ(::read(pipefd[0], &c, 1), 1);
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(shelf.claim(other_cmdline), StretchShelf::Claim::kLearn);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(1));
  const StretchSnapshot s = sample();
  shelf.publish(other_cmdline, s);
  EXPECT_EQ(reap(learner), 0);
  EXPECT_EQ(shelf.claim(k), StretchShelf::Claim::kRunOn);  // its learner failed
  std::optional<StretchSnapshot> got = shelf.fetch(other_cmdline);
  ASSERT_TRUE(got);
  EXPECT_TRUE(same(*got, s));
  ::close(pipefd[0]);
  ::close(pipefd[1]);
}

}  // namespace
}  // namespace bootsim
