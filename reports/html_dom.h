// Building the report pages' XHTML with pugixml: small DOM helpers (every string goes through xml_safe,
// pugixml does the escaping) and the page frame, whose style sheet and script are reports/assets/, embedded
// by the build. // Internal to the HTML reports (html_report.cpp); not a public interface.
#pragma once

#include <string>

#include <pugixml.hpp>

#include "reports/report_model.h"

namespace bootsim::reports::html {

using pugi::xml_node;

xml_node el(xml_node parent, const char* name);
/// A child element holding `text` (made XML-safe).
xml_node el(xml_node parent, const char* name, const std::string& text);
xml_node attr(xml_node n, const char* name, const std::string& value);
void text(xml_node n, const std::string& t);
/// One decimal, for SVG coordinates.
std::string num(double v);
/// Relative links only: no scheme (javascript:, http:), so a report cannot point anywhere else.
std::string safe_href(const std::string& href);

/// A new XHTML document with head (title, the style sheet) and body; returns body.
xml_node start_page(pugi::xml_document& doc, const std::string& title);
/// The page as text, with the script at the end of the body when `with_script`.
std::string finish_page(pugi::xml_document& doc, bool with_script);

/// The CSS class of a verdict's row: pass, skip, or fail (fail and error alike).
std::string status_class(VerdictStatus status);

}  // namespace bootsim::reports::html
