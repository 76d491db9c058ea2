// A <variant>: the scenario's network and machines copied, then the variant's <network>, <nic>, <firmware>,
// <cmdline> and <key> merged over them (on every machine or on machine="…"), its expectations added to the
// scenario's, and the whole checked again. A variant skipped by <skip-unless> is read leniently.
#include "sim/scenario/loader_detail.h"

#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace bootsim::scenario::detail {

Variant Loader::read_variant(pugi::xml_node n, const Scenario& s) {
  Reader r(*this, n);
  Variant v;
  v.name = *r.name_value("name");
  v.where = where(n);
  v.description = trim(n.child("description").text().get());
  v.until = r.has("until") ? *r.duration("until") : s.until;
  for (auto c : n.children("skip-unless")) {
    Reader cr(*this, c);
    if (cr.has("env") == cr.has("file"))
      cr.fail(cr.has("env") ? ScenarioErrc::kConflict : ScenarioErrc::kMissingAttribute, cr.has("env") ? "file" : nullptr,
              "<skip-unless> needs exactly one of 'env' or 'file'");
    if (v.skip_reason.empty()) {
      if (auto e = cr.name_value("env")) {
        auto val = env(*e);
        if (!val || val->empty()) v.skip_reason = "environment variable " + *e + " is not set";
      } else {
        lenient_ = true;  // the file's absence is the condition, not an error
        std::string p = *cr.path("file", "file");
        lenient_ = false;
        if (!fs::is_regular_file(p)) v.skip_reason = "file " + p + " does not exist";
      }
    }
  }
  lenient_ = !v.skip_reason.empty();
  v.network = s.network;
  v.machines = s.machines;
  if (auto net = n.child("network")) {
    Reader nr(*this, net);
    if (auto ra = nr.boolean("ipv6-ra")) v.network.ipv6_ra = *ra;
    if (auto d = net.child("dhcp")) read_dhcp(d, v.network, false);
    if (auto sw = net.child("switch")) read_switch(sw, v.network.switch_port);
  }
  for (auto c : n.children()) {
    std::string kind = c.name();
    if (kind == "nic") for (Machine* m : target_machines(c, v.machines)) apply_nic(c, *m);
    else if (kind == "firmware") for (Machine* m : target_machines(c, v.machines)) apply_firmware(c, *m);
    else if (kind == "cmdline") for (Machine* m : target_machines(c, v.machines)) m->cmdline = expand(c, nullptr, Reader(*this, c).text(), false);
    else if (kind == "key") for (Machine* m : target_machines(c, v.machines)) read_key(c, m->keys);
  }
  for (auto c : doc_.child("scenario").children("expect")) read_expect(c, v.machines, v.expectations);
  for (auto c : n.children("expect")) read_expect(c, v.machines, v.expectations);
  check_expectations(v.machines, v.expectations);
  cross_check(v.network, v.machines);
  warn_idle_link_timing(v.machines, v.where);
  lenient_ = false;
  return v;
}

}  // namespace bootsim::scenario::detail
