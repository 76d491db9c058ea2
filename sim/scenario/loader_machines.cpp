// <machine count="N">: one element declares a group of N machines that differ only in name, MAC and
// power-on time, so a 100-server rack stays a few readable lines. The group's name template also
// selects all of its machines wherever a `machine` attribute names one (<expect>, variant overrides).
#include <cctype>

#include "sim/scenario/loader_detail.h"

namespace bootsim::scenario::detail {

namespace {

/// The same rule as Reader::name_value: it becomes part of file names.
bool is_name(const std::string& t) {
  if (t.empty() || !std::isalnum(static_cast<unsigned char>(t[0]))) return false;
  for (char c : t)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

/// A name template: text before and after one "{n}" or "{n:0W}" (W = 1..9 digits, zero-padded).
struct NameTemplate {
  std::string head, tail;
  int width = 0;
  std::string name(std::uint64_t n) const {
    std::string digits = std::to_string(n);
    if (static_cast<int>(digits.size()) < width) digits.insert(0, width - digits.size(), '0');
    return head + digits + tail;
  }
};

std::optional<NameTemplate> parse_template(const std::string& t) {
  size_t open = t.find('{');
  if (open == std::string::npos) return std::nullopt;
  size_t close = t.find('}', open);
  if (close == std::string::npos || t.find('{', close) != std::string::npos) return std::nullopt;
  std::string field = t.substr(open + 1, close - open - 1);
  NameTemplate nt{t.substr(0, open), t.substr(close + 1), 0};
  if (field == "n") return nt;
  if (field.size() == 4 && field.compare(0, 3, "n:0") == 0 && field[3] >= '1' && field[3] <= '9') {
    nt.width = field[3] - '0';
    return nt;
  }
  return std::nullopt;
}

}  // namespace

std::vector<Machine> Loader::read_machines(pugi::xml_node n) {
  Reader r(*this, n);
  std::uint64_t count = *r.uint("count");
  if (!r.has("count")) {
    if (r.has("power-on-step")) r.fail(ScenarioErrc::kConflict, "power-on-step", "power-on-step needs count");
    return {read_machine(n)};
  }
  constexpr std::uint64_t kMaxCount = 1000;
  if (count < 1 || count > kMaxCount)
    r.fail(ScenarioErrc::kBadValue, "count", "count must be between 1 and " + std::to_string(kMaxCount));
  std::string templ = *r.str("name");
  auto nt = parse_template(templ);
  if (!nt || !is_name(nt->name(1)))
    r.fail(ScenarioErrc::kBadValue, "name",
           "with count, name is a template with one {n} or {n:0W} (the machine's number from 1, zero-padded to W "
           "digits), e.g. \"node-{n:03}\"; the rest must make a name (letters, digits, '-', '_', '.')");
  Mac first = *r.mac("mac");
  std::uint64_t base = 0;
  for (std::uint8_t b : first) base = base << 8 | b;
  // The copies count up in the MAC's last three bytes, so all of them keep the first one's OUI.
  if ((base & 0xFFFFFF) + (count - 1) > 0xFFFFFF)
    r.fail(ScenarioErrc::kBadValue, "mac", "mac + count - 1 runs past xx:xx:xx:ff:ff:ff; start lower");
  SimTime on = *r.duration("power-on");
  SimTime step = *r.duration("power-on-step");
  std::vector<Machine> out;
  std::vector<std::string> names;
  for (std::uint64_t i = 0; i < count; ++i) {
    MachineCopy c;
    c.name = nt->name(i + 1);
    std::uint64_t v = base + i;
    for (int b = 5; b >= 0; --b, v >>= 8) c.mac[static_cast<size_t>(b)] = static_cast<std::uint8_t>(v & 0xFF);
    c.power_on = SimTime::from_ns(on.ns + step.ns * static_cast<std::int64_t>(i));
    names.push_back(c.name);
    out.push_back(read_machine(n, &c));
  }
  if (!groups_.emplace(templ, names).second)
    r.fail(ScenarioErrc::kDuplicateName, "name", "another <machine count> already uses the template '" + templ + "'");
  return out;
}

std::vector<std::string> Loader::machines_named(pugi::xml_node n, const char* attr,
                                                const std::vector<std::string>& names) {
  Reader r(*this, n);
  std::string v = *r.str(attr);
  if (auto g = groups_.find(v); g != groups_.end()) return g->second;
  if (v.find('{') == std::string::npos) {  // a plain name must be a name; a template just is not known
    std::string name = *r.name_value(attr);
    for (const auto& m : names)
      if (m == name) return {name};
  }
  std::string known;
  for (const auto& m : names) known += (known.empty() ? "" : ", ") + m;
  if (names.size() > 12) known = std::to_string(names.size()) + " of them";
  std::string templates;
  for (const auto& [t, members] : groups_) templates += (templates.empty() ? "" : ", ") + t;
  if (!templates.empty()) known += "; templates: " + templates;
  r.fail(ScenarioErrc::kUnknownReference, attr, "no machine named '" + v + "' (machines: " + known + ")");
}

}  // namespace bootsim::scenario::detail
