// Pass 1: overrides (`--set PATH=VALUE`, a sweep's `--vary`), applied to the XML before it is read and
// checked against the schema step by step (shared by apply_override and load_scenario).
#include "sim/scenario/loader_detail.h"

#include <algorithm>
#include <cassert>
#include <cctype>

namespace bootsim::scenario::detail {

OverrideTarget apply_override_impl(pugi::xml_document& doc, const std::string& path, const std::string& value) {
  auto fail = [&](const std::string& why) -> ScenarioError {
    return ScenarioError(ScenarioErrc::kBadOverride, SourceLocation{"override", 0, 0, path}, why);
  };
  std::string rest = path;
  if (!rest.empty() && rest[0] == '/') rest.erase(0, 1);
  if (rest.compare(0, 9, "scenario/") == 0) rest.erase(0, 9);
  else if (rest == "scenario") rest.clear();
  pugi::xml_node node = doc.child("scenario");
  if (!node) throw fail("the document has no <scenario> root");
  std::string schema = "scenario";
  std::vector<std::string> steps;
  for (size_t pos = 0; pos <= rest.size();) {
    // '/' inside a selector ("file[boot/x.ipxe]") does not split.
    size_t end = pos;
    int depth = 0;
    while (end < rest.size() && (rest[end] != '/' || depth > 0)) {
      if (rest[end] == '[') ++depth;
      if (rest[end] == ']') --depth;
      ++end;
    }
    steps.push_back(rest.substr(pos, end - pos));
    pos = end + 1;
  }
  if (steps.empty() || steps.back().empty()) throw fail("the path is empty or ends in '/'");
  for (size_t i = 0; i < steps.size(); ++i) {
    const std::string& step = steps[i];
    const ElementSpec* spec = find_element(schema);
    assert(spec);
    if (step[0] == '@') {
      if (i + 1 != steps.size()) throw fail("'" + step + "' must be the last step");
      std::string attr_name = step.substr(1);
      if (!find_attr(*spec, attr_name)) {
        std::vector<std::string> names;
        for (const auto& a : spec->attrs) names.push_back(a.name);
        throw fail("<" + std::string(node.name()) + "> has no attribute '" + attr_name + "' (it has: " +
                   (names.empty() ? "none" : join(names)) + ")");
      }
      pugi::xml_attribute a = node.attribute(attr_name.c_str());
      if (!a) a = node.append_attribute(attr_name.c_str());
      a.set_value(value.c_str());
      return {element_path_of(node) + "/@" + attr_name, a, node};
    }
    std::string name = step, selector;
    size_t br = step.find('[');
    if (br != std::string::npos) {
      if (step.back() != ']') throw fail("'" + step + "': expected element[selector]");
      name = step.substr(0, br);
      selector = step.substr(br + 1, step.size() - br - 2);
      if (selector.empty()) throw fail("'" + step + "': empty selector");
    }
    const ElementSpec* child = find_element(schema + "/" + name);
    if (!child) {
      throw fail("'" + name + "' is not an element of <" + std::string(node.name()) + "> (it has: " +
                 (spec->children.empty() ? "none" : join(spec->children)) + ")");
    }
    std::vector<pugi::xml_node> candidates;
    for (auto c : node.children(name.c_str())) candidates.push_back(c);
    pugi::xml_node next;
    if (!selector.empty()) {
      bool numeric = std::all_of(selector.begin(), selector.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
      if (numeric) {
        size_t index = std::stoul(selector);
        if (index < 1 || index > candidates.size())
          throw fail("<" + std::string(node.name()) + "> has " + std::to_string(candidates.size()) + " <" + name +
                     "> element(s); index " + selector + " does not exist");
        next = candidates[index - 1];
      } else {
        if (child->key_attr.empty())
          throw fail("<" + name + "> elements are selected by index only (" + name + "[1])");
        std::vector<std::string> keys;
        for (auto c : candidates) {
          keys.push_back(c.attribute(child->key_attr.c_str()).value());
          if (keys.back() == selector) next = c;
        }
        if (!next)
          throw fail("no <" + name + "> with " + child->key_attr + "='" + selector + "' (there are: " +
                     (keys.empty() ? "none" : join(keys)) + ")");
      }
    } else if (candidates.size() == 1) {
      next = candidates[0];
    } else if (candidates.empty() && !child->repeatable) {
      next = node.append_child(name.c_str());
    } else if (candidates.empty()) {
      throw fail("<" + std::string(node.name()) + "> has no <" + name + ">; select one with " + name + "[" +
                 (child->key_attr.empty() ? "1" : child->key_attr) + "]");
    } else {
      throw fail("'" + name + "' is ambiguous: <" + std::string(node.name()) + "> has " +
                 std::to_string(candidates.size()) + " of them; select one with " + name + "[" +
                 (child->key_attr.empty() ? "index" : child->key_attr) + "]");
    }
    node = next;
    schema += "/" + name;
  }
  const ElementSpec* spec = find_element(schema);
  if (!spec->text) throw fail("<" + std::string(node.name()) + "> takes no text; name an attribute with /@NAME");
  node.text().set(value.c_str());
  return {element_path_of(node), {}, node};
}

}  // namespace bootsim::scenario::detail
