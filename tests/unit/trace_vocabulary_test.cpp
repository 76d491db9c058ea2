// The trace's vocabulary (sim/core/trace_kinds.h): reports/README.md carries the list generated from it, the
// reports know every declared kind, and the conformance check catches what a hand-made event gets wrong.
// To refresh the README after changing a kind:
//   BOOTSIM_UPDATE_REFERENCE=1 ./build/tests/unit_tests --gtest_filter=trace_vocabulary.*
#include <gtest/gtest.h>

#include "generated_section.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "reports/timeline.h"
#include "sim/core/trace.h"
#include "sim/core/trace_kinds.h"

namespace bootsim {
namespace {

const char* kBegin = "<!-- BEGIN GENERATED TRACE KINDS (trace_vocabulary_markdown) -->\n";
const char* kEnd = "<!-- END GENERATED TRACE KINDS -->";

TEST(trace_vocabulary, ReportsReadmeListsTheDeclaredKinds) {
  EXPECT_TRUE(test::generated_section_is_current("reports/README.md", kBegin, kEnd, trace_vocabulary_markdown()));
}

TEST(trace_vocabulary, EveryKindIsDescribedAndNamedOnce) {
  const auto& kinds = trace_vocabulary();
  ASSERT_FALSE(kinds.empty());
  std::set<std::string> names;
  for (const auto& k : kinds) {
    SCOPED_TRACE(k.name);
    EXPECT_TRUE(names.insert(k.name).second) << "declared twice";
    EXPECT_FALSE(k.meaning.empty());
    std::set<std::string> fields;
    for (const auto& f : k.fields) {
      EXPECT_TRUE(fields.insert(f.name).second) << f.name << " twice";
      EXPECT_FALSE(f.meaning.empty()) << f.name;
      EXPECT_TRUE(f.name != "t_ns" && f.name != "machine" && f.name != "kind") << f.name << " is every event's own";
    }
  }
}

TEST(trace_vocabulary, TheReportsKnowEveryDeclaredKindAndNoOther) {
  const auto& kinds = trace_vocabulary();
  ASSERT_FALSE(kinds.empty());
  for (const auto& k : kinds) EXPECT_TRUE(reports::is_known_kind(k.name)) << k.name;
  // Emitted by bootsim and once unknown to the reports ("Event kinds this report does not know: port (1)").
  for (const char* k : {"port", "bpdu", "dhcp_ignored", "guest_error", "io", "slirp_timer"})
    EXPECT_TRUE(reports::is_known_kind(k)) << k;
  EXPECT_FALSE(reports::is_known_kind("counter")) << "listed once, never emitted";
}

TEST(trace_vocabulary, TypedEmitsWriteTheDeclaredFieldsInOrder) {
  Trace trace;
  trace.emit(SimTime::from_ms(1), "pc0", trace_kind::Link{"down", "undi_initialize"});
  trace_kind::Dhcp dhcp{"tx", "DHCPOFFER", 7, "52:54:00:12:34:56", "10.0.2.15",
                        "10.0.2.2", "undionly.kpxe", false, 67, true, std::nullopt};
  trace.emit(SimTime::from_ms(2), "dhcpd", dhcp);
  trace_kind::Handoff h;
  h.protocol = "multiboot";
  h.cmdline = "-c x";
  h.modules = std::vector<trace_kind::HandoffModule>{{"a", 3}};
  trace.emit(SimTime::from_ms(3), "pc0", h);
  trace.append_text(SimTime::from_ms(4), "pc0", trace_kind::Console::kName, "ok\n");
  trace.close_text("pc0", trace_kind::Console::kName);
  std::string jsonl = trace.to_jsonl();
  EXPECT_EQ(jsonl,
            "{\"t_ns\":1000000,\"machine\":\"pc0\",\"kind\":\"link\",\"state\":\"down\",\"cause\":\"undi_initialize\"}\n"
            "{\"t_ns\":2000000,\"machine\":\"dhcpd\",\"kind\":\"dhcp\",\"dir\":\"tx\",\"msg\":\"DHCPOFFER\",\"xid\":7,"
            "\"client\":\"52:54:00:12:34:56\",\"yiaddr\":\"10.0.2.15\",\"siaddr\":\"10.0.2.2\",\"file\":\"undionly.kpxe\","
            "\"opt77\":false,\"port\":67,\"dropped\":true}\n"
            "{\"t_ns\":3000000,\"machine\":\"pc0\",\"kind\":\"handoff\",\"protocol\":\"multiboot\",\"cmdline\":\"-c x\","
            "\"modules\":[{\"cmdline\":\"a\",\"size\":3}]}\n"
            "{\"t_ns\":4000000,\"machine\":\"pc0\",\"kind\":\"console\",\"text\":\"ok\\n\"}\n");
  ASSERT_EQ(trace.events().size(), 4u);
  for (const auto& ev : trace.events()) EXPECT_EQ(trace_event_problems(ev), std::vector<std::string>{}) << ev.dump();
}

TEST(trace_vocabulary, TheCheckNamesWhatAHandMadeEventGetsWrong) {
  auto problems = [](const char* line) { return trace_event_problems(TraceEvent::parse(line)); };
  using V = std::vector<std::string>;
  EXPECT_EQ(problems(R"({"t_ns":1,"machine":"m","kind":"counter","n":1})"), V{"undeclared kind `counter`"});
  EXPECT_EQ(problems(R"({"t_ns":1,"machine":"m","kind":"link","stat":"up","cause":"x"})"),
            (V{"link: undeclared field `stat`", "link: missing field `state`"}));
  EXPECT_EQ(problems(R"({"t_ns":1,"machine":"m","kind":"frame_tx","len":"60","hex":"00"})"),
            V{"frame_tx.len: string, declared integer"});
  EXPECT_EQ(problems(R"({"t_ns":1,"machine":"m","kind":"link","cause":"x","state":"up"})"),
            V{"link.state: out of the declared order"});
  EXPECT_EQ(problems(R"({"machine":"m","kind":"link"})"), V{"`t_ns` missing or not integer"});
  EXPECT_EQ(problems(R"({"t_ns":1,"machine":"m","kind":"dhcp_ignored","why":"no"})"), V{}) << "optional fields may be absent";
}

}  // namespace
}  // namespace bootsim
