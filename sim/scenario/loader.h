// Loading a scenario file: XML (pugixml) → validated Scenario (sim/scenario/scenario.h).
//
//   LoadOptions opts;
//   opts.payload_dirs = {build_dir + "/payloads"};
//   opts.overrides = {{"machine[r640-01]/nic/@autoneg", "10s"}};   // from `bootsim sweep --vary`
//   Scenario s = load_scenario("scenarios/broadcom_timeout.xml", opts);   // throws ScenarioError
//
// The loader is strict (STYLE.md §9): the element table in sim/scenario/schema.h lists every element and
// attribute; anything else in the file is an error, as is a bad unit, address, duplicate name, unknown NIC
// profile, or a referenced file that does not exist. Each error names the file, line, column and element
// path: "broadcom_timeout.xml:12:31: /scenario/machine[1]/@mac: 'zz:…' is not a MAC address …".
//
// Placeholders, expanded in every attribute and text value before it is parsed:
//   ${payloads}/NAME   the first of LoadOptions::payload_dirs holding NAME (sentinel kernels in the build dir)
//   ${ipxe}            LoadOptions::ipxe_dir (Debian's /usr/lib/ipxe)
//   ${scenario-dir}    the scenario file's directory
//   ${env:NAME}        an environment variable (an error if unset, unless the variant is skipped)
//   ${param:NAME}      a <param>'s value (after overrides)
// Any other ${…} is left alone: it is iPXE's own settings syntax (${net0/mac}) inside scripts.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/errors.h"
#include "sim/scenario/scenario.h"

namespace pugi {
class xml_document;
}

namespace bootsim::scenario {

/// Identity of a scenario error (one per validation rule), for tests and tools.
enum class ScenarioErrc {
  kFileUnreadable,       ///< the scenario file cannot be read
  kXmlSyntax,            ///< pugixml rejected the XML
  kUnknownElement,       ///< an element the language does not have here
  kUnknownAttribute,     ///< an attribute the element does not have
  kUnexpectedText,       ///< text inside an element that takes none
  kMissingAttribute,     ///< a required attribute is absent
  kMissingElement,       ///< e.g. no <machine>
  kDuplicateElement,     ///< a non-repeatable element given twice
  kBadValue,             ///< a value does not parse as its type/unit, or is out of range
  kDuplicateName,        ///< two machines/variants/params/files with one name, or two machines with one MAC
  kUnknownProfile,       ///< <nic profile> is not a built-in profile
  kUnknownReference,     ///< machine="…" or ${param:…} names nothing
  kConflict,             ///< attributes that exclude each other, or one that does not apply here
  kMissingFile,          ///< a referenced file or directory does not exist
  kUnresolvedPlaceholder,///< ${env:X} unset, ${payloads}/X not found, unknown placeholder in a path
  kBadOverride,          ///< an override path does not resolve
  kUnsafePath,           ///< a name that becomes a path is not a plain relative one (.., absolute, control chars)
  kBadFile,              ///< an input file bootsim cannot use: a directory, a FIFO, empty, or too large
  kTooLong,              ///< a text value longer than its documented limit
  kNotAllowed,           ///< <server command> without LoadOptions::allow_servers
};
const char* to_string(ScenarioErrc c);

/// A user error in a scenario (exit code 2). what() is "file:line:column: /element/path: description".
class ScenarioError : public InputError {
 public:
  ScenarioError(ScenarioErrc code, SourceLocation where, std::string description);
  ScenarioErrc code() const { return code_; }
  const SourceLocation& where() const { return where_; }
  const std::string& description() const { return description_; }

 private:
  ScenarioErrc code_;
  SourceLocation where_;
  std::string description_;
};

/// Size limits of what a scenario may hold (scenarios/README.md, "Limits"). A scenario is input from
/// anywhere; these keep a hostile or broken one from turning into a huge report or a stalled run.
constexpr std::uint64_t kMaxScenarioFileBytes = 4u << 20;    ///< the XML file itself
constexpr std::size_t kMaxAttributeChars = 4096;             ///< any attribute value (keys, console texts, names…)
constexpr std::size_t kMaxDescriptionChars = 16384;          ///< <description> text
constexpr std::size_t kMaxCmdlineChars = 65536;              ///< <cmdline> text (an embedded iPXE script)
constexpr std::uint64_t kMaxServedFileBytes = 1ull << 30;    ///< one <file source> served by TFTP or HTTP

struct LoadOptions {
  /// (path, value) pairs applied to the XML before it is interpreted (see apply_override).
  std::vector<std::pair<std::string, std::string>> overrides;
  /// Where ${payloads}/NAME is looked for, in order.
  std::vector<std::string> payload_dirs;
  /// What ${ipxe} expands to.
  std::string ipxe_dir = "/usr/lib/ipxe";
  /// Environment lookup for ${env:…} and <skip-unless env>; default: std::getenv. Tests inject their own.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  /// Whether a <server command> may be loaded. Such a command runs on this host, as root when bootsim runs
  /// as root (in a network namespace of its own, but with the host's files): a scenario from elsewhere must
  /// not start programs unless the user said so (`--allow-servers`, BOOTSIM_ALLOW_SERVERS=1). Commands that
  /// never run (check, list) allow it.
  bool allow_servers = false;
};

/// Loads and validates a scenario file. Throws ScenarioError on any problem in the file or an override.
Scenario load_scenario(const std::string& path, const LoadOptions& options = {});

/// Sets the attribute (or the text, when the path ends in an element) that `path` names.
///   path    := ["/"] ["scenario/"] step ("/" step)* ["/@" attribute]
///   step    := element ["[" selector "]"]
///   selector:= a 1-based index, or the value of the element's key attribute (name), e.g.
///              machine[r640-01], variant[embedded-sleep], param[sleep], file[mboot.c32], expect[2]
/// Without a selector the step must be unambiguous; a missing non-repeatable element is created (so
/// "variant[stock]/nic/@autoneg" works even when the variant has no <nic>). Every step and the
/// attribute must exist in the language (schema.h). Returns the element path of what it set
/// ("/scenario/machine[1]/nic/@autoneg"). Throws ScenarioError (kBadOverride) naming the path otherwise.
std::string apply_override(pugi::xml_document& doc, const std::string& path, const std::string& value);

}  // namespace bootsim::scenario
