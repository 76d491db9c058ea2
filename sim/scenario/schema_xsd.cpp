// An XML Schema (XSD 1.0) generated from the language table (schema.cpp), for editors (completion and
// validation as you type) and for `xmllint --schema` in CI. It says what a table can say: which elements go
// where, which attributes each takes, which are required, enum choices, and the lexical form of typed
// values (a duration has a unit, a MAC six octets). Any value may instead hold a ${…} placeholder, which
// the loader expands before parsing, so every typed pattern also admits one.
//
// What the XSD cannot express, and only the loader checks (tests/scenario/xsd_examples/README.md lists
// examples of each):
//   - "at most once": children are an unordered choice, so a singleton given twice (<dhcp> twice) passes;
//   - ranges and arithmetic: pool fits the subnet, irq 1 or 3..15, ram 16MiB..4095MiB, min <= max, a
//     percentage up to 100%, a unicast MAC;
//   - cross references: machine="…", profile="…", extends="…", ${param:…}, unique names and MACs;
//   - one-of rules: <key> needs exactly one of at/on-console, rom and nbp exclude each other, <expect> not
//     empty, every profile value has a <source>;
//   - host files: paths exist, boot files are served, size limits.
#include <sstream>

#include "sim/scenario/schema.h"

namespace bootsim::scenario {

namespace {

/// Admits a value holding a placeholder (expanded by the loader before the value is parsed).
const char* kPlaceholder = ".*$\\{[^\\}]+\\}.*";  // XSD regexes have no escape for $

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

/// The lexical pattern of a typed value, or "" for free text.
std::string pattern(const AttrSpec& a) {
  const std::string num = "[0-9]+(\\.[0-9]+)?";
  const std::string octet = "[0-9]{1,3}";
  const std::string ip = octet + "\\." + octet + "\\." + octet + "\\." + octet;
  switch (a.type) {
    case AttrType::kString:
    case AttrType::kPath:
    case AttrType::kKeys:
    case AttrType::kXmlNs: return "";
    case AttrType::kName: {
      // A <machine count> name template may hold {n} or {n:0W} (node-{n:03}).
      const std::string tmpl = "\\{n(:[0-9]+)?\\}";
      return "([A-Za-z0-9]|" + tmpl + ")([A-Za-z0-9._\\-]|" + tmpl + ")*";
    }
    case AttrType::kBool: return "true|false|on|off";
    case AttrType::kUint: return "[0-9]+";
    case AttrType::kDuration: return num + "(ns|us|ms|s|m|min)";
    case AttrType::kPercent: return num + "%";
    case AttrType::kBitRate: return num + "(bps|kbps|Kbps|Mbps|Gbps)";
    case AttrType::kBytes: return "[0-9]+(B|KiB|MiB|GiB)";
    case AttrType::kIpv4: return ip;
    case AttrType::kCidr: return ip + "/[0-9]{1,2}";
    case AttrType::kMac: return "[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}";
    case AttrType::kUuid: return "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}";
    case AttrType::kHex: return "0[xX][0-9A-Fa-f]{1,8}";
    case AttrType::kEnum: {
      std::string p;
      for (const auto& c : a.choices) {
        std::string e;
        for (char ch : c) {
          if (std::string(".\\?*+{}()[]|^$-").find(ch) != std::string::npos) e += '\\';
          e += ch;
        }
        p += (p.empty() ? "" : "|") + e;
      }
      return p;
    }
  }
  return "";
}

void indent(std::ostringstream& x, int depth) { x << std::string(static_cast<size_t>(depth) * 2, ' '); }

void attributes(std::ostringstream& x, const ElementSpec& e, int depth) {
  for (const auto& a : e.attrs) {
    // xmlns:xsi is a namespace declaration, xsi:… belongs to XML Schema itself: both are allowed on any
    // element without being declared (and may not be).
    if (a.type == AttrType::kXmlNs) continue;
    indent(x, depth);
    x << "<xs:attribute name=\"" << a.name << "\"" << (a.required ? " use=\"required\"" : "");
    std::string p = pattern(a);
    if (p.empty()) {
      x << " type=\"xs:string\">\n";
    } else {
      x << ">\n";
    }
    indent(x, depth + 1);
    std::string doc = a.description;
    if (!a.required && !a.default_value.empty()) doc += " (default: " + a.default_value + ")";
    x << "<xs:annotation><xs:documentation>" << escape(doc) << "</xs:documentation></xs:annotation>\n";
    if (!p.empty()) {
      indent(x, depth + 1);
      x << "<xs:simpleType><xs:restriction base=\"xs:string\"><xs:pattern value=\"(" << escape(p) << ")|("
        << escape(kPlaceholder) << ")\"/></xs:restriction></xs:simpleType>\n";
    }
    indent(x, depth);
    x << "</xs:attribute>\n";
  }
}

void element(std::ostringstream& x, const ElementSpec& e, int depth, bool top) {
  const std::string name = e.path.substr(e.path.rfind('/') + 1);
  indent(x, depth);
  x << "<xs:element name=\"" << name << "\"";
  if (!top) x << " minOccurs=\"0\"" << (e.repeatable ? " maxOccurs=\"unbounded\"" : "");
  x << ">\n";
  indent(x, depth + 1);
  x << "<xs:annotation><xs:documentation>" << escape(e.description) << "</xs:documentation></xs:annotation>\n";
  indent(x, depth + 1);
  if (e.text && e.children.empty()) {
    x << "<xs:complexType>\n";
    indent(x, depth + 2);
    x << "<xs:simpleContent>\n";
    indent(x, depth + 3);
    x << "<xs:extension base=\"xs:string\">\n";
    attributes(x, e, depth + 4);
    indent(x, depth + 3);
    x << "</xs:extension>\n";
    indent(x, depth + 2);
    x << "</xs:simpleContent>\n";
    indent(x, depth + 1);
    x << "</xs:complexType>\n";
  } else {
    x << "<xs:complexType" << (e.text ? " mixed=\"true\"" : "") << ">\n";
    if (!e.children.empty()) {
      // Unordered, as the loader reads them; "at most once" for singletons is left to the loader.
      indent(x, depth + 2);
      x << "<xs:choice minOccurs=\"0\" maxOccurs=\"unbounded\">\n";
      for (const auto& c : e.children)
        if (const ElementSpec* cs = find_element(e.path + "/" + c)) element(x, *cs, depth + 3, false);
      indent(x, depth + 2);
      x << "</xs:choice>\n";
    }
    attributes(x, e, depth + 2);
    indent(x, depth + 1);
    x << "</xs:complexType>\n";
  }
  indent(x, depth);
  x << "</xs:element>\n";
}

}  // namespace

std::string schema_xsd(const std::string& root) {
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<!-- Generated from bootsim's language table (sim/scenario/schema.cpp, schema_xsd.cpp); do not edit.\n"
    << "     Regenerate: run the test scenario_xsd.* of build/tests/scenario_tests with BOOTSIM_UPDATE_REFERENCE=1\n"
    << "     The loader checks more than this schema can say (schema_xsd.cpp lists what). -->\n"
    << "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n";
  if (const ElementSpec* e = find_element(root)) element(x, *e, 1, true);
  x << "</xs:schema>\n";
  return x.str();
}

}  // namespace bootsim::scenario
