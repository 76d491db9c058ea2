#include "reports/evidence_digest.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <utility>

namespace bootsim::reports {

namespace {

struct Clause {
  std::string machine, text;
};

/// The machine whose "name: " starts `s` at `pos` (the longest, as one name may prefix another), or "".
std::string machine_at(const std::string& s, size_t pos, const std::vector<std::string>& machines) {
  std::string best;
  for (const auto& m : machines)
    if (m.size() > best.size() && s.compare(pos, m.size() + 2, m + ": ") == 0) best = m;
  return best;
}

/// "m1: a; m2: b" -> {m1, a}, {m2, b}; empty when `s` does not start with a machine's clause.
std::vector<Clause> split_clauses(const std::string& s, const std::vector<std::string>& machines) {
  std::vector<Clause> out;
  std::string m = machine_at(s, 0, machines);
  if (m.empty()) return out;
  size_t start = m.size() + 2;
  for (size_t pos = start;;) {
    size_t sep = s.find("; ", pos);
    std::string next = sep == std::string::npos ? "" : machine_at(s, sep + 2, machines);
    if (sep != std::string::npos && next.empty()) { pos = sep + 2; continue; }  // "; " inside a clause
    out.push_back({m, s.substr(start, (sep == std::string::npos ? s.size() : sep) - start)});
    if (sep == std::string::npos) break;
    m = next;
    start = pos = sep + 2 + m.size() + 2;
  }
  return out;
}

/// A clause as text and number tokens: "at 0.5s (3 tries)" -> {"at ", "0.5", "s (", "3", " tries)"};
/// even indices are text, odd ones numbers.
std::vector<std::string> tokens(const std::string& s) {
  std::vector<std::string> out{""};
  for (size_t i = 0; i < s.size();) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      size_t j = i;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      if (j + 1 < s.size() && s[j] == '.' && std::isdigit(static_cast<unsigned char>(s[j + 1]))) {
        ++j;
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
      }
      out.push_back(s.substr(i, j - i));
      out.push_back("");
      i = j;
    } else {
      out.back() += s[i++];
    }
  }
  return out;
}

std::string shape_of(const std::vector<std::string>& t) {
  std::string k;
  for (size_t i = 0; i < t.size(); ++i) k += i % 2 ? std::string("\x01") : t[i];
  return k;
}

struct Group {
  std::vector<std::string> machines;
  std::vector<std::vector<std::string>> tokens;  // per member
};

std::string group_line(const Group& g, size_t total) {
  std::string who = std::to_string(g.machines.size()) + "/" + std::to_string(total) + " machines (";
  constexpr size_t kNamed = 3;
  for (size_t i = 0; i < g.machines.size() && i < kNamed; ++i) who += (i ? ", " : "") + g.machines[i];
  if (g.machines.size() > kNamed) who += ", \u2026 " + std::to_string(g.machines.size() - kNamed) + " more";
  who += "): ";
  const auto& first = g.tokens.front();
  std::string text;
  for (size_t i = 0; i < first.size(); ++i) {
    if (i % 2 == 0) { text += first[i]; continue; }
    const std::string *lo = &first[i], *hi = &first[i];
    for (const auto& t : g.tokens) {
      if (std::strtod(t[i].c_str(), nullptr) < std::strtod(lo->c_str(), nullptr)) lo = &t[i];
      if (std::strtod(t[i].c_str(), nullptr) > std::strtod(hi->c_str(), nullptr)) hi = &t[i];
    }
    text += *lo == *hi ? *lo : *lo + "\u2026" + *hi;
  }
  return who + text;
}

}  // namespace

std::string digest_evidence(const std::string& evidence, const std::vector<std::string>& machines, size_t max_lines) {
  std::vector<Clause> clauses = split_clauses(evidence, machines);
  if (clauses.size() < 2) return evidence;
  std::vector<Group> groups;
  std::map<std::string, size_t> by_shape;
  for (const auto& c : clauses) {
    std::vector<std::string> t = tokens(c.text);
    auto [it, fresh] = by_shape.emplace(shape_of(t), groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].machines.push_back(c.machine);
    groups[it->second].tokens.push_back(std::move(t));
  }
  std::string out;
  for (size_t i = 0; i < groups.size() && i < max_lines; ++i)
    out += (i ? "\n" : "") + group_line(groups[i], clauses.size());
  if (groups.size() > max_lines)
    out += "\n\u2026 " + std::to_string(groups.size() - max_lines) + " more kinds of evidence (the full text is in junit.xml and report.json)";
  return out;
}

std::string verdict_machine(const scenario::Verdict& v, const std::vector<std::string>& machines) {
  return machine_at(v.expectation, 0, machines);
}

std::vector<VerdictGroup> group_verdicts(const std::vector<scenario::Verdict>& verdicts,
                                         const std::vector<std::string>& machines) {
  // "r640-01: text" -> ("r640-01", "text") when r640-01 is one of the machines; else ("", "")
  auto split = [&](const std::string& s) -> std::pair<std::string, std::string> {
    std::string m = machine_at(s, 0, machines);
    if (m.empty()) return {};
    return {m, s.substr(m.size() + 2)};
  };
  auto clause = [](const std::string& machine, const std::string& evidence) {
    return evidence.rfind(machine + ": ", 0) == 0 ? evidence : machine + ": " + evidence;
  };
  std::vector<VerdictGroup> out;
  for (size_t i = 0; i < verdicts.size();) {
    const scenario::Verdict& v = verdicts[i];
    VerdictGroup g{&v, 1, v.expectation, v.evidence, {}};
    auto [machine, text] = split(v.expectation);
    if (!machine.empty() && v.where.line != 0) {
      std::vector<std::string> group{machine};
      std::string evidence = clause(machine, v.evidence);
      for (size_t k = i + 1; k < verdicts.size(); ++k) {
        const scenario::Verdict& w = verdicts[k];
        auto [m, rest] = split(w.expectation);
        if (m.empty() || rest != text || w.status != v.status || w.where.line != v.where.line || w.where.file != v.where.file)
          break;
        group.push_back(m);
        evidence += "; " + clause(m, w.evidence);
      }
      if (group.size() > 1) {
        g.count = group.size();
        g.expectation = text;
        g.evidence = std::move(evidence);
        g.machines = std::move(group);
      }
    }
    out.push_back(std::move(g));
    i += out.back().count;
  }
  return out;
}

}  // namespace bootsim::reports
