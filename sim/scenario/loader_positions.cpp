// Where things are in the scenario file: the text kept aside (pugixml parses in situ, so a node's
// offset_debug() is its name's offset in that text; attributes have no offset, so the start tag is re-scanned
// for the attribute's name), offsets turned into file:line:col plus the element path, and located errors.
#include "sim/scenario/loader_detail.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/core/host_paths.h"

namespace fs = std::filesystem;

namespace bootsim::scenario::detail {

std::string join(const std::vector<std::string>& v, const char* sep) {
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

void Loader::read_text() {
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
  index_lines();
}

void Loader::index_lines() {
  line_starts_.assign(1, 0);
  for (size_t i = 0; i < text_.size(); ++i)
    if (text_[i] == '\n') line_starts_.push_back(i + 1);
}

SourceLocation Loader::at_offset(std::ptrdiff_t offset, std::string path) const {
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

std::ptrdiff_t Loader::element_offset(pugi::xml_node n) const {
  for (; n; n = n.parent())
    if (n.offset_debug() > 0) return n.offset_debug() - 1;
  return 0;
}

std::ptrdiff_t Loader::attribute_offset(pugi::xml_node n, const char* name) const {
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

SourceLocation Loader::where(pugi::xml_node n) const { return at_offset(element_offset(n), element_path_of(n)); }

SourceLocation Loader::where(pugi::xml_node n, const char* attr) const {
  return at_offset(attribute_offset(n, attr), element_path_of(n) + "/@" + attr);
}

SourceLocation Loader::where_text(pugi::xml_node n) const {
  for (auto c : n.children())
    if ((c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) && c.offset_debug() >= 0)
      return at_offset(c.offset_debug(), element_path_of(n) + "/text()");
  return where(n);
}

void Loader::fail(ScenarioErrc code, pugi::xml_node n, const char* attr, const std::string& what) const {
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

}  // namespace bootsim::scenario::detail
