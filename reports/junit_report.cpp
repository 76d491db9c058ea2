#include "reports/junit_report.h"

#include <map>
#include <optional>
#include <sstream>

#include <pugixml.hpp>

#include "reports/evidence_digest.h"
#include "reports/timeline.h"
#include "reports/xml_text.h"
#include "sim/facts/trace_facts.h"

namespace bootsim::reports {

namespace {

void set(pugi::xml_node n, const char* name, const std::string& v) {
  n.append_attribute(name).set_value(xml_safe(v).c_str());
}

std::string first_line(const std::string& s) {
  std::string l = s.substr(0, s.find('\n'));
  return l.size() > 200 ? l.substr(0, 200) + "..." : l;
}

/// The case a variant without verdicts gets (reports built by hand from `bootsim run` traces; the scenario
/// runner always gives one, scenario::run_verdict): an error when its trace has a fault event.
Verdict run_case(const VariantRun& v) {
  auto run = [](VerdictStatus status, const std::string& evidence, const std::string& fault = "") {
    Verdict out{scenario::kRunsWithoutFault, status, evidence, {}, fault};
    out.about_run = true;
    return out;
  };
  for (const auto& ev : v.trace())
    if (ev.value("kind", std::string()) == "fault") {
      std::string kind = ev.value("fault", std::string("guest_fault"));
      return run(VerdictStatus::kError, kind + ": " + ev.value("message", std::string()), kind);
    }
  std::string exit = v.exit_reason.empty() ? timeline_of(v)->exit_reason : v.exit_reason;
  if (exit == "skipped") return run(VerdictStatus::kSkip, "variant skipped");
  if (exit.empty()) return run(VerdictStatus::kError, "run ended without an exit event", "internal_error");
  if (exit == "internal_error") return run(VerdictStatus::kError, "run ended: " + exit, "internal_error");
  return run(VerdictStatus::kPass, "run ended: " + exit);
}

/// Every machine's rendered screen (sim/facts), one after another; with several, each under its name.
/// What a variant's testcases print: every machine's console (each under "[name]" when there are
/// several), and each machine's alone for the testcases about that machine.
struct Consoles {
  std::string all;
  std::vector<std::string> machines;  ///< those with a console, in trace order
  std::map<std::string, std::string> of;
};

Consoles consoles_of(const VariantRun& v) {
  std::optional<facts::TraceFacts> derived;
  if (!v.facts) derived = facts::derive_facts(v.trace());
  const facts::TraceFacts& f = v.facts ? *v.facts : *derived;
  std::vector<const facts::MachineFacts*> shown;
  for (const auto& m : f.sources)
    if (!m.console.raw().empty()) shown.push_back(&m);
  Consoles out;
  for (const auto* m : shown) {
    if (shown.size() > 1) out.all += (out.all.empty() ? "" : "\n") + std::string("[") + m->name + "]\n";
    std::string text = m->console.screen_text();
    out.all += text;
    out.machines.push_back(m->name);
    out.of[m->name] = std::move(text);
  }
  return out;
}

struct SuiteCounts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
};

SuiteCounts add_suite(pugi::xml_node root, const ScenarioReport& r) {
  // The name CI servers key results by: made unique per run (two files with one scenario name).
  const std::string name = r.id.empty() ? r.scenario : r.id;
  pugi::xml_node suite = root.append_child("testsuite");
  SuiteCounts total;
  for (const auto& v : r.variants) {
    std::vector<Verdict> verdicts = v.verdicts;
    if (verdicts.empty()) verdicts.push_back(run_case(v));
    const Consoles consoles = consoles_of(v);
    for (const auto& vd : verdicts) {
      // A fleet's group expectation is a testcase per machine: it shows that machine's console, not all
      // of them (100 machines' consoles in each of 80 testcases made a 6 MB junit.xml).
      const std::string machine = consoles.machines.size() > 1 ? verdict_machine(vd, consoles.machines) : "";
      const std::string& console = machine.empty() ? consoles.all : consoles.of.at(machine);
      ++total.tests;
      pugi::xml_node tc = suite.append_child("testcase");
      set(tc, "classname", name + "." + v.variant);
      set(tc, "name", vd.expectation);
      if (!r.file.empty()) set(tc, "file", r.file);
      if (vd.where.line) tc.append_attribute("line").set_value(vd.where.line);
      if (vd.status == VerdictStatus::kPass) {
        // nothing to add: a testcase without children passed
      } else if (vd.status == VerdictStatus::kSkip) {
        ++total.skipped;
        set(tc.append_child("skipped"), "message", first_line(vd.evidence));
      } else if (vd.status == VerdictStatus::kError) {
        // JUnit's "error": the test could not run as written (here: the firmware broke), as opposed to an
        // assertion that did not hold. CI servers show the two apart.
        ++total.errors;
        pugi::xml_node e = tc.append_child("error");
        set(e, "message", first_line(vd.evidence.empty() ? "run broke" : vd.evidence));
        set(e, "type", vd.fault.empty() ? "error" : vd.fault);
        e.append_child(pugi::node_pcdata).set_value(xml_safe(vd.evidence).c_str());
      } else {
        ++total.failures;
        pugi::xml_node f = tc.append_child("failure");
        set(f, "message", first_line(vd.evidence.empty() ? "expectation failed" : vd.evidence));
        set(f, "type", "expectation");
        f.append_child(pugi::node_pcdata).set_value(xml_safe(vd.evidence).c_str());
      }
      tc.append_child("system-out").append_child(pugi::node_pcdata).set_value(xml_safe(console).c_str());
    }
  }
  // Attributes first in the element for readers that stream; pugixml keeps insertion order, so prepend.
  suite.prepend_attribute("errors").set_value(total.errors);
  suite.prepend_attribute("skipped").set_value(total.skipped);
  suite.prepend_attribute("failures").set_value(total.failures);
  suite.prepend_attribute("tests").set_value(total.tests);
  suite.prepend_attribute("name").set_value(xml_safe(name).c_str());
  return total;
}

std::string save(pugi::xml_document& doc) {
  std::ostringstream os;
  doc.save(os, "  ", pugi::format_default, pugi::encoding_utf8);
  return os.str();
}

/// The reports by address: one scenario's report is rendered without copying its trace.
std::string render_suites(const std::vector<const ScenarioReport*>& reports, const std::string& name) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("testsuites");
  set(root, "name", name);
  SuiteCounts total;
  for (const ScenarioReport* r : reports) {
    SuiteCounts c = add_suite(root, *r);
    total.tests += c.tests; total.failures += c.failures; total.errors += c.errors; total.skipped += c.skipped;
  }
  root.append_attribute("tests").set_value(total.tests);
  root.append_attribute("failures").set_value(total.failures);
  root.append_attribute("skipped").set_value(total.skipped);
  root.append_attribute("errors").set_value(total.errors);
  return save(doc);
}

}  // namespace

std::string render_junit(const std::vector<ScenarioReport>& reports, const std::string& name) {
  std::vector<const ScenarioReport*> all;
  for (const auto& r : reports) all.push_back(&r);
  return render_suites(all, name);
}

std::string render_junit(const ScenarioReport& report) {
  return render_suites({&report}, report.id.empty() ? report.scenario : report.id);
}

}  // namespace bootsim::reports
