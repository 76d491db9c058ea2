#include "reports/junit_report.h"

#include <sstream>

#include <pugixml.hpp>

#include "reports/timeline.h"
#include "reports/xml_text.h"

namespace bootsim::reports {

namespace {

void set(pugi::xml_node n, const char* name, const std::string& v) {
  n.append_attribute(name).set_value(xml_safe(v).c_str());
}

std::string first_line(const std::string& s) {
  std::string l = s.substr(0, s.find('\n'));
  return l.size() > 200 ? l.substr(0, 200) + "..." : l;
}

VerdictCounts add_suite(pugi::xml_node root, const ScenarioReport& r) {
  pugi::xml_node suite = root.append_child("testsuite");
  VerdictCounts total;
  int tests = 0;
  std::vector<std::pair<const VariantRun*, std::vector<Verdict>>> cases;
  for (const auto& v : r.variants) {
    std::vector<Verdict> verdicts = v.verdicts;
    if (verdicts.empty()) {
      Timeline tl = build_timeline(v.events);
      std::string exit = v.exit_reason.empty() ? tl.exit_reason : v.exit_reason;
      bool bad = exit == "fault" || exit == "internal_error" || exit.empty();
      verdicts.push_back({"run completes", bad ? "fail" : "pass",
                          "run ended: " + (exit.empty() ? std::string("no exit event") : exit), 0});
    }
    cases.emplace_back(&v, std::move(verdicts));
  }
  for (const auto& [v, verdicts] : cases) {
    std::string console = rendered_console(v->events);
    for (const auto& vd : verdicts) {
      ++tests;
      pugi::xml_node tc = suite.append_child("testcase");
      set(tc, "classname", r.scenario + "." + v->variant);
      set(tc, "name", vd.expectation);
      if (!r.file.empty()) set(tc, "file", r.file);
      if (vd.line) tc.append_attribute("line").set_value(vd.line);
      if (vd.status == "pass") {
        ++total.pass;
      } else if (vd.status == "skip") {
        ++total.skip;
        set(tc.append_child("skipped"), "message", first_line(vd.evidence));
      } else {
        ++total.fail;
        pugi::xml_node f = tc.append_child("failure");
        set(f, "message", first_line(vd.evidence.empty() ? "expectation failed" : vd.evidence));
        set(f, "type", vd.status == "fail" ? "expectation" : vd.status);
        f.append_child(pugi::node_pcdata).set_value(xml_safe(vd.evidence).c_str());
      }
      tc.append_child("system-out").append_child(pugi::node_pcdata).set_value(xml_safe(console).c_str());
    }
  }
  // Attributes first in the element for readers that stream; pugixml keeps insertion order, so prepend.
  suite.prepend_attribute("errors").set_value(0);
  suite.prepend_attribute("skipped").set_value(total.skip);
  suite.prepend_attribute("failures").set_value(total.fail);
  suite.prepend_attribute("tests").set_value(tests);
  suite.prepend_attribute("name").set_value(xml_safe(r.scenario).c_str());
  return total;
}

std::string save(pugi::xml_document& doc) {
  std::ostringstream os;
  doc.save(os, "  ", pugi::format_default, pugi::encoding_utf8);
  return os.str();
}

}  // namespace

std::string render_junit(const std::vector<ScenarioReport>& reports, const std::string& name) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("testsuites");
  set(root, "name", name);
  VerdictCounts total;
  int tests = 0;
  for (const auto& r : reports) {
    VerdictCounts c = add_suite(root, r);
    total.pass += c.pass; total.fail += c.fail; total.skip += c.skip;
  }
  for (pugi::xml_node s : root.children("testsuite")) tests += s.attribute("tests").as_int();
  root.append_attribute("tests").set_value(tests);
  root.append_attribute("failures").set_value(total.fail);
  root.append_attribute("skipped").set_value(total.skip);
  root.append_attribute("errors").set_value(0);
  return save(doc);
}

std::string render_junit(const ScenarioReport& report) { return render_junit(std::vector<ScenarioReport>{report}, report.scenario); }

}  // namespace bootsim::reports
