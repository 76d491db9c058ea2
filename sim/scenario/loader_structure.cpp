// Pass 2: the whole tree against the schema (unknown elements and attributes, required attributes, stray
// text, duplicates, size limits), so that pass 3 reads only what the table declares.
#include "sim/scenario/loader_detail.h"

#include <cstring>
#include <set>

namespace bootsim::scenario::detail {

void Loader::check_tree(pugi::xml_node n) {
  std::string sp = schema_path_of(n);
  const ElementSpec* spec = find_element(sp);
  if (!spec) {
    pugi::xml_node parent = n.parent();
    const ElementSpec* ps = parent.type() == pugi::node_element ? find_element(schema_path_of(parent)) : nullptr;
    if (!ps) fail(ScenarioErrc::kUnknownElement, n, nullptr, "the root element must be <scenario>, not <" + std::string(n.name()) + ">");
    fail(ScenarioErrc::kUnknownElement, n, nullptr,
         "unknown element <" + std::string(n.name()) + "> in <" + parent.name() + "> (allowed: " +
             (ps->children.empty() ? "none" : "<" + join(ps->children, ">, <") + ">") + ")");
  }
  for (auto a : n.attributes()) {
    if (std::strlen(a.value()) > kMaxAttributeChars)
      fail(ScenarioErrc::kTooLong, n, a.name(),
           "'" + std::string(a.name()) + "' is " + std::to_string(std::strlen(a.value())) +
               " characters long; the limit is " + std::to_string(kMaxAttributeChars));
    if (!find_attr(*spec, a.name())) {
      std::vector<std::string> names;
      for (const auto& s : spec->attrs) names.push_back(s.name);
      fail(ScenarioErrc::kUnknownAttribute, n, a.name(),
           "unknown attribute '" + std::string(a.name()) + "' on <" + n.name() + "> (allowed: " +
               (names.empty() ? "none" : join(names)) + ")");
    }
  }
  for (const auto& s : spec->attrs)
    if (s.required && !n.attribute(s.name.c_str()))
      fail(ScenarioErrc::kMissingAttribute, n, nullptr,
           "<" + std::string(n.name()) + "> needs attribute '" + s.name + "' (" + s.description + ")");
  std::set<std::string> seen;
  for (auto c : n.children()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      size_t limit = std::string(n.name()) == "cmdline" ? kMaxCmdlineChars : kMaxDescriptionChars;
      if (spec->text && std::strlen(c.value()) > limit)
        throw ScenarioError(ScenarioErrc::kTooLong, at_offset(c.offset_debug(), element_path_of(n) + "/text()"),
                            "<" + std::string(n.name()) + "> text is " + std::to_string(std::strlen(c.value())) +
                                " characters long; the limit is " + std::to_string(limit));
      if (!spec->text && !is_blank(c.value()))
        throw ScenarioError(ScenarioErrc::kUnexpectedText, at_offset(c.offset_debug(), element_path_of(n)),
                            "<" + std::string(n.name()) + "> takes no text, found '" + trim(c.value()).substr(0, 40) + "'");
      continue;
    }
    if (c.type() != pugi::node_element) continue;
    check_tree(c);
    const ElementSpec* cs = find_element(schema_path_of(c));
    if (!cs->repeatable && !seen.insert(c.name()).second)
      fail(ScenarioErrc::kDuplicateElement, c, nullptr,
           "<" + std::string(c.name()) + "> may appear only once in <" + n.name() + ">");
  }
}

}  // namespace bootsim::scenario::detail
