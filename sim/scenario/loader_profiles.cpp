// NIC profiles through the scenario loader: a profile file's root (nicmodels/profiles/*.xml, every value
// required and cited), a scenario's own <nic-profile> (another profile with some values changed), the
// profile fields they share with <nic>, and the warning for a link timing that can never take effect.
#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>
#include <type_traits>

#include "sim/scenario/loader_detail.h"
#include "sim/scenario/nic_profiles.h"

namespace bootsim::scenario::detail {

namespace {

std::vector<std::string> field_names() {
  std::vector<std::string> out;
  for (const auto& f : profile_fields()) out.push_back(f.name);
  return out;
}

}  // namespace

ProfileEntry Loader::load_profile_file(std::string text, const std::string& origin) {
  text_ = std::move(text);
  index_lines();
  pugi::xml_parse_result res = doc_.load_buffer(text_.data(), text_.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!res)
    throw ScenarioError(ScenarioErrc::kXmlSyntax, at_offset(res.offset, ""), std::string("XML syntax error: ") + res.description());
  pugi::xml_node root = doc_.document_element();
  if (std::string(root.name()) != "nic-profile")
    fail(ScenarioErrc::kUnknownElement, root, nullptr, "the root element of a NIC profile file must be <nic-profile>, not <" + std::string(root.name()) + ">");
  check_tree(root);
  return read_nic_profile(root, true, origin);
}

void Loader::read_profile_fields(Reader& r, LinkProfile& p, bool profile_element, std::vector<std::string>& marked) {
  auto mark = [&](const char* f) { marked.push_back(f); };
  if (profile_element) {
    auto hex = [&](const char* f, std::uint64_t max, auto& field) {
      if (auto v = r.hex(f)) {
        if (*v > max) r.fail(ScenarioErrc::kBadValue, f, std::string(f) + " must be at most " + (max == 0xFF ? "0xff" : "0xffff"));
        field = static_cast<std::remove_reference_t<decltype(field)>>(*v);
        mark(f);
      }
    };
    hex("pci-vendor", 0xFFFF, p.pci_vendor);
    hex("pci-device", 0xFFFF, p.pci_device);
    hex("pci-subvendor", 0xFFFF, p.pci_subvendor);
    hex("pci-subdevice", 0xFFFF, p.pci_subdevice);
    hex("pci-revision", 0xFF, p.pci_revision);
  }
  if (auto v = r.duration("autoneg")) { p.autoneg = *v; mark("autoneg"); }
  if (auto v = r.duration("jitter")) { p.jitter = *v; mark("jitter"); }
  if (auto v = r.boolean("drop-on-initialize")) { p.drop_on_initialize = *v; mark("drop-on-initialize"); }
  if (auto v = r.boolean("drop-on-reset")) { p.drop_on_reset = *v; mark("drop-on-reset"); }
  if (auto v = r.boolean("drop-on-shutdown")) { p.drop_on_shutdown = *v; mark("drop-on-shutdown"); }
  if (auto v = r.boolean("drop-on-open")) { p.drop_on_open = *v; mark("drop-on-open"); }
  if (auto v = r.uint("irq")) {
    // ISA IRQs a PCI NIC can be routed to: not the timer (0) and not the cascade (2). A profile may say 0:
    // no IRQ, the ROM reports none.
    if ((*v == 0 && !profile_element) || *v == 2 || *v > 15)
      r.fail(ScenarioErrc::kBadValue, "irq",
             profile_element ? "irq must be 0 (none), 1 or 3..15 (2 is the cascade)"
                             : "irq must be 1 or 3..15 (0 is the timer, 2 the cascade)");
    p.irq = static_cast<std::uint8_t>(*v);
    mark("irq");
  }
  if (auto v = r.bitrate("speed")) {
    if (*v == 0 || *v > 0xFFFFFFFFull) r.fail(ScenarioErrc::kBadValue, "speed", "speed must be between 1bps and 4Gbps");
    p.link_speed_bps = static_cast<std::uint32_t>(*v);
    mark("speed");
  }
}

ProfileEntry Loader::read_nic_profile(pugi::xml_node n, bool file, const std::string& origin) {
  Reader r(*this, n);
  ProfileEntry e;
  const std::string name = *r.name_value("name");
  if (!file) {
    const std::string base = *r.name_value("extends");
    const ProfileEntry* b = profiles_.find(base);
    if (!b)
      r.fail(ScenarioErrc::kUnknownProfile, r.has("extends") ? "extends" : nullptr,
             "unknown NIC profile '" + base + "' to extend (known: " + join(profiles_.names()) + ")");
    if (const ProfileEntry* same = profiles_.find(name))
      r.fail(ScenarioErrc::kDuplicateName, "name",
             "a NIC profile named '" + name + "' already exists (" + (same->builtin ? "built in" : same->origin) +
                 "); give this one its own name and extends=\"" + name + "\"");
    e = *b;
    e.builtin = false;
    e.extends = base;
    e.profile.source = "scenario " + std::filesystem::path(file_).filename().string();
  }
  e.profile.name = name;
  e.origin = origin;
  e.builtin = file;
  if (auto d = r.text_value("description")) e.profile.description = *d;
  if (auto s = r.text_value("source")) e.profile.source = *s;
  std::vector<std::string> set;
  read_profile_fields(r, e.profile, true, set);

  std::set<std::string> cited;
  const std::vector<std::string> fields = field_names();
  for (auto c : n.children("source")) {
    Reader cr(*this, c);
    const std::string text = cr.text();
    if (text.empty()) fail(ScenarioErrc::kBadValue, c, nullptr, "<source> is empty: say where the values come from");
    std::istringstream names(*cr.text_value("for"));
    std::string f;
    bool any = false;
    while (names >> f) {
      any = true;
      if (std::find(fields.begin(), fields.end(), f) == fields.end())
        cr.fail(ScenarioErrc::kUnknownReference, "for", "'" + f + "' is not a profile field (fields: " + join(fields) + ")");
      if (!cited.insert(f).second) cr.fail(ScenarioErrc::kDuplicateName, "for", "'" + f + "' already has a <source>");
      if (std::find(set.begin(), set.end(), f) == set.end())
        cr.fail(ScenarioErrc::kConflict, "for", "'" + f + "' is not set by this <nic-profile>: its source is the extended profile's");
      e.sources[f] = text;
    }
    if (!any) cr.fail(ScenarioErrc::kBadValue, "for", "names no field");
  }
  for (const auto& f : set) {
    if (cited.count(f)) continue;
    if (file) fail(ScenarioErrc::kMissingElement, n, nullptr, "the value of '" + f + "' has no <source for=\"" + f + "\">: every value of a profile file says where it comes from");
    e.sources[f] = "set in " + origin;
  }
  return e;
}

void Loader::warn_idle_link_timing(const std::vector<Machine>& machines, const SourceLocation& fallback) {
  for (const Machine& m : machines) {
    const LinkProfile& p = m.nic;
    // UNDI_RESET_ADAPTER alone does not count: iPXE's undinet, PXELINUX and GRUB never call it, so such a
    // link stays up (the intel-like profile; the user story of issue 13).
    if (p.drop_on_initialize || p.drop_on_shutdown || p.drop_on_open) continue;
    std::vector<std::string> timing;
    pugi::xml_node at;
    const char* attr = nullptr;
    auto own = base_nic_nodes_.count(m.name) ? base_nic_nodes_.at(m.name) : pugi::xml_node();
    auto prof = profile_nodes_.count(m.nic_profile) ? profile_nodes_.at(m.nic_profile) : pugi::xml_node();
    for (const char* f : {"autoneg", "jitter"}) {
      bool by_nic = std::find(m.nic_overridden.begin(), m.nic_overridden.end(), f) != m.nic_overridden.end();
      bool by_profile = prof && prof.attribute(f);
      if (!by_nic && !by_profile) continue;
      timing.push_back(f);
      if (!at) {
        if (by_nic && own && own.attribute(f)) at = own, attr = f;
        else if (by_profile) at = prof, attr = f;
      }
    }
    if (timing.empty()) continue;
    ScenarioWarning w;
    w.where = at ? where(at, attr) : fallback;
    w.message = "machine '" + m.name + "': " + join(timing, " and ") + (timing.size() > 1 ? " have" : " has") +
                " no effect: NIC profile '" + m.nic_profile + "' " +
                (p.drop_on_reset ? "drops the link only on UNDI_RESET_ADAPTER, which iPXE, PXELINUX and GRUB never call"
                                 : "never drops the link") +
                "; add drop-on-initialize=\"true\", drop-on-shutdown=\"true\" or drop-on-open=\"true\" to make it drop";
    bool seen = false;
    for (const auto& o : warnings_) seen |= o.message == w.message && o.where.line == w.where.line && o.where.path == w.where.path;
    if (!seen) warnings_.push_back(w);
  }
}

}  // namespace bootsim::scenario::detail

namespace bootsim::scenario {

ProfileEntry load_profile_text(const std::string& text, const std::string& file, const std::string& origin) {
  LoadOptions opts;
  detail::Loader loader(file, opts);
  return loader.load_profile_file(text, origin);
}

}  // namespace bootsim::scenario
