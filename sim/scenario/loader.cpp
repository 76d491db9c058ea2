// The strict scenario loader. Three passes over one pugixml document:
//   1. apply overrides (apply_override) — they are checked against the schema as they are applied;
//   2. check the whole tree against the schema (unknown elements/attributes, required attributes, stray
//      text, duplicates) — so that later passes only read what the table declares;
//   3. read values into the plain structs through Reader, which parses every attribute by its declared
//      type and default, then cross-check what spans elements (files served, addresses in the subnet).
// This file holds the passes' order and the public API; each pass has a file of its own (loader_detail.h).
#include "sim/scenario/loader.h"

#include "sim/net/netns_servers.h"

#include <filesystem>
#include <map>
#include <set>

#include <pugixml.hpp>

#include "sim/scenario/loader_detail.h"
#include "sim/scenario/nic_profiles.h"

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
    case ScenarioErrc::kNotAllowed: return "not_allowed";
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

namespace detail {

Scenario Loader::load() {
  read_text();
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
  // The table also declares the root of a NIC profile file; a scenario file's root is <scenario>.
  if (root && std::string(root.name()) != "scenario")
    fail(ScenarioErrc::kUnknownElement, root, nullptr, "the root element must be <scenario>, not <" + std::string(root.name()) + ">");
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
  seed_ = s.seed;
  s.until = *r.duration("until");
  if (s.until.ns <= 0) r.fail(ScenarioErrc::kBadValue, "until", "until must be greater than 0s");
  s.description = trim(root.child("description").text().get());
  profiles_ = builtin_profiles();
  for (auto p : root.children("nic-profile")) {
    ProfileEntry e = read_nic_profile(p, false, to_string(where(p)));
    profile_nodes_[e.profile.name] = p;
    s.nic_profiles.push_back(e);
    profiles_.add(std::move(e));
  }
  read_network(root.child("network"), s.network);

  std::map<std::string, pugi::xml_node> names;
  std::map<Mac, std::string> macs;
  for (auto m : root.children("machine")) {
   for (Machine& machine : read_machines(m)) {
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
    warn_idle_link_timing(v.machines, v.where);
    s.variants.push_back(std::move(v));
  }
  // External servers need a namespace and a TAP: where the host does not allow them, skip (not fail).
  for (auto& v : s.variants)
    if (v.network.external && v.skip_reason.empty()) v.skip_reason = NetnsServers::not_permitted();
  s.warnings = warnings_;
  return s;
}

}  // namespace detail

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
          if (x.uuid) s += ", sending option 97 " + format_uuid(*x.uuid);
        } else if constexpr (std::is_same_v<X, ExpectHandoff>) {
          s = x.kind == ExpectHandoff::Kind::kNone ? "no handoff"
              : x.kind == ExpectHandoff::Kind::kAny ? "handoff to any payload"
                                                    : "handoff to " + x.kernel;
          if (!x.cmdline_contains.empty()) s += " with command line containing \"" + x.cmdline_contains + "\"";
        } else if constexpr (std::is_same_v<X, ExpectDroppedFrames>) {
          s = "at least " + std::to_string(x.min) + " frame(s) dropped while the link was down";
          if (x.max) s += ", at most " + std::to_string(*x.max);
        } else if constexpr (std::is_same_v<X, ExpectChainloadLoop>) {
          s = "chainload loop: one file downloaded at least " + std::to_string(x.min) + " times";
        } else if constexpr (std::is_same_v<X, ExpectNbpDownloads>) {
          s = x.file + " downloaded ";
          if (x.max && *x.max == x.min) s += std::to_string(x.min) + " time(s)";
          else if (x.max) s += std::to_string(x.min) + " to " + std::to_string(*x.max) + " times";
          else s += "at least " + std::to_string(x.min) + " time(s)";
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
  detail::Loader loader(path, options);
  return loader.load();
}

std::string apply_override(pugi::xml_document& doc, const std::string& path, const std::string& value) {
  return detail::apply_override_impl(doc, path, value).path;
}

}  // namespace bootsim::scenario
