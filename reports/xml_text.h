// Text that is safe to hand to an XML writer: valid UTF-8 without the C0 controls XML 1.0 forbids.
// pugixml escapes markup characters but writes control bytes and broken UTF-8 through unchanged, which
// would make the HTML/JUnit unparseable for strict readers; everything from a trace passes through here.
#pragma once

#include <string>

namespace bootsim::reports {

/// Invalid UTF-8 bytes become U+FFFD; C0 controls other than tab and newline (and CR) are written as
/// visible escapes ("\\b", "\\x1b") so nothing is lost for the reader.
std::string xml_safe(const std::string& s);

}  // namespace bootsim::reports
