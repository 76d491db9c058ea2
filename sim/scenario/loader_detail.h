// Inside the scenario loader (not a public header: only sim/scenario/loader*.cpp include it).
//
// load_scenario (loader.cpp) runs three passes over one pugixml document, and each job has a file:
//   loader_positions.cpp   the file text kept aside, byte offsets → file:line:col + element path, errors
//   loader_overrides.cpp   pass 1: `--set PATH=VALUE` applied to the XML, checked against the schema
//   loader_structure.cpp   pass 2: the whole tree against the schema (unknown names, required, stray text)
//   loader_values.cpp      pass 3's typed access to one element's attributes (Reader) and ${…} placeholders
//   loader_elements.cpp    pass 3's element readers: network, DHCP, switch, machines, NIC, keys, expectations
//   loader_variants.cpp    a <variant> merged over the scenario's machines and network
//   loader_checks.cpp      host files and cross-element checks: paths exist, files served, roots usable
//   loader_profiles.cpp    NIC profiles: profile files, a scenario's <nic-profile>, fields shared with <nic>
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include "sim/scenario/loader.h"
#include "sim/scenario/schema.h"

namespace bootsim::scenario::detail {

// --- text and element paths (loader_positions.cpp) ------------------------------------------------------

std::string join(const std::vector<std::string>& v, const char* sep = ", ");
bool is_blank(const char* s);
std::string trim(const std::string& s);
/// `s` with control characters shown as \xNN, for messages that quote what the user gave.
std::string printable(const std::string& s);
/// "scenario/machine/nic": the element's place in the schema (schema.h), without indexes.
std::string schema_path_of(pugi::xml_node n);
/// "/scenario/machine[1]/nic": the element's place in this file, for messages.
std::string element_path_of(pugi::xml_node n);

// --- overrides (loader_overrides.cpp) -------------------------------------------------------------------

struct OverrideTarget {
  std::string path;             ///< concrete element path of what was set
  pugi::xml_attribute attr;     ///< set when the path ends in @attribute
  pugi::xml_node element;       ///< the element (whose text was set, when attr is empty)
};

/// apply_override, also telling which node it set (the loader marks it so errors name the override).
OverrideTarget apply_override_impl(pugi::xml_document& doc, const std::string& path, const std::string& value);

// --- the loading context --------------------------------------------------------------------------------

class Reader;

/// One load of one file: the document, where its nodes are in the text, and what earlier passes found.
class Loader {
 public:
  Loader(std::string file, const LoadOptions& opts) : file_(std::move(file)), opts_(opts) {}

  /// Reads, overrides, checks and reads values (loader.cpp). Throws ScenarioError.
  Scenario load();
  /// Reads a NIC profile file's text (loader_profiles.cpp); `origin` is recorded as where it comes from.
  ProfileEntry load_profile_file(std::string text, const std::string& origin);

 private:
  friend class Reader;

  // --- locations (loader_positions.cpp) ------------------------------------------------------------------
  /// Reads the file into text_ and indexes its lines; throws kFileUnreadable.
  void read_text();
  /// Fills line_starts_ from text_.
  void index_lines();
  SourceLocation at_offset(std::ptrdiff_t offset, std::string path) const;
  /// The '<' of an element; elements created by an override take their nearest parsed ancestor's place.
  std::ptrdiff_t element_offset(pugi::xml_node n) const;
  /// The attribute's name inside the element's start tag (re-scanned from the original text).
  std::ptrdiff_t attribute_offset(pugi::xml_node n, const char* name) const;
  SourceLocation where(pugi::xml_node n) const;
  SourceLocation where(pugi::xml_node n, const char* attr) const;
  SourceLocation where_text(pugi::xml_node n) const;
  /// Throws ScenarioError at the attribute (or the element when attr is null), naming the override that
  /// set it, if one did.
  [[noreturn]] void fail(ScenarioErrc code, pugi::xml_node n, const char* attr, const std::string& what) const;

  // --- passes ----------------------------------------------------------------------------------------
  void check_tree(pugi::xml_node n);
  std::string expand(pugi::xml_node n, const char* attr, const std::string& value, bool is_path);
  std::optional<std::string> env(const std::string& name) const {
    if (opts_.getenv) return opts_.getenv(name);
    const char* v = std::getenv(name.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  }

  std::map<std::string, std::vector<std::string>> groups_;  ///< <machine count> name template -> names
  void read_network(pugi::xml_node n, Network& net);
  void read_dhcp(pugi::xml_node n, Network& net, bool base);
  void read_switch(pugi::xml_node n, SwitchPort& sw);
  void read_served(pugi::xml_node parent, std::vector<ServedFile>& files);
  /// One <machine>, or with count="N" its N copies (name from the {n} template, MAC and power-on
  /// stepping; loader_machines.cpp). Records each template in groups_.
  std::vector<Machine> read_machines(pugi::xml_node n);
  /// One machine of a <machine> element; `copy` (for count="N") gives its name, MAC and power-on instead
  /// of the attributes.
  struct MachineCopy {
    std::string name;
    Mac mac{};
    SimTime power_on{};
  };
  Machine read_machine(pugi::xml_node n, const MachineCopy* copy = nullptr);
  /// The machines a `machine` attribute names: one name, or a <machine count> template ("node-{n:03}")
  /// for all of its copies. Fails (naming the attribute) for neither.
  std::vector<std::string> machines_named(pugi::xml_node n, const char* attr, const std::vector<std::string>& names);
  void apply_nic(pugi::xml_node n, Machine& m);
  /// A profile: a profile file's root (`file`) or a scenario's <nic-profile> (loader_profiles.cpp).
  ProfileEntry read_nic_profile(pugi::xml_node n, bool file, const std::string& origin);
  /// The profile fields `r`'s element sets, into `p`; `mark` gets each field's name.
  void read_profile_fields(Reader& r, LinkProfile& p, bool profile_element, std::vector<std::string>& marked);
  /// Warns (Scenario::warnings) about link timings set on NICs whose link never drops.
  void warn_idle_link_timing(const std::vector<Machine>& machines, const SourceLocation& fallback);
  void apply_nic_fields(pugi::xml_node n, Machine& m);
  void apply_firmware(pugi::xml_node n, Machine& m);
  void apply_smbios(pugi::xml_node n, Machine& m);
  void read_dhcp_host(pugi::xml_node n, Network& net);
  void read_key(pugi::xml_node n, std::vector<KeyTrigger>& keys);
  void read_expect(pugi::xml_node n, const std::vector<Machine>& machines, std::vector<Expectation>& out);
  /// read_expect's children for one machine ("" = every machine).
  void read_expect_for(pugi::xml_node n, const std::string& machine, std::vector<Expectation>& out);
  Variant read_variant(pugi::xml_node n, const Scenario& s);
  void cross_check(const Network& net, const std::vector<Machine>& machines);
  /// The boot files one <dhcp> or <host> names (null: not checked) are served where they point.
  void check_boot_files(const Network& net, pugi::xml_node node, const std::string* rom_file,
                        const std::string* ipxe_file);
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
  std::vector<pugi::xml_node> dhcp_host_nodes_;  ///< the base network's <host> elements, as net.dhcp.hosts
  std::uint64_t seed_ = 0;  ///< the scenario's seed: SMBIOS defaults derive from it
  std::map<std::string, pugi::xml_node> machine_nodes_, base_nic_nodes_;
  ProfileRegistry profiles_;                                ///< built-in ones, then the scenario's own
  std::map<std::string, pugi::xml_node> profile_nodes_;     ///< a scenario's <nic-profile> by name
  std::vector<ScenarioWarning> warnings_;
};

// --- Reader: typed, table-driven access to one element's attributes (loader_values.cpp) -----------------

class Reader {
 public:
  Reader(Loader& l, pugi::xml_node n);

  bool has(const char* name) const { return static_cast<bool>(n_.attribute(name)); }
  pugi::xml_node node() const { return n_; }

  /// The expanded attribute value, else the table's default (when it is a value), else nullopt.
  std::optional<std::string> str(const char* name, bool is_path = false);

  // Each parses the attribute as the type the schema declares for it, else fails with kBadValue.
  std::optional<SimTime> duration(const char* name);
  std::optional<bool> boolean(const char* name);
  std::optional<std::uint64_t> uint(const char* name);
  std::optional<std::uint64_t> hex(const char* name);
  std::optional<double> percent(const char* name);
  std::optional<std::uint64_t> bitrate(const char* name);
  std::optional<std::uint64_t> bytes(const char* name);
  std::optional<std::uint32_t> ipv4(const char* name);
  std::optional<std::pair<std::uint32_t, int>> cidr(const char* name);
  std::optional<Mac> mac(const char* name);
  std::optional<Uuid> uuid(const char* name);
  std::optional<std::string> name_value(const char* name);
  std::optional<std::string> text_value(const char* name);
  std::optional<std::string> choice(const char* name);

  // Host paths (loader_checks.cpp).
  /// A host path, expanded and made absolute; `kind` "file" or "directory" is checked to exist.
  std::optional<std::string> path(const char* name, const char* kind);
  /// A host file the run reads (an NBP, a served file): path(name, "file"), then checked to be a
  /// regular, readable file of 1..max_bytes bytes, so that it fails here with its location and not
  /// in the middle of a run.
  std::optional<std::string> input_file(const char* name, std::uint64_t max_bytes);
  /// A name the run turns into a path under a folder of its own (a served file's name): a plain
  /// relative path, see host_paths.h.
  std::string relative_name(const char* name, const std::string& value);

  /// The element's text content, trimmed.
  std::string text() const { return trim(n_.text().get()); }

  [[noreturn]] void fail(ScenarioErrc code, const char* attr, const std::string& what) const {
    l_.fail(code, n_, attr, what);
  }

 private:
  const AttrSpec& spec(const char* name) const;
  template <typename V, typename Parse>
  std::optional<V> typed(const char* name, AttrType type, Parse parse, const char* expected);

  Loader& l_;
  pugi::xml_node n_;
  const ElementSpec* spec_;
};

// --- file checks used by the element readers (loader_checks.cpp) ----------------------------------------

/// A served root: every entry in it must be something a server can open without blocking (a FIFO in a
/// root would hang the TFTP server mid-run).
std::string served_root(Reader& r, const std::string& root);
/// rom-filename / ipxe-filename: a URL (scheme://…) or a name under the TFTP root, which must then be a
/// plain relative path (a leading '/' is how many configs write it and is allowed).
std::string boot_file_name(Reader& r, const char* attr, const std::string& value);
/// Expectations that cannot hold by construction, e.g. a ROM DHCP outcome for a machine that starts at
/// the NBP (it has no ROM DHCP phase).
void check_expectations(const std::vector<Machine>& machines, const std::vector<Expectation>& expectations);

}  // namespace bootsim::scenario::detail
