// The scenario language, declared once (STYLE.md §9): every element, the attributes it accepts (type,
// unit, default, description) and the children it may hold. The loader parses through this table (an
// attribute read that is not in the table is a bootsim bug; an attribute in the file that is not in the
// table is a user error), the reference in scenarios/README.md is generated from it
// (schema_reference_markdown), and override paths are checked against it.
#pragma once

#include <string>
#include <vector>

namespace bootsim::scenario {

enum class AttrType {
  kString,    ///< free text
  kName,      ///< identifier: letters, digits, '-', '_', '.'; unique where the element says so
  kBool,      ///< true | false | on | off
  kUint,      ///< decimal integer
  kDuration,  ///< number + unit: ns us ms s m ("10s", "1.5s", "250ms")
  kPercent,   ///< "5%", "0.5%"
  kBitRate,   ///< "1Gbps", "100Mbps"
  kBytes,     ///< "64MiB", "640KiB"
  kIpv4,      ///< "10.0.2.100"
  kCidr,      ///< "10.0.2.0/24"
  kMac,       ///< "52:54:00:12:34:56"
  kUuid,      ///< "4c4c4544-0042-3510-8052-b2c04f4d4631"
  kEnum,      ///< one of `choices`
  kPath,      ///< host path; relative to the scenario file's directory; placeholders allowed
  kKeys,      ///< key text for sim/machine/keyboard.h parse_keys: "dhcp net0\n", "<ctrl-b>"
  kHex,       ///< hexadecimal integer with 0x: "0x14e4"
  kXmlNs,     ///< xmlns:xsi / xsi:noNamespaceSchemaLocation: accepted for editors, not read
};
const char* to_string(AttrType t);

struct AttrSpec {
  std::string name;
  AttrType type;
  std::string default_value;  ///< parsed like a value when the attribute is absent; "" = no default.
                              ///< Starting with '(' it only describes the default ("(from profile)").
  std::string description;
  bool required = false;
  std::vector<std::string> choices;  ///< kEnum only
};

struct ElementSpec {
  std::string path{};          ///< schema path without indices: "scenario/machine/nic"
  std::string description{};
  std::vector<AttrSpec> attrs{};
  std::vector<std::string> children{};  ///< element names allowed inside
  bool repeatable = false;     ///< may occur more than once in its parent
  bool text = false;           ///< takes text content (otherwise non-blank text is an error)
  std::string text_description{};
  /// Override paths select repeatable elements by this attribute (`machine[r640-01]`); "" = by index only.
  std::string key_attr{};
  /// Generated variant override elements: the base element whose attributes they repeat (for the docs).
  std::string same_as{};
};

/// All elements, parents before children, in documentation order.
const std::vector<ElementSpec>& scenario_schema();
/// nullptr when `schema_path` ("scenario/machine/nic") is not an element of the language.
const ElementSpec* find_element(const std::string& schema_path);
/// nullptr when the element has no such attribute.
const AttrSpec* find_attr(const ElementSpec& element, const std::string& name);

/// The attribute reference as Markdown (the generated part of scenarios/README.md).
std::string schema_reference_markdown();

/// An XML Schema (XSD 1.0) for the documents whose root is `root` ("scenario" or "nic-profile"),
/// generated from the same table: scenarios/bootsim-scenario.xsd and nicmodels/profiles/nic-profile.xsd
/// are this text (a test keeps them equal). What XSD 1.0 cannot say (cross references, ranges, "at most
/// once" among repeatable siblings, one-of rules) stays the loader's: schema_xsd.cpp lists it.
std::string schema_xsd(const std::string& root);

}  // namespace bootsim::scenario
