// Pass 3's values: typed, table-driven access to one element's attributes (every attribute parsed by the
// type and default schema.cpp declares for it), and the ${…} placeholders expanded before parsing.
#include "sim/scenario/loader_detail.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <filesystem>

#include "sim/proto/uuid.h"
#include "sim/scenario/units.h"

namespace fs = std::filesystem;

namespace bootsim::scenario::detail {

Reader::Reader(Loader& l, pugi::xml_node n) : l_(l), n_(n), spec_(find_element(schema_path_of(n))) {
  assert(spec_ && "check_tree lets only known elements through");
}

const AttrSpec& Reader::spec(const char* name) const {
  const AttrSpec* a = find_attr(*spec_, name);
  assert(a && "every attribute the loader reads is declared in schema.cpp");
  return *a;
}

std::optional<std::string> Reader::str(const char* name, bool is_path) {
  const AttrSpec& a = spec(name);
  if (pugi::xml_attribute attr = n_.attribute(name)) return l_.expand(n_, name, attr.value(), is_path);
  if (!a.default_value.empty() && a.default_value[0] != '(') return a.default_value;
  return std::nullopt;
}

template <typename V, typename Parse>
std::optional<V> Reader::typed(const char* name, AttrType type, Parse parse, const char* expected) {
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

std::optional<SimTime> Reader::duration(const char* name) {
  return typed<SimTime>(name, AttrType::kDuration, [](const std::string& t) { return parse_duration(t); },
                        "a duration: a number and a unit (ns, us, ms, s, m), e.g. 10s, 250ms, 1.5s");
}

std::optional<bool> Reader::boolean(const char* name) {
  return typed<bool>(name, AttrType::kBool, parse_bool, "a bool (true, false, on, off)");
}

std::optional<std::uint64_t> Reader::uint(const char* name) {
  return typed<std::uint64_t>(name, AttrType::kUint, parse_uint, "a non-negative integer");
}

std::optional<std::uint64_t> Reader::hex(const char* name) {
  return typed<std::uint64_t>(name, AttrType::kHex, [](const std::string& t) -> std::optional<std::uint64_t> {
    if (t.size() < 3 || t.size() > 10 || t[0] != '0' || (t[1] != 'x' && t[1] != 'X')) return std::nullopt;
    std::uint64_t v = 0;
    for (size_t i = 2; i < t.size(); ++i) {
      if (!std::isxdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
      v = v * 16 + static_cast<std::uint64_t>(std::isdigit(static_cast<unsigned char>(t[i])) ? t[i] - '0' : std::tolower(t[i]) - 'a' + 10);
    }
    return v;
  }, "a hexadecimal number with 0x, e.g. 0x14e4");
}

std::optional<double> Reader::percent(const char* name) {
  return typed<double>(name, AttrType::kPercent, parse_percent, "a percentage from 0% to 100%, e.g. 5%");
}

std::optional<std::uint64_t> Reader::bitrate(const char* name) {
  return typed<std::uint64_t>(name, AttrType::kBitRate, parse_bitrate, "a bit rate, e.g. 1Gbps, 100Mbps");
}

std::optional<std::uint64_t> Reader::bytes(const char* name) {
  return typed<std::uint64_t>(name, AttrType::kBytes, parse_bytes, "a size with a binary unit, e.g. 64MiB, 640KiB");
}

std::optional<std::uint32_t> Reader::ipv4(const char* name) {
  return typed<std::uint32_t>(name, AttrType::kIpv4, parse_ipv4_strict, "an IPv4 address, e.g. 10.0.2.100");
}

std::optional<std::pair<std::uint32_t, int>> Reader::cidr(const char* name) {
  return typed<std::pair<std::uint32_t, int>>(name, AttrType::kCidr, parse_cidr,
                                              "a subnet in CIDR form with zero host bits and a /1../30 prefix, "
                                              "e.g. 10.0.2.0/24");
}

std::optional<Mac> Reader::mac(const char* name) {
  auto m = typed<Mac>(name, AttrType::kMac, parse_mac, "a MAC address, e.g. 52:54:00:12:34:56");
  if (m && ((*m)[0] & 1))
    fail(ScenarioErrc::kBadValue, name,
         format_mac(*m) + " is a broadcast or multicast address; a NIC needs a unicast MAC (first octet even)");
  return m;
}

std::optional<Uuid> Reader::uuid(const char* name) {
  return typed<Uuid>(name, AttrType::kUuid, parse_uuid, "a UUID, e.g. 4c4c4544-0042-3510-8052-b2c04f4d4631");
}

std::optional<std::string> Reader::name_value(const char* name) {
  return typed<std::string>(name, AttrType::kName, [](const std::string& t) -> std::optional<std::string> {
    // A name becomes part of a file name (artifacts, output folders): it starts with a letter or
    // digit, so "..", "." and hidden names like ".staging" are not names.
    if (t.empty() || !std::isalnum(static_cast<unsigned char>(t[0]))) return std::nullopt;
    for (char c : t)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return std::nullopt;
    return t;
  }, "a name (letters, digits, '-', '_', '.', starting with a letter or digit)");
}

std::optional<std::string> Reader::text_value(const char* name) {
  assert(spec(name).type == AttrType::kString || spec(name).type == AttrType::kKeys);
  return str(name);
}

std::optional<std::string> Reader::choice(const char* name) {
  const AttrSpec& a = spec(name);
  assert(a.type == AttrType::kEnum);
  auto t = str(name);
  if (t && std::find(a.choices.begin(), a.choices.end(), *t) == a.choices.end())
    fail(ScenarioErrc::kBadValue, name, "'" + *t + "' is not one of: " + join(a.choices));
  return t;
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

}  // namespace bootsim::scenario::detail
