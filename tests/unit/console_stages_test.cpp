// iPXE's console stages (sim/facts/console_stages): what a report's "configuring" cell and the stage table
// show, from the bursts in which the firmware really writes its output.
#include <gtest/gtest.h>

#include "sim/facts/console_stages.h"

namespace bootsim::facts {
namespace {

TEST(facts_ConsoleStages, AFailureMessageWrittenInPiecesIsTheWholeLine) {
  // As in fleet_broadcom's stock trace: the dots, then iPXE's message split over three bursts.
  std::vector<Stage> stages;
  ConsoleStages cs("r640-01", &stages);
  cs.feed("Configuring (net0 52:54:00:12:34:56)...", 2'111'515'244);
  cs.feed(".", 3'130'897'866);
  cs.feed(" No ", 18'180'457'783);
  cs.feed("configuration methods succeeded (http://ip", 18'180'857'783);
  cs.feed("xe.org/040ee119)\r\n", 18'185'057'783);
  cs.feed("No more network devices\r\n", 18'186'757'783);
  cs.finish(20'000'000'000);
  ASSERT_EQ(stages.size(), 1u);
  EXPECT_EQ(stages[0].name, "configuring");
  EXPECT_EQ(stages[0].label, "configuring net0 52:54:00:12:34:56");
  EXPECT_EQ(stages[0].outcome, "failed");
  EXPECT_EQ(stages[0].end_ns, 18'180'457'783) << "the result's first burst ends the stage";
  EXPECT_EQ(stages[0].detail, "No configuration methods succeeded (http://ipxe.org/040ee119)");
}

TEST(facts_ConsoleStages, AResultInOneBurstIsUnchanged) {
  std::vector<Stage> stages;
  ConsoleStages cs("m", &stages);
  cs.feed("\riPXE initialising devices...", 28'080'128);
  cs.feed("ok\r\n", 33'280'128);
  cs.feed("Configuring (net0 52:54:00:12:34:57)...... Connection timed out (http://ipxe.org/4c0a6092)\r\n", 40'000'000);
  cs.finish(50'000'000);
  ASSERT_EQ(stages.size(), 2u);
  EXPECT_EQ(stages[0].name, "ipxe_init");
  EXPECT_EQ(stages[0].outcome, "ok");
  EXPECT_EQ(stages[0].end_ns, 33'280'128);
  EXPECT_EQ(stages[1].outcome, "failed");
  EXPECT_EQ(stages[1].detail, "Connection timed out (http://ipxe.org/4c0a6092)");
}

}  // namespace
}  // namespace bootsim::facts
