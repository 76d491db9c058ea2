#include "reports/html_dom.h"

#include <cstdio>
#include <sstream>

#include "reports/xml_text.h"
#include "report_css.h"  // generated from reports/assets/report.css
#include "report_js.h"   // generated from reports/assets/report.js

namespace bootsim::reports::html {

xml_node el(xml_node parent, const char* name) { return parent.append_child(name); }

xml_node el(xml_node parent, const char* name, const std::string& text) {
  xml_node n = parent.append_child(name);
  if (!text.empty()) n.append_child(pugi::node_pcdata).set_value(xml_safe(text).c_str());
  return n;
}

xml_node attr(xml_node n, const char* name, const std::string& value) {
  n.append_attribute(name).set_value(xml_safe(value).c_str());
  return n;
}

void text(xml_node n, const std::string& t) { n.append_child(pugi::node_pcdata).set_value(xml_safe(t).c_str()); }

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

std::string safe_href(const std::string& href) {
  size_t colon = href.find(':');
  size_t slash = href.find('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon < slash)) return "#unsafe-link";
  return href;
}

xml_node start_page(pugi::xml_document& doc, const std::string& title) {
  doc.append_child(pugi::node_doctype).set_value("html");
  xml_node html = el(doc, "html");
  attr(html, "xmlns", "http://www.w3.org/1999/xhtml");
  attr(html, "lang", "en");
  xml_node head = el(html, "head");
  attr(el(head, "meta"), "charset", "utf-8");
  el(head, "title", title);
  el(head, "style", report_css);
  xml_node body = el(html, "body");
  attr(body, "data-report-ready", "0");
  return body;
}

std::string finish_page(pugi::xml_document& doc, bool with_script) {
  if (with_script) {
    xml_node body = doc.child("html").child("body");
    el(body, "script", report_js);
  }
  std::ostringstream os;
  doc.save(os, "", pugi::format_raw | pugi::format_no_declaration | pugi::format_no_empty_element_tags,
           pugi::encoding_utf8);
  return os.str();
}

std::string status_class(VerdictStatus status) {
  if (status == VerdictStatus::kPass || status == VerdictStatus::kSkip) return to_string(status);
  return "fail";
}

}  // namespace bootsim::reports::html
