// The strict scenario loader. Three passes over one pugixml document:
//   1. apply overrides (apply_override) — they are checked against the schema as they are applied;
//   2. check the whole tree against the schema (unknown elements/attributes, required attributes, stray
//      text, duplicates) — so that later passes only read what the table declares;
//   3. read values into the plain structs through Reader, which parses every attribute by its declared
//      type and default, then cross-check what spans elements (files served, addresses in the subnet).
// Locations: pugixml parses in situ, so a node's offset_debug() is its name's offset in the file text we
// keep aside; attributes have no offset, so we re-scan the start tag for the attribute's name.
#include "sim/scenario/loader.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include <pugixml.hpp>

#include "firmware/memory_map.h"
#include "sim/core/host_paths.h"
#include "sim/proto/dhcp_packet.h"
#include "sim/scenario/schema.h"
#include "sim/scenario/units.h"

namespace fs = std::filesystem;

namespace bootsim::scenario {

const char* to_string(ScenarioErrc c) {
  switch (c) {
    case ScenarioErrc::kFileUnreadable: return "file_unreadable";
    case ScenarioErrc::kXmlSyntax: return "xml_syntax";
    case ScenarioErrc::kUnknownElement: return "unknown_element";
    case ScenarioErrc::kUnknownAttribute: return "unknown_attribute";
    case ScenarioErrc::kUnexpectedText: return "unexpected_text";
    case ScenarioErrc::kMissingAttribute: return "missing_attribute";
    case ScenarioErrc::kMissingElement: return "missing_element";
    case ScenarioErrc::kDuplicateElement: return "duplicate_element";
    case ScenarioErrc::kBadValue: return "bad_value";
    case ScenarioErrc::kDuplicateName: return "duplicate_name";
    case ScenarioErrc::kUnknownProfile: return "unknown_profile";
    case ScenarioErrc::kUnknownReference: return "unknown_reference";
    case ScenarioErrc::kConflict: return "conflict";
    case ScenarioErrc::kMissingFile: return "missing_file";
    case ScenarioErrc::kUnresolvedPlaceholder: return "unresolved_placeholder";
    case ScenarioErrc::kBadOverride: return "bad_override";
    case ScenarioErrc::kUnsafePath: return "unsafe_path";
    case ScenarioErrc::kBadFile: return "bad_file";
    case ScenarioErrc::kTooLong: return "too_long";
  }
  return "?";
}

std::string to_string(const SourceLocation& w) {
  std::string s = w.file;
  if (w.line > 0) s += ":" + std::to_string(w.line) + ":" + std::to_string(w.column);
  if (!w.path.empty()) s += (s.empty() ? "" : ": ") + w.path;
  return s;
}

ScenarioError::ScenarioError(ScenarioErrc code, SourceLocation where, std::string description)
    : InputError(to_string(where) + ": " + description),
      code_(code),
      where_(std::move(where)),
      description_(std::move(description)) {}

namespace {

std::string join(const std::vector<std::string>& v, const char* sep = ", ") {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

bool is_blank(const char* s) {
  for (; *s; ++s)
    if (!std::isspace(static_cast<unsigned char>(*s))) return false;
  return true;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

/// `s` with control characters shown as \xNN, for messages that quote what the user gave.
std::string printable(const std::string& s) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

std::string schema_path_of(pugi::xml_node n) {
  std::string p;
  for (; n && n.type() == pugi::node_element; n = n.parent()) p = p.empty() ? n.name() : std::string(n.name()) + "/" + p;
  return p;
}

std::string element_path_of(pugi::xml_node n) {
  std::string p;
  for (; n && n.type() == pugi::node_element; n = n.parent()) {
    std::string step = n.name();
    const ElementSpec* spec = find_element(schema_path_of(n));
    bool repeatable = spec ? spec->repeatable : n.parent().children(n.name()).begin() != n.parent().children(n.name()).end() &&
                                                    ++n.parent().children(n.name()).begin() != n.parent().children(n.name()).end();
    if (repeatable) {
      int index = 1;
      for (auto s = n.previous_sibling(n.name()); s; s = s.previous_sibling(n.name())) ++index;
      step += "[" + std::to_string(index) + "]";
    }
    p = "/" + step + p;
  }
  return p;
}

// ---------------------------------------------------------------------------------------------------
// Overrides (shared by apply_override and load_scenario)

struct OverrideTarget {
  std::string path;             ///< concrete element path of what was set
  pugi::xml_attribute attr;     ///< set when the path ends in @attribute
  pugi::xml_node element;       ///< the element (whose text was set, when attr is empty)
};

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

// ---------------------------------------------------------------------------------------------------
// Loading context and located errors

class Loader {
 public:
  Loader(std::string file, const LoadOptions& opts) : file_(std::move(file)), opts_(opts) {}

  Scenario load();

 private:
  friend class Reader;

  // --- locations -------------------------------------------------------------------------------------
  SourceLocation at_offset(std::ptrdiff_t offset, std::string path) const {
    SourceLocation w{file_, 0, 0, std::move(path)};
    if (offset < 0 || static_cast<size_t>(offset) > text_.size()) return w;
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), static_cast<size_t>(offset));
    size_t line_start = *(it - 1);
    w.line = static_cast<int>(it - line_starts_.begin());
    int col = 1;
    for (size_t i = line_start; i < static_cast<size_t>(offset); ++i)
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++col;  // count UTF-8 characters
    w.column = col;
    return w;
  }
  /// The '<' of an element; elements created by an override take their nearest parsed ancestor's place.
  std::ptrdiff_t element_offset(pugi::xml_node n) const {
    for (; n; n = n.parent())
      if (n.offset_debug() > 0) return n.offset_debug() - 1;
    return 0;
  }
  /// The attribute's name inside the element's start tag (re-scanned from the original text).
  std::ptrdiff_t attribute_offset(pugi::xml_node n, const char* name) const {
    std::ptrdiff_t start = n.offset_debug();
    if (start < 0) return element_offset(n);
    size_t i = static_cast<size_t>(start);
    auto name_char = [&](size_t k) {
      char ch = text_[k];
      return !std::isspace(static_cast<unsigned char>(ch)) && ch != '=' && ch != '>' && ch != '/';
    };
    while (i < text_.size() && name_char(i)) ++i;  // element name
    while (i < text_.size()) {
      while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
      if (i >= text_.size() || text_[i] == '>' || text_[i] == '/') break;
      size_t name_start = i;
      while (i < text_.size() && name_char(i)) ++i;
      std::string attr = text_.substr(name_start, i - name_start);
      while (i < text_.size() && (std::isspace(static_cast<unsigned char>(text_[i])) || text_[i] == '=')) ++i;
      if (i < text_.size() && (text_[i] == '"' || text_[i] == '\'')) {
        char q = text_[i++];
        while (i < text_.size() && text_[i] != q) ++i;
        ++i;
      }
      if (attr == name) return static_cast<std::ptrdiff_t>(name_start);
    }
    return element_offset(n);
  }

  SourceLocation where(pugi::xml_node n) const { return at_offset(element_offset(n), element_path_of(n)); }
  SourceLocation where(pugi::xml_node n, const char* attr) const {
    return at_offset(attribute_offset(n, attr), element_path_of(n) + "/@" + attr);
  }
  SourceLocation where_text(pugi::xml_node n) const {
    for (auto c : n.children())
      if ((c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) && c.offset_debug() >= 0)
        return at_offset(c.offset_debug(), element_path_of(n) + "/text()");
    return where(n);
  }

  [[noreturn]] void fail(ScenarioErrc code, pugi::xml_node n, const char* attr, const std::string& what) const {
    if (attr) {
      pugi::xml_attribute a = n.attribute(attr);
      auto it = a ? overridden_.find(a.internal_object()) : overridden_.end();
      if (it != overridden_.end())
        throw ScenarioError(code, SourceLocation{file_, 0, 0, element_path_of(n) + "/@" + attr},
                            "(set by override " + it->second + ") " + what);
      throw ScenarioError(code, where(n, attr), what);
    }
    auto it = overridden_.find(n.internal_object());
    if (it != overridden_.end())
      throw ScenarioError(code, SourceLocation{file_, 0, 0, element_path_of(n)},
                          "(set by override " + it->second + ") " + what);
    throw ScenarioError(code, where(n), what);
  }

  // --- passes ----------------------------------------------------------------------------------------
  void check_tree(pugi::xml_node n);
  std::string expand(pugi::xml_node n, const char* attr, const std::string& value, bool is_path);
  std::optional<std::string> env(const std::string& name) const {
    if (opts_.getenv) return opts_.getenv(name);
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  }

  void read_network(pugi::xml_node n, Network& net);
  void read_dhcp(pugi::xml_node n, Network& net, bool base);
  void read_switch(pugi::xml_node n, SwitchPort& sw);
  void read_served(pugi::xml_node parent, std::vector<ServedFile>& files);
  Machine read_machine(pugi::xml_node n);
  void apply_nic(pugi::xml_node n, Machine& m);
  void apply_nic_fields(pugi::xml_node n, Machine& m);
  void apply_firmware(pugi::xml_node n, Machine& m);
  void read_key(pugi::xml_node n, std::vector<KeyTrigger>& keys);
  void read_expect(pugi::xml_node n, const std::vector<Machine>& machines, std::vector<Expectation>& out);
  Variant read_variant(pugi::xml_node n, const Scenario& s);
  void cross_check(const Network& net, const std::vector<Machine>& machines);
  std::vector<Machine*> target_machines(pugi::xml_node n, std::vector<Machine>& machines);

  std::string file_;
  const LoadOptions& opts_;
  std::string text_;
  std::vector<size_t> line_starts_;
  pugi::xml_document doc_;
  std::string dir_;
  std::map<std::string, std::string> params_;
  std::unordered_map<const void*, std::string> overridden_;  ///< xml node/attribute → "path=value"
  bool lenient_ = false;  ///< reading a skipped variant: unresolvable files and env vars are not errors
  // The attributes that last set the DHCP boot files, for cross-check locations.
  pugi::xml_node dhcp_node_;
  std::map<std::string, pugi::xml_node> machine_nodes_, base_nic_nodes_;
};

// ---------------------------------------------------------------------------------------------------
// Reader: typed, table-driven access to one element's attributes.

class Reader {
 public:
  Reader(Loader& l, pugi::xml_node n) : l_(l), n_(n), spec_(find_element(schema_path_of(n))) {
    assert(spec_ && "check_tree lets only known elements through");
  }

  bool has(const char* name) const { return static_cast<bool>(n_.attribute(name)); }
  pugi::xml_node node() const { return n_; }

  /// The expanded attribute value, else the table's default (when it is a value), else nullopt.
  std::optional<std::string> str(const char* name, bool is_path = false) {
    const AttrSpec& a = spec(name);
    if (pugi::xml_attribute attr = n_.attribute(name)) return l_.expand(n_, name, attr.value(), is_path);
    if (!a.default_value.empty() && a.default_value[0] != '(') return a.default_value;
    return std::nullopt;
  }

  template <typename V, typename Parse>
  std::optional<V> typed(const char* name, AttrType type, Parse parse, const char* expected) {
    const AttrSpec& a = spec(name);
    assert(a.type == type && "attribute read with the type the table declares");
    (void)a;
    (void)type;
    auto text = str(name);
    if (!text) return std::nullopt;
    auto v = parse(*text);
    if (!v) {
      assert(has(name) && "table defaults must parse");
      fail(ScenarioErrc::kBadValue, name, "'" + *text + "' is not " + expected);
    }
    return V(*v);
  }

  std::optional<SimTime> duration(const char* name) {
    return typed<SimTime>(name, AttrType::kDuration, [](const std::string& t) { return parse_duration(t); },
                          "a duration: a number and a unit (ns, us, ms, s, m), e.g. 10s, 250ms, 1.5s");
  }
  std::optional<bool> boolean(const char* name) {
    return typed<bool>(name, AttrType::kBool, parse_bool, "a bool (true, false, on, off)");
  }
  std::optional<std::uint64_t> uint(const char* name) {
    return typed<std::uint64_t>(name, AttrType::kUint, parse_uint, "a non-negative integer");
  }
  std::optional<double> percent(const char* name) {
    return typed<double>(name, AttrType::kPercent, parse_percent, "a percentage from 0% to 100%, e.g. 5%");
  }
  std::optional<std::uint64_t> bitrate(const char* name) {
    return typed<std::uint64_t>(name, AttrType::kBitRate, parse_bitrate, "a bit rate, e.g. 1Gbps, 100Mbps");
  }
  std::optional<std::uint64_t> bytes(const char* name) {
    return typed<std::uint64_t>(name, AttrType::kBytes, parse_bytes, "a size with a binary unit, e.g. 64MiB, 640KiB");
  }
  std::optional<std::uint32_t> ipv4(const char* name) {
    return typed<std::uint32_t>(name, AttrType::kIpv4, parse_ipv4_strict, "an IPv4 address, e.g. 10.0.2.100");
  }
  std::optional<std::pair<std::uint32_t, int>> cidr(const char* name) {
    return typed<std::pair<std::uint32_t, int>>(name, AttrType::kCidr, parse_cidr,
                                                "a subnet in CIDR form with zero host bits and a /1../30 prefix, "
                                                "e.g. 10.0.2.0/24");
  }
  std::optional<Mac> mac(const char* name) {
    auto m = typed<Mac>(name, AttrType::kMac, parse_mac, "a MAC address, e.g. 52:54:00:12:34:56");
    if (m && ((*m)[0] & 1))
      fail(ScenarioErrc::kBadValue, name,
           format_mac(*m) + " is a broadcast or multicast address; a NIC needs a unicast MAC (first octet even)");
    return m;
  }
  std::optional<std::string> name_value(const char* name) {
    return typed<std::string>(name, AttrType::kName, [](const std::string& t) -> std::optional<std::string> {
      // A name becomes part of a file name (artifacts, output folders): it starts with a letter or
      // digit, so "..", "." and hidden names like ".staging" are not names.
      if (t.empty() || !std::isalnum(static_cast<unsigned char>(t[0]))) return std::nullopt;
      for (char c : t)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return std::nullopt;
      return t;
    }, "a name (letters, digits, '-', '_', '.', starting with a letter or digit)");
  }
  std::optional<std::string> text_value(const char* name) {
    assert(spec(name).type == AttrType::kString || spec(name).type == AttrType::kKeys);
    return str(name);
  }
  std::optional<std::string> choice(const char* name) {
    const AttrSpec& a = spec(name);
    assert(a.type == AttrType::kEnum);
    auto t = str(name);
    if (t && std::find(a.choices.begin(), a.choices.end(), *t) == a.choices.end())
      fail(ScenarioErrc::kBadValue, name, "'" + *t + "' is not one of: " + join(a.choices));
    return t;
  }
  /// A host path, expanded and made absolute; `kind` "file" or "directory" is checked to exist.
  std::optional<std::string> path(const char* name, const char* kind) {
    assert(spec(name).type == AttrType::kPath);
    auto t = str(name, true);
    if (!t) return std::nullopt;
    if (t->empty()) fail(ScenarioErrc::kBadValue, name, "empty path");
    fs::path p(*t);
    if (p.is_relative()) p = fs::path(l_.dir_) / p;
    p = p.lexically_normal();
    if (!l_.lenient_) {
      std::error_code ec;
      fs::file_status st = fs::status(p, ec);
      if (!fs::exists(st)) fail(ScenarioErrc::kMissingFile, name, std::string(kind) + " '" + p.string() + "' does not exist");
      bool ok = std::string(kind) == "directory" ? fs::is_directory(st) : fs::is_regular_file(st);
      if (!ok) fail(ScenarioErrc::kBadFile, name, "'" + p.string() + "' is " + file_kind(p.string()) + ", not a " + kind);
    }
    return p.string();
  }

  /// A host file the run reads (an NBP, a served file): path(name, "file"), then checked to be a
  /// regular, readable file of 1..max_bytes bytes, so that it fails here with its location and not
  /// in the middle of a run.
  std::optional<std::string> input_file(const char* name, std::uint64_t max_bytes) {
    auto p = path(name, "file");
    if (p && !l_.lenient_)
      if (auto why = input_file_problem(*p, max_bytes)) fail(ScenarioErrc::kBadFile, name, "'" + *p + "' " + *why);
    return p;
  }
  /// A name the run turns into a path under a folder of its own (a served file's name): a plain
  /// relative path, see host_paths.h.
  std::string relative_name(const char* name, const std::string& value) {
    if (auto why = relative_path_problem(value))
      fail(ScenarioErrc::kUnsafePath, name, "'" + printable(value) + "' " + *why + "; a plain relative path is needed");
    return value;
  }

  /// The element's text content, trimmed.
  std::string text() const { return trim(n_.text().get()); }

  [[noreturn]] void fail(ScenarioErrc code, const char* attr, const std::string& what) const {
    l_.fail(code, n_, attr, what);
  }

 private:
  const AttrSpec& spec(const char* name) const {
    const AttrSpec* a = find_attr(*spec_, name);
    assert(a && "every attribute the loader reads is declared in schema.cpp");
    return *a;
  }

  Loader& l_;
  pugi::xml_node n_;
  const ElementSpec* spec_;
};

// ---------------------------------------------------------------------------------------------------
// Pass 2: structure

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

std::string Loader::expand(pugi::xml_node n, const char* attr, const std::string& value, bool is_path) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = value.find("${", pos);
    if (open == std::string::npos) break;
    size_t close = value.find('}', open);
    if (close == std::string::npos) break;
    out += value.substr(pos, open - pos);
    std::string key = value.substr(open + 2, close - open - 2);
    pos = close + 1;
    auto unresolved = [&](const std::string& why) {
      if (lenient_) return false;
      fail(ScenarioErrc::kUnresolvedPlaceholder, n, attr, why);
    };
    if (key == "payloads") {
      // ${payloads}/NAME: the first payload directory that holds NAME.
      std::string name = value.substr(pos);
      size_t end = name.find_first_of(" \t\n");
      name = name.substr(0, end);
      if (!name.empty() && name[0] == '/') name.erase(0, 1);
      std::string found;
      for (const auto& d : opts_.payload_dirs)
        if (!name.empty() && fs::exists(fs::path(d) / name)) {
          found = d;
          break;
        }
      if (found.empty()) {
        unresolved("${payloads}/" + name + ": not found in the payload directories (" +
                   (opts_.payload_dirs.empty() ? std::string("none given") : join(opts_.payload_dirs)) +
                   "); build bootsim's payloads or pass their directory");
        found = "${payloads}";
      }
      out += found;
    } else if (key == "ipxe") {
      out += opts_.ipxe_dir;
    } else if (key == "scenario-dir") {
      out += dir_;
    } else if (key.compare(0, 4, "env:") == 0) {
      auto v = env(key.substr(4));
      if (!v || v->empty()) {
        unresolved("${" + key + "}: environment variable " + key.substr(4) + " is not set");
        out += "${" + key + "}";
      } else {
        out += *v;
      }
    } else if (key.compare(0, 6, "param:") == 0) {
      auto it = params_.find(key.substr(6));
      if (it == params_.end()) {
        std::vector<std::string> names;
        for (const auto& [k, _] : params_) names.push_back(k);
        fail(ScenarioErrc::kUnknownReference, n, attr,
             "${" + key + "}: no <param name=\"" + key.substr(6) + "\"> (params: " +
                 (names.empty() ? "none" : join(names)) + ")");
      }
      out += it->second;
    } else if (is_path) {
      fail(ScenarioErrc::kUnresolvedPlaceholder, n, attr,
           "unknown placeholder ${" + key + "} (known: ${payloads}, ${ipxe}, ${scenario-dir}, ${env:NAME}, ${param:NAME})");
    } else {
      out += "${" + key + "}";  // iPXE's own settings syntax, e.g. ${net0/mac}
    }
  }
  return out + value.substr(pos);
}

// ---------------------------------------------------------------------------------------------------
// Pass 3: values

std::uint32_t host_in(std::uint32_t subnet, std::uint32_t host) { return subnet | host; }

bool in_subnet(const Network& net, std::uint32_t addr) {
  std::uint32_t mask = 0xFFFFFFFFu << (32 - net.prefix_len);
  std::uint32_t host = addr & ~mask;
  return (addr & mask) == net.subnet && host != 0 && host != ~mask;
}

/// A served root: every entry in it must be something a server can open without blocking (a FIFO in a
/// root would hang the TFTP server mid-run).
std::string served_root(Reader& r, const std::string& root) {
  if (auto why = served_root_problem(root)) r.fail(ScenarioErrc::kBadFile, "root", "'" + root + "' " + *why);
  return root;
}

/// rom-filename / ipxe-filename: a URL (scheme://…) or a name under the TFTP root, which must then be a
/// plain relative path (a leading '/' is how many configs write it and is allowed).
std::string boot_file_name(Reader& r, const char* attr, const std::string& value) {
  if (value.find("://") != std::string::npos) {
    for (char c : value)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
        r.fail(ScenarioErrc::kUnsafePath, attr, "'" + printable(value) + "' contains a control character");
    return value;
  }
  if (!value.empty()) r.relative_name(attr, value[0] == '/' ? value.substr(1) : value);
  return value;
}

void Loader::read_network(pugi::xml_node n, Network& net) {
  Reader r(*this, n);
  auto [subnet, len] = *r.cidr("subnet");
  net.subnet = subnet;
  net.prefix_len = len;
  net.ipv6_ra = *r.boolean("ipv6-ra");
  // TFTP and HTTP first: the DHCP checks below look at what they serve.
  if (auto t = n.child("tftp")) {
    Reader tr(*this, t);
    if (auto root = tr.path("root", "directory")) net.tftp.root = served_root(tr, *root);
    read_served(t, net.tftp.files);
  }
  if (auto h = n.child("http")) {
    Reader hr(*this, h);
    net.http.enabled = true;
    if (auto a = hr.ipv4("address")) net.http.address = *a;
    else net.http.address = host_in(net.subnet, 100);
    if (!in_subnet(net, net.http.address))
      hr.fail(ScenarioErrc::kBadValue, hr.has("address") ? "address" : nullptr,
              format_ipv4(net.http.address) + " is not a host address in " + format_ipv4(net.subnet) + "/" +
                  std::to_string(net.prefix_len));
    auto port = *hr.uint("port");
    if (port < 1 || port > 65535) hr.fail(ScenarioErrc::kBadValue, "port", "port " + std::to_string(port) + " is not in 1..65535");
    net.http.port = static_cast<std::uint16_t>(port);
    if (auto root = hr.path("root", "directory")) net.http.root = served_root(hr, *root);
    read_served(h, net.http.files);
  }
  read_dhcp(n.child("dhcp"), net, true);
  if (auto s = n.child("switch")) read_switch(s, net.switch_port);
  else net.switch_port = SwitchPort{SwitchPortMode::kEdge, SimTime::from_s(15), SimTime::from_s(2)};
}

void Loader::read_served(pugi::xml_node parent, std::vector<ServedFile>& files) {
  std::set<std::string> names;
  for (auto f : parent.children("file")) {
    Reader fr(*this, f);
    ServedFile sf;
    sf.name = *fr.text_value("name");
    if (!sf.name.empty() && sf.name[0] == '/') sf.name.erase(0, 1);  // "/mboot.c32", as a URL path reads
    if (sf.name.empty()) fr.fail(ScenarioErrc::kBadValue, "name", "empty file name");
    fr.relative_name("name", sf.name);
    if (!names.insert(sf.name).second)
      fr.fail(ScenarioErrc::kDuplicateName, "name", "a <file> named '" + sf.name + "' is already served here");
    sf.source = *fr.input_file("source", kMaxServedFileBytes);
    files.push_back(sf);
  }
}

void Loader::read_dhcp(pugi::xml_node n, Network& net, bool base) {
  DhcpService& d = net.dhcp;
  if (base) {
    d.server = host_in(net.subnet, 2);
    d.pool_start = host_in(net.subnet, 15);
  }
  Reader r(*this, n);
  dhcp_node_ = n;
  auto when = [&](const char* name) { return base || r.has(name); };
  if (when("mode")) {
    std::string mode = *r.choice("mode");
    d.mode = mode == "full" ? DhcpMode::kFull : mode == "proxy" ? DhcpMode::kProxy : DhcpMode::kNone;
  }
  if (auto v = r.ipv4("server")) d.server = *v;
  if (!in_subnet(net, d.server))
    r.fail(ScenarioErrc::kBadValue, r.has("server") ? "server" : nullptr,
           "server " + format_ipv4(d.server) + " is not a host address in the subnet");
  if (auto v = r.ipv4("next-server")) d.next_server = *v;
  else if (base) d.next_server = d.server;
  if (auto v = r.ipv4("pool-start")) d.pool_start = *v;
  if (when("pool-size")) {
    auto size = *r.uint("pool-size");
    if (size < 1 || size > 65536) r.fail(ScenarioErrc::kBadValue, "pool-size", "pool-size must be 1..65536");
    d.pool_size = static_cast<std::uint32_t>(size);
  }
  if (!in_subnet(net, d.pool_start) || !in_subnet(net, d.pool_start + d.pool_size - 1))
    r.fail(ScenarioErrc::kBadValue, r.has("pool-start") ? "pool-start" : r.has("pool-size") ? "pool-size" : nullptr,
           "the pool " + format_ipv4(d.pool_start) + " + " + std::to_string(d.pool_size) +
               " addresses does not fit in the subnet");
  if (d.server >= d.pool_start && d.server < d.pool_start + d.pool_size)
    r.fail(ScenarioErrc::kConflict, r.has("server") ? "server" : "pool-start", "the server's address lies inside the pool");
  if (when("lease")) {
    d.lease = *r.duration("lease");
    if (d.lease.ns <= 0 || d.lease.ns % 1000000000 != 0)
      r.fail(ScenarioErrc::kBadValue, "lease", "the lease must be a positive whole number of seconds");
  }
  if (when("rom-filename")) d.rom_filename = boot_file_name(r, "rom-filename", *r.text_value("rom-filename"));
  if (auto v = r.text_value("ipxe-filename")) d.ipxe_filename = boot_file_name(r, "ipxe-filename", *v);
  else if (base) d.ipxe_filename = d.rom_filename;
  if (when("reply-delay")) d.reply_delay = *r.duration("reply-delay");
  if (when("drop-rate")) d.drop_rate = *r.percent("drop-rate");
  if (net.http.enabled && net.http.address == d.server)
    r.fail(ScenarioErrc::kConflict, r.has("server") ? "server" : nullptr,
           "the HTTP address and the DHCP server (slirp's gateway) must differ: slirp cannot serve the gateway "
           "address in-process (ref/slirp-notes.md)");
}

void Loader::read_switch(pugi::xml_node n, SwitchPort& sw) {
  Reader r(*this, n);
  bool base = schema_path_of(n) == "scenario/network/switch";
  if (base || r.has("port")) {
    std::string p = *r.choice("port");
    sw.mode = p == "edge" ? SwitchPortMode::kEdge : p == "portfast" ? SwitchPortMode::kPortfast
            : p == "stp" ? SwitchPortMode::kStp : SwitchPortMode::kRstp;
  }
  if (base || r.has("forward-delay")) sw.forward_delay = *r.duration("forward-delay");
  if (base || r.has("hello")) sw.hello = *r.duration("hello");
  if (r.has("forward-delay") && sw.mode != SwitchPortMode::kStp && sw.mode != SwitchPortMode::kRstp)
    r.fail(ScenarioErrc::kConflict, "forward-delay", "forward-delay only applies to port=\"stp\" or \"rstp\"");
  if (r.has("hello") && sw.mode != SwitchPortMode::kRstp && sw.mode != SwitchPortMode::kPortfast)
    r.fail(ScenarioErrc::kConflict, "hello", "hello only applies to port=\"rstp\" or \"portfast\"");
  if (sw.hello.ns <= 0) r.fail(ScenarioErrc::kBadValue, "hello", "hello must be greater than 0s");
}

Machine Loader::read_machine(pugi::xml_node n) {
  Reader r(*this, n);
  Machine m;
  m.name = *r.name_value("name");
  m.mac = *r.mac("mac");
  auto ram = *r.bytes("ram");
  if (ram < (16u << 20) || ram > 0xFFFFFFFFull)
    r.fail(ScenarioErrc::kBadValue, "ram", "ram must be between 16MiB and 4095MiB");
  m.ram_bytes = static_cast<std::uint32_t>(ram);
  m.nic_profile = "generic";
  m.nic = *find_profile("generic");
  base_nic_nodes_[m.name] = n.child("nic");
  if (auto nic = n.child("nic")) apply_nic(nic, m);
  if (auto fw = n.child("firmware")) apply_firmware(fw, m);
  else m.start = FirmwareStart::kPxeRom;
  if (auto c = n.child("cmdline")) m.cmdline = expand(c, nullptr, Reader(*this, c).text(), false);
  for (auto k : n.children("key")) read_key(k, m.keys);
  return m;
}

void Loader::apply_nic_fields(pugi::xml_node n, Machine& m) {
  Reader r(*this, n);
  auto mark = [&](const char* f) {
    if (std::find(m.nic_overridden.begin(), m.nic_overridden.end(), f) == m.nic_overridden.end())
      m.nic_overridden.push_back(f);
  };
  if (auto v = r.duration("autoneg")) { m.nic.autoneg = *v; mark("autoneg"); }
  if (auto v = r.duration("jitter")) { m.nic.jitter = *v; mark("jitter"); }
  if (auto v = r.boolean("drop-on-initialize")) { m.nic.drop_on_initialize = *v; mark("drop-on-initialize"); }
  if (auto v = r.boolean("drop-on-reset")) { m.nic.drop_on_reset = *v; mark("drop-on-reset"); }
  if (auto v = r.boolean("drop-on-shutdown")) { m.nic.drop_on_shutdown = *v; mark("drop-on-shutdown"); }
  if (auto v = r.boolean("drop-on-open")) { m.nic.drop_on_open = *v; mark("drop-on-open"); }
  if (auto v = r.bitrate("speed")) {
    if (*v == 0 || *v > 0xFFFFFFFFull) r.fail(ScenarioErrc::kBadValue, "speed", "speed must be between 1bps and 4Gbps");
    m.nic.link_speed_bps = static_cast<std::uint32_t>(*v);
    mark("speed");
  }
}

void Loader::apply_nic(pugi::xml_node n, Machine& m) {
  Reader r(*this, n);
  bool base = schema_path_of(n) == "scenario/machine/nic";
  if (base || r.has("profile")) {
    std::string name = *r.name_value("profile");
    auto p = find_profile(name);
    if (!p)
      r.fail(ScenarioErrc::kUnknownProfile, "profile",
             "unknown NIC profile '" + name + "' (known: " + join(profile_names()) + ")");
    m.nic_profile = name;
    m.nic = *p;
    m.nic_overridden.clear();
    // A variant that switches the profile keeps the fields the machine itself overrides.
    if (!base)
      if (auto own = base_nic_nodes_[m.name]) apply_nic_fields(own, m);
  }
  apply_nic_fields(n, m);
}

void Loader::apply_firmware(pugi::xml_node n, Machine& m) {
  Reader r(*this, n);
  if (r.has("rom") && r.has("nbp"))
    r.fail(ScenarioErrc::kConflict, "nbp",
           "rom and nbp exclude each other: rom=\"pxe\" boots the rom-filename the ROM downloads, nbp starts "
           "directly at a file");
  if (r.has("nbp")) {
    m.start = FirmwareStart::kNbp;
    m.nbp = *r.input_file("nbp", layout::kMaxNbpBytes);
  } else {
    r.choice("rom");  // validates the value
    m.start = FirmwareStart::kPxeRom;
    m.nbp.clear();
  }
}

void Loader::read_key(pugi::xml_node n, std::vector<KeyTrigger>& keys) {
  Reader r(*this, n);
  bool at = r.has("at"), on = r.has("on-console");
  if (at == on)
    r.fail(at ? ScenarioErrc::kConflict : ScenarioErrc::kMissingAttribute, at ? "on-console" : nullptr,
           "a key trigger needs exactly one of 'at' (a time) or 'on-console' (a text)");
  if (r.has("after-console") && !on)
    r.fail(ScenarioErrc::kConflict, "after-console", "after-console only applies with on-console");
  KeyTrigger t;
  t.keys_text = *r.text_value("keys");
  std::string err;
  auto parsed = parse_keys(t.keys_text, &err);
  if (!parsed) r.fail(ScenarioErrc::kBadValue, "keys", "'" + t.keys_text + "': " + err);
  t.keys = *parsed;
  if (at) t.at = *r.duration("at");
  if (on) {
    t.on_console = *r.text_value("on-console");
    if (t.on_console.empty()) r.fail(ScenarioErrc::kBadValue, "on-console", "empty console text");
  }
  if (auto after = r.text_value("after-console")) {
    if (after->empty()) r.fail(ScenarioErrc::kBadValue, "after-console", "empty console text");
    KeyTrigger wait;  // no keys: only moves the sequence on
    wait.on_console = *after;
    keys.push_back(wait);
  }
  keys.push_back(std::move(t));
}

std::vector<Machine*> Loader::target_machines(pugi::xml_node n, std::vector<Machine>& machines) {
  Reader r(*this, n);
  std::vector<Machine*> out;
  if (auto name = r.name_value("machine")) {
    for (auto& m : machines)
      if (m.name == *name) out.push_back(&m);
    if (out.empty()) {
      std::vector<std::string> names;
      for (auto& m : machines) names.push_back(m.name);
      r.fail(ScenarioErrc::kUnknownReference, "machine", "no machine named '" + *name + "' (machines: " + join(names) + ")");
    }
  } else {
    for (auto& m : machines) out.push_back(&m);
  }
  return out;
}

std::optional<Phase> phase_from(const std::string& s) {
  for (Phase p : {Phase::kRomDhcp, Phase::kNbpDownload, Phase::kIpxeInit, Phase::kIpxeDhcp, Phase::kScriptDownload,
                  Phase::kKernelDownload, Phase::kLinkDown})
    if (s == to_string(p)) return p;
  return std::nullopt;
}

void Loader::read_expect(pugi::xml_node n, const std::vector<Machine>& machines, std::vector<Expectation>& out) {
  Reader r(*this, n);
  std::string machine;
  if (auto name = r.name_value("machine")) {
    if (std::none_of(machines.begin(), machines.end(), [&](const Machine& m) { return m.name == *name; })) {
      std::vector<std::string> names;
      for (auto& m : machines) names.push_back(m.name);
      r.fail(ScenarioErrc::kUnknownReference, "machine", "no machine named '" + *name + "' (machines: " + join(names) + ")");
    }
    machine = *name;
  }
  if (n.first_child().type() != pugi::node_element && !n.find_child([](pugi::xml_node c) { return c.type() == pugi::node_element; }))
    r.fail(ScenarioErrc::kMissingElement, nullptr, "<expect> is empty: give it <console>, <handoff>, … children");
  for (auto c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    Reader cr(*this, c);
    Expectation e;
    e.machine = machine;
    e.where = where(c);
    std::string kind = c.name();
    if (kind == "console" || kind == "no-console") {
      ExpectConsole x;
      x.present = kind == "console";
      x.text = *cr.text_value("text");
      if (x.text.empty()) cr.fail(ScenarioErrc::kBadValue, "text", "empty text");
      x.raw = *cr.boolean("raw");
      x.before = cr.duration("before");
      x.after = cr.duration("after");
      if (x.before && x.after && *x.after >= *x.before)
        cr.fail(ScenarioErrc::kConflict, "after", "after must be earlier than before");
      e.body = x;
    } else if (kind == "dhcp") {
      ExpectDhcp x;
      x.phase = *cr.choice("phase") == "rom" ? DhcpPhase::kRom : DhcpPhase::kIpxe;
      x.lease = *cr.choice("result") == "lease";
      e.body = x;
    } else if (kind == "handoff") {
      ExpectHandoff x;
      std::string k = *cr.text_value("kernel");
      if (k.empty()) cr.fail(ScenarioErrc::kBadValue, "kernel", "empty kernel name (use any, none or an image name)");
      x.kind = k == "any" ? ExpectHandoff::Kind::kAny : k == "none" ? ExpectHandoff::Kind::kNone : ExpectHandoff::Kind::kKernel;
      if (x.kind == ExpectHandoff::Kind::kKernel) x.kernel = k;
      x.cmdline_contains = cr.text_value("cmdline-contains").value_or("");
      if (x.kind == ExpectHandoff::Kind::kNone && cr.has("cmdline-contains"))
        cr.fail(ScenarioErrc::kConflict, "cmdline-contains", "cmdline-contains does not apply to kernel=\"none\"");
      e.body = x;
    } else if (kind == "dropped-frames") {
      ExpectDroppedFrames x;
      x.min = *cr.uint("min");
      x.max = cr.uint("max");
      if (x.max && *x.max < x.min) cr.fail(ScenarioErrc::kConflict, "max", "max is smaller than min");
      e.body = x;
    } else if (kind == "phase") {
      ExpectPhaseDuration x;
      x.phase = *phase_from(*cr.choice("name"));
      x.min = cr.duration("min");
      x.max = cr.duration("max");
      if (!x.min && !x.max) cr.fail(ScenarioErrc::kMissingAttribute, nullptr, "<phase> needs min, max or both");
      if (x.min && x.max && *x.max < *x.min) cr.fail(ScenarioErrc::kConflict, "max", "max is smaller than min");
      e.body = x;
    } else if (kind == "exit") {
      ExpectExit x;
      std::string reason = *cr.choice("reason");
      for (StopReason s : {StopReason::kTimeLimit, StopReason::kNbpReturned, StopReason::kBootFailed, StopReason::kHandoff,
                           StopReason::kReset, StopReason::kGuestFault, StopReason::kRomFailed})
        if (reason == stop_reason_name(s)) x.reason = s;
      e.body = x;
    } else {
      assert(false && "check_tree admits only the schema's children");
    }
    out.push_back(std::move(e));
  }
}

/// Expectations that cannot hold by construction, e.g. a ROM DHCP outcome for a machine that starts at
/// the NBP (it has no ROM DHCP phase).
void check_expectations(const std::vector<Machine>& machines, const std::vector<Expectation>& expectations) {
  for (const auto& e : expectations) {
    const auto* d = std::get_if<ExpectDhcp>(&e.body);
    if (!d || d->phase != DhcpPhase::kRom) continue;
    for (const auto& m : machines)
      if ((e.machine.empty() || e.machine == m.name) && m.start == FirmwareStart::kNbp)
        throw ScenarioError(ScenarioErrc::kConflict, e.where,
                            "machine '" + m.name + "' starts at its NBP (<firmware nbp>), so it has no ROM DHCP phase");
  }
}

bool served(const std::string& root, const std::vector<ServedFile>& files, const std::string& name) {
  for (const auto& f : files)
    if (f.name == name) return true;
  std::error_code ec;
  return !root.empty() && fs::is_regular_file(fs::path(root) / name, ec);
}

void Loader::cross_check(const Network& net, const std::vector<Machine>& machines) {
  if (lenient_ || net.dhcp.mode == DhcpMode::kNone) return;
  pugi::xml_node node = dhcp_node_;
  auto fail_at = [&](const char* attr, ScenarioErrc code, const std::string& what) {
    if (node && node.attribute(attr)) fail(code, node, attr, what);
    if (node) fail(code, node, nullptr, what);
    fail(code, doc_.child("scenario"), nullptr, what);
  };
  bool rom = std::any_of(machines.begin(), machines.end(), [](const Machine& m) { return m.start == FirmwareStart::kPxeRom; });
  if (rom && !served(net.tftp.root, net.tftp.files, net.dhcp.rom_filename))
    fail_at("rom-filename", ScenarioErrc::kMissingFile,
            "rom-filename '" + net.dhcp.rom_filename + "' is not served by TFTP (" +
                (net.tftp.root.empty() ? std::string("no <tftp root>") : "not in " + net.tftp.root) +
                ", no <tftp><file name=\"" + net.dhcp.rom_filename + "\">); a machine with rom=\"pxe\" boots it");
  const std::string& f = net.dhcp.ipxe_filename;
  if (f.compare(0, 7, "http://") == 0) {
    std::string rest = f.substr(7);
    size_t slash = rest.find('/');
    std::string host = rest.substr(0, slash), name = slash == std::string::npos ? "" : rest.substr(slash + 1);
    std::uint16_t port = 80;
    if (size_t colon = host.find(':'); colon != std::string::npos) {
      auto p = parse_uint(host.substr(colon + 1));
      port = p && *p <= 65535 ? static_cast<std::uint16_t>(*p) : 0;
      host = host.substr(0, colon);
    }
    if (!net.http.enabled)
      fail_at("ipxe-filename", ScenarioErrc::kConflict, "ipxe-filename '" + f + "' is an HTTP URL but the network has no <http>");
    auto addr = parse_ipv4_strict(host);
    if (!addr || *addr != net.http.address || port != net.http.port)
      fail_at("ipxe-filename", ScenarioErrc::kConflict,
              "ipxe-filename '" + f + "' does not point at the <http> server (" + format_ipv4(net.http.address) +
                  (net.http.port != 80 ? ":" + std::to_string(net.http.port) : "") + ")");
    if (!served(net.http.root, net.http.files, name))
      fail_at("ipxe-filename", ScenarioErrc::kMissingFile,
              "ipxe-filename '" + f + "': '" + name + "' is not served by <http> (" +
                  (net.http.root.empty() ? std::string("no root") : "not in " + net.http.root) + ", no <file name=\"" + name + "\">)");
  } else if (f.find("://") == std::string::npos && !f.empty()) {
    if (!served(net.tftp.root, net.tftp.files, f))
      fail_at("ipxe-filename", ScenarioErrc::kMissingFile, "ipxe-filename '" + f + "' is not served by TFTP");
  }
}

namespace {

/// Variant::boot_key: the variant element as XML, minus what does not change the boot before a key.
std::string boot_key(pugi::xml_node variant) {
  pugi::xml_document copy;
  pugi::xml_node v = copy.append_copy(variant);
  v.remove_attribute("name");
  for (const char* drop : {"description", "key", "expect"}) {
    pugi::xpath_node_set found = v.select_nodes((std::string(".//") + drop).c_str());
    for (const auto& x : found) x.node().parent().remove_child(x.node());
  }
  for (pugi::xml_node c = v.first_child(); c;) {  // comments say nothing about the boot
    pugi::xml_node next = c.next_sibling();
    if (c.type() == pugi::node_comment) v.remove_child(c);
    c = next;
  }
  std::ostringstream out;
  copy.save(out, "", pugi::format_raw);
  return out.str();
}

}  // namespace

Variant Loader::read_variant(pugi::xml_node n, const Scenario& s) {
  Reader r(*this, n);
  Variant v;
  v.name = *r.name_value("name");
  v.where = where(n);
  v.description = trim(n.child("description").text().get());
  v.until = r.has("until") ? *r.duration("until") : s.until;
  for (auto c : n.children("skip-unless")) {
    Reader cr(*this, c);
    if (cr.has("env") == cr.has("file"))
      cr.fail(cr.has("env") ? ScenarioErrc::kConflict : ScenarioErrc::kMissingAttribute, cr.has("env") ? "file" : nullptr,
              "<skip-unless> needs exactly one of 'env' or 'file'");
    if (v.skip_reason.empty()) {
      if (auto e = cr.name_value("env")) {
        auto val = env(*e);
        if (!val || val->empty()) v.skip_reason = "environment variable " + *e + " is not set";
      } else {
        lenient_ = true;  // the file's absence is the condition, not an error
        std::string p = *cr.path("file", "file");
        lenient_ = false;
        if (!fs::is_regular_file(p)) v.skip_reason = "file " + p + " does not exist";
      }
    }
  }
  lenient_ = !v.skip_reason.empty();
  v.network = s.network;
  v.machines = s.machines;
  if (auto net = n.child("network")) {
    Reader nr(*this, net);
    if (auto ra = nr.boolean("ipv6-ra")) v.network.ipv6_ra = *ra;
    if (auto d = net.child("dhcp")) read_dhcp(d, v.network, false);
    if (auto sw = net.child("switch")) read_switch(sw, v.network.switch_port);
  }
  for (auto c : n.children()) {
    std::string kind = c.name();
    if (kind == "nic") for (Machine* m : target_machines(c, v.machines)) apply_nic(c, *m);
    else if (kind == "firmware") for (Machine* m : target_machines(c, v.machines)) apply_firmware(c, *m);
    else if (kind == "cmdline") for (Machine* m : target_machines(c, v.machines)) m->cmdline = expand(c, nullptr, Reader(*this, c).text(), false);
    else if (kind == "key") for (Machine* m : target_machines(c, v.machines)) read_key(c, m->keys);
  }
  for (auto c : doc_.child("scenario").children("expect")) read_expect(c, v.machines, v.expectations);
  for (auto c : n.children("expect")) read_expect(c, v.machines, v.expectations);
  check_expectations(v.machines, v.expectations);
  cross_check(v.network, v.machines);
  lenient_ = false;
  v.boot_key = boot_key(n);
  return v;
}

Scenario Loader::load() {
  {
    std::error_code ec;
    if (!fs::exists(file_, ec))
      throw ScenarioError(ScenarioErrc::kFileUnreadable, SourceLocation{file_, 0, 0, ""}, "cannot read the scenario file");
    if (auto why = input_file_problem(file_, kMaxScenarioFileBytes))
      throw ScenarioError(ScenarioErrc::kFileUnreadable, SourceLocation{file_, 0, 0, ""}, "the scenario file " + *why);
    std::ifstream in(file_, std::ios::binary);
    if (!in) throw ScenarioError(ScenarioErrc::kFileUnreadable, SourceLocation{file_, 0, 0, ""}, "cannot read the scenario file");
    std::ostringstream ss;
    ss << in.rdbuf();
    text_ = ss.str();
  }
  line_starts_.push_back(0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
  dir_ = fs::absolute(fs::path(file_)).parent_path().lexically_normal().string();

  pugi::xml_parse_result res = doc_.load_buffer(text_.data(), text_.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!res)
    throw ScenarioError(ScenarioErrc::kXmlSyntax, at_offset(res.offset, ""), std::string("XML syntax error: ") + res.description());

  // Pass 1: overrides.
  Scenario s;
  for (const auto& [path, value] : opts_.overrides) {
    OverrideTarget t = apply_override_impl(doc_, path, value);
    std::string what = path + "=\"" + value + "\"";
    if (t.attr) overridden_[t.attr.internal_object()] = what;
    else overridden_[t.element.internal_object()] = what;
    s.overrides.emplace_back(path, value);
  }

  // Pass 2: structure.
  pugi::xml_node root = doc_.document_element();
  check_tree(root);
  // Absent <network> and <dhcp> mean "all defaults": give them empty elements so that every default is
  // read through the table like any other value.
  if (std::string(root.name()) == "scenario") {
    if (!root.child("network")) root.append_child("network");
    if (!root.child("network").child("dhcp")) root.child("network").append_child("dhcp");
  }

  // Pass 3: values.
  for (auto p : root.children("param")) {
    Reader pr(*this, p);
    std::string name = *pr.name_value("name");
    if (params_.count(name)) pr.fail(ScenarioErrc::kDuplicateName, "name", "a <param> named '" + name + "' already exists");
    params_[name] = p.attribute("value").value();
  }
  s.params = params_;
  Reader r(*this, root);
  s.name = *r.name_value("name");
  s.file = fs::absolute(fs::path(file_)).lexically_normal().string();
  s.dir = dir_;
  s.seed = *r.uint("seed");
  s.until = *r.duration("until");
  if (s.until.ns <= 0) r.fail(ScenarioErrc::kBadValue, "until", "until must be greater than 0s");
  s.description = trim(root.child("description").text().get());
  read_network(root.child("network"), s.network);

  std::map<std::string, pugi::xml_node> names;
  std::map<Mac, std::string> macs;
  for (auto m : root.children("machine")) {
    Machine machine = read_machine(m);
    if (names.count(machine.name))
      Reader(*this, m).fail(ScenarioErrc::kDuplicateName, "name",
                            "a machine named '" + machine.name + "' already exists (line " +
                                std::to_string(where(names[machine.name]).line) + ")");
    if (macs.count(machine.mac))
      Reader(*this, m).fail(ScenarioErrc::kDuplicateName, "mac",
                            "MAC " + format_mac(machine.mac) + " is already used by machine '" + macs[machine.mac] + "'");
    names[machine.name] = m;
    macs[machine.mac] = machine.name;
    s.machines.push_back(std::move(machine));
  }
  if (s.machines.empty()) fail(ScenarioErrc::kMissingElement, root, nullptr, "a scenario needs at least one <machine>");

  std::set<std::string> variant_names;
  for (auto v : root.children("variant")) {
    Variant variant = read_variant(v, s);
    if (!variant_names.insert(variant.name).second)
      Reader(*this, v).fail(ScenarioErrc::kDuplicateName, "name", "a variant named '" + variant.name + "' already exists");
    s.variants.push_back(std::move(variant));
  }
  if (s.variants.empty()) {
    Variant v;
    v.name = "default";
    v.until = s.until;
    v.network = s.network;
    v.machines = s.machines;
    v.where = where(root);
    for (auto c : root.children("expect")) read_expect(c, v.machines, v.expectations);
    check_expectations(v.machines, v.expectations);
    cross_check(v.network, v.machines);
    s.variants.push_back(std::move(v));
  }
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Public API

const char* to_string(SwitchPortMode m) {
  switch (m) {
    case SwitchPortMode::kEdge: return "edge";
    case SwitchPortMode::kPortfast: return "portfast";
    case SwitchPortMode::kStp: return "stp";
    case SwitchPortMode::kRstp: return "rstp";
  }
  return "?";
}

const char* to_string(Phase p) {
  switch (p) {
    case Phase::kRomDhcp: return "rom_dhcp";
    case Phase::kNbpDownload: return "nbp_download";
    case Phase::kIpxeInit: return "ipxe_init";
    case Phase::kIpxeDhcp: return "ipxe_dhcp";
    case Phase::kScriptDownload: return "script_download";
    case Phase::kKernelDownload: return "kernel_download";
    case Phase::kLinkDown: return "link_down";
  }
  return "?";
}

const char* to_string(DhcpPhase p) { return p == DhcpPhase::kRom ? "rom" : "ipxe"; }

std::string describe(const Expectation& e) {
  std::string s;
  std::visit(
      [&](const auto& x) {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, ExpectConsole>) {
          s = std::string(x.raw ? "raw console " : "console ") + (x.present ? "contains" : "does not contain") +
              " \"" + x.text + "\"";
          if (x.after) s += " after " + format_time(*x.after);
          if (x.before) s += " before " + format_time(*x.before);
        } else if constexpr (std::is_same_v<X, ExpectDhcp>) {
          s = std::string(to_string(x.phase)) + " DHCP " + (x.lease ? "gets a lease" : "gets no lease");
        } else if constexpr (std::is_same_v<X, ExpectHandoff>) {
          s = x.kind == ExpectHandoff::Kind::kNone ? "no handoff"
              : x.kind == ExpectHandoff::Kind::kAny ? "handoff to any payload"
                                                    : "handoff to " + x.kernel;
          if (!x.cmdline_contains.empty()) s += " with command line containing \"" + x.cmdline_contains + "\"";
        } else if constexpr (std::is_same_v<X, ExpectDroppedFrames>) {
          s = "at least " + std::to_string(x.min) + " frame(s) dropped while the link was down";
          if (x.max) s += ", at most " + std::to_string(*x.max);
        } else if constexpr (std::is_same_v<X, ExpectPhaseDuration>) {
          s = std::string("phase ") + to_string(x.phase) + " lasts";
          if (x.min) s += " at least " + format_time(*x.min);
          if (x.max) s += std::string(x.min ? " and" : "") + " at most " + format_time(*x.max);
        } else {
          s = std::string("run ends with ") + stop_reason_name(x.reason);
        }
      },
      e.body);
  if (!e.machine.empty()) s = e.machine + ": " + s;
  return s;
}

const Variant* Scenario::find_variant(const std::string& name) const {
  for (const auto& v : variants)
    if (v.name == name) return &v;
  return nullptr;
}

Scenario load_scenario(const std::string& path, const LoadOptions& options) {
  Loader loader(path, options);
  return loader.load();
}

std::string apply_override(pugi::xml_document& doc, const std::string& path, const std::string& value) {
  return apply_override_impl(doc, path, value).path;
}

}  // namespace bootsim::scenario
