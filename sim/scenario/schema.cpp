#include "sim/scenario/schema.h"

#include <cassert>
#include <sstream>

#include "firmware/host.h"
#include "nicmodels/profile_registry.h"

namespace bootsim::scenario {

const char* to_string(AttrType t) {
  switch (t) {
    case AttrType::kString: return "text";
    case AttrType::kName: return "name";
    case AttrType::kBool: return "bool";
    case AttrType::kUint: return "integer";
    case AttrType::kDuration: return "duration";
    case AttrType::kPercent: return "percent";
    case AttrType::kBitRate: return "bit rate";
    case AttrType::kBytes: return "size";
    case AttrType::kIpv4: return "IPv4";
    case AttrType::kCidr: return "CIDR";
    case AttrType::kMac: return "MAC";
    case AttrType::kUuid: return "UUID";
    case AttrType::kEnum: return "enum";
    case AttrType::kPath: return "path";
    case AttrType::kKeys: return "keys";
    case AttrType::kHex: return "hex";
    case AttrType::kXmlNs: return "XML schema reference";
  }
  return "?";
}

namespace {

using T = AttrType;

AttrSpec req(std::string name, AttrType type, std::string desc, std::vector<std::string> choices = {}) {
  return AttrSpec{std::move(name), type, "", std::move(desc), true, std::move(choices)};
}
AttrSpec opt(std::string name, AttrType type, std::string def, std::string desc,
             std::vector<std::string> choices = {}) {
  return AttrSpec{std::move(name), type, std::move(def), std::move(desc), false, std::move(choices)};
}

std::vector<std::string> stop_reasons() {
  std::vector<std::string> out;
  for (StopReason r : {StopReason::kTimeLimit, StopReason::kNbpReturned, StopReason::kBootFailed,
                       StopReason::kHandoff, StopReason::kReset, StopReason::kGuestFault, StopReason::kRomFailed})
    out.push_back(stop_reason_name(r));
  return out;
}

std::vector<AttrSpec> dhcp_attrs() {
  return {
      opt("mode", T::kEnum, "full",
          "full: one server gives address and boot file; proxy: the address server gives no boot options "
          "and a ProxyDHCP service (PXEClient, UDP 4011) supplies them; none: nobody answers",
          {"full", "proxy", "none"}),
      opt("server", T::kIpv4, "(subnet host .2)", "server identifier and router; must be inside the subnet"),
      opt("next-server", T::kIpv4, "(server)", "siaddr / option 66: where the ROM fetches rom-filename by TFTP"),
      opt("pool-start", T::kIpv4, "(subnet host .15)", "first leased address; the pool must fit in the subnet"),
      opt("pool-size", T::kUint, "64", "number of addresses in the pool (1 or more)"),
      opt("lease", T::kDuration, "86400s", "lease time handed out (option 51), whole seconds"),
      opt("rom-filename", T::kString, "undionly.kpxe",
          "boot file for clients without option 77 \"iPXE\" (the PXE ROM); served by TFTP"),
      opt("ipxe-filename", T::kString, "(same as rom-filename)",
          "boot file for clients that send option 77 \"iPXE\" (the split that breaks the chainload loop); usually "
          "http://ADDRESS/script.ipxe, checked against the HTTP server's files. Leave it out to model a server "
          "without the split (a dnsmasq config with one dhcp-boot and no dhcp-userclass match): iPXE is then "
          "handed rom-filename again and chains it, the chainload loop (<chainload-loop> detects it)"),
      opt("reply-delay", T::kDuration, "0s", "every reply leaves this long after its request arrived"),
      opt("drop-rate", T::kPercent, "0%", "share of requests ignored, drawn from the scenario's seeded generator"),
  };
}

std::vector<AttrSpec> dhcp_host_attrs() {
  return {
      opt("mac", T::kMac, "", "the client's hardware address (chaddr)"),
      opt("uuid", T::kUuid, "",
          "the client's UUID as it sends it in option 97 (PXE ROMs and iPXE send their SMBIOS UUID), written "
          "as ${uuid} prints it"),
      opt("rom-filename", T::kString, "(the server's)", "boot file for this host's PXE ROM"),
      opt("ipxe-filename", T::kString, "(the server's)", "boot file for this host's iPXE (option 77 \"iPXE\")"),
  };
}

std::vector<AttrSpec> smbios_attrs() {
  return {
      opt("manufacturer", T::kString, "Dell Inc.", "type 1/2/3 manufacturer (iPXE ${manufacturer})"),
      opt("product", T::kString, "PowerEdge R640", "type 1 product name (iPXE ${product})"),
      opt("serial", T::kString, "(from seed and MAC)",
          "type 1 and 3 serial number (iPXE ${serial}): a 7-character service tag chosen by the seed and the MAC"),
      opt("uuid", T::kUuid, "(from the serial)",
          "type 1 UUID (iPXE ${uuid}, option 97 of the ROM's and iPXE's DHCP): by default derived from the "
          "serial as Dell's BIOS does (4c4c4544-…)"),
      opt("asset-tag", T::kString, "", "type 3 asset tag (iPXE ${asset})"),
  };
}

std::vector<AttrSpec> switch_attrs() {
  return {
      opt("port", T::kEnum, "edge",
          "edge: unmanaged, forwards at link up, no BPDUs; portfast: managed port in portfast, forwards at "
          "link up, sends BPDUs; stp: 802.1D listening+learning for 2 x forward-delay after every link up, "
          "no RSTP BPDUs (iPXE cannot see it); rstp: 802.1w, sends discarding RSTP BPDUs every hello "
          "until forwarding (iPXE defers DHCP, net/stp.c)",
          {"edge", "portfast", "stp", "rstp"}),
      opt("forward-delay", T::kDuration, "15s", "stp/rstp: time in each of listening and learning (802.1D default 15 s)"),
      opt("hello", T::kDuration, "2s", "portfast/rstp: BPDU interval (802.1D default 2 s)"),
  };
}

/// A field's attribute type in the language (nicmodels/profile_registry.h declares the fields).
AttrType field_type(ProfileField::Kind k) {
  switch (k) {
    case ProfileField::Kind::kHex16:
    case ProfileField::Kind::kHex8: return AttrType::kHex;
    case ProfileField::Kind::kBitRate: return AttrType::kBitRate;
    case ProfileField::Kind::kIrq: return AttrType::kUint;
    case ProfileField::Kind::kBool: return AttrType::kBool;
    case ProfileField::Kind::kDuration: return AttrType::kDuration;
  }
  return AttrType::kString;
}

const char* kFromProfile = "(the profile's: see \"NIC profiles\")";

std::vector<AttrSpec> nic_attrs() {
  return {
      opt("profile", T::kName, "generic",
          "NIC profile: a built-in one (generic, intel-like, broadcom-like; nicmodels/profiles/*.xml, values in "
          "\"NIC profiles\" above) or the scenario's own <nic-profile>"),
      opt("autoneg", T::kDuration, kFromProfile, "link-down time after a disturbing UNDI call"),
      opt("jitter", T::kDuration, kFromProfile, "extra link-down time, uniform in [0, jitter], seeded"),
      opt("drop-on-initialize", T::kBool, kFromProfile, "UNDI_INITIALIZE drops the link"),
      opt("drop-on-reset", T::kBool, kFromProfile, "UNDI_RESET_ADAPTER drops the link"),
      opt("drop-on-shutdown", T::kBool, kFromProfile, "UNDI_SHUTDOWN drops the link"),
      opt("drop-on-open", T::kBool, kFromProfile, "UNDI_OPEN drops the link"),
      opt("speed", T::kBitRate, kFromProfile, "link speed reported to the NBP"),
      opt("irq", T::kUint, "(none)",
          "IRQ the NIC interrupts on (1, 3..15): the ROM reports it and SUPPORTED_IRQ, so NBPs such as iPXE "
          "wait for the interrupt instead of polling; without it the ROM reports no IRQ"),
  };
}

std::vector<AttrSpec> xml_schema_attrs() {
  return {opt("xmlns:xsi", T::kXmlNs, "", "the XML Schema instance namespace, for editors"),
          opt("xsi:noNamespaceSchemaLocation", T::kXmlNs, "",
              "the schema file editors validate and complete with (bootsim-scenario.xsd, nic-profile.xsd)")};
}

/// A profile's attributes: in a profile file every value is required (nothing hidden in code); in a
/// scenario's <nic-profile> they are optional and default to the profile it extends.
std::vector<AttrSpec> profile_attrs(bool file) {
  std::vector<AttrSpec> a;
  if (file) a = xml_schema_attrs();
  a.push_back(req("name", T::kName, file ? "the profile's name (<nic profile=\"…\">)" : "the profile's name (<nic profile=\"…\">); not a built-in one's"));
  if (!file) a.push_back(opt("extends", T::kName, "generic", "the profile it starts from: a built-in one or an earlier <nic-profile>"));
  a.push_back(file ? req("description", T::kString, "one line for reports")
                   : opt("description", T::kString, "(the extended profile's)", "one line for reports"));
  a.push_back(file ? req("source", T::kString, "where the numbers come from, in one line (reports)")
                   : opt("source", T::kString, "(this scenario)", "where the numbers come from, in one line (reports)"));
  for (const ProfileField& f : profile_fields()) {
    std::string desc = f.description;
    if (f.kind == ProfileField::Kind::kIrq) desc += " (0, 1 or 3..15)";
    a.push_back(file ? req(f.name, field_type(f.kind), desc) : opt(f.name, field_type(f.kind), "(the extended profile's)", desc));
  }
  return a;
}

ElementSpec source_spec(const std::string& parent, bool file) {
  return {parent + "/source",
          file ? "where values come from: every value of a profile file has one"
               : "where values come from (optional: a value without one cites this scenario file)",
          {req("for", T::kString, "the fields it is for, separated by spaces (\"autoneg jitter\")")},
          {}, true, true, "the source: a measurement, a document, or the model choice and what it reproduces"};
}

std::vector<AttrSpec> firmware_attrs() {
  return {
      opt("rom", T::kEnum, "(pxe unless nbp is given)",
          "pxe: the legacy PXE ROM runs its own DHCP + TFTP and starts the rom-filename it downloaded",
          {"pxe"}),
      opt("nbp", T::kPath, "",
          "start directly at this NBP, as if a PXE ROM had downloaded it; excludes rom"),
  };
}

std::vector<AttrSpec> key_attrs() {
  return {
      opt("at", T::kDuration, "", "fire at this virtual time (or when armed, if later)"),
      opt("on-console", T::kString, "", "fire when this text next appears on the raw console"),
      opt("after-console", T::kString, "",
          "first wait for this text, then for on-console (e.g. the second \"Press Ctrl-B\", after a failure)"),
      req("keys", T::kKeys,
          "what to type: text, \\n for Enter, <ctrl-b>, <esc>, <f12>… (sim/machine/keyboard.h parse_keys)"),
  };
}

std::vector<AttrSpec> console_attrs(const std::string& verb) {
  return {
      req("text", T::kString, "text the console " + verb),
      opt("raw", T::kBool, "false",
          "match the raw output stream (sees erased text, e.g. the Ctrl-B prompt) instead of the screen"),
      opt("before", T::kDuration, "", "only output before this virtual time counts"),
      opt("after", T::kDuration, "", "only output at or after this virtual time counts"),
  };
}

const std::vector<std::string> kPhases = {"rom_dhcp",        "nbp_download",    "ipxe_init", "ipxe_dhcp",
                                          "script_download", "kernel_download", "link_down"};

void add_expect(std::vector<ElementSpec>& s, const std::string& parent) {
  std::string p = parent + "/expect";
  s.push_back({p, "expectations checked against the trace; all children must hold",
               {opt("machine", T::kName, "(every machine)", "the machine they apply to")},
               {"console", "no-console", "dhcp", "handoff", "dropped-frames", "chainload-loop", "nbp-downloads", "phase", "exit"},
               true});
  s.push_back({p + "/console", "the console shows a text", console_attrs("must show"), {}, true});
  s.push_back({p + "/no-console", "the console never shows a text", console_attrs("must not show"), {}, true});
  s.push_back({p + "/dhcp", "the outcome of one DHCP phase",
               {req("phase", T::kEnum, "rom: the PXE ROM's DHCP; ipxe: iPXE's, after the chainload", {"rom", "ipxe"}),
                req("result", T::kEnum, "lease: an ACK was accepted; none: no lease", {"lease", "none"}),
                opt("uuid", T::kUuid, "",
                    "also: every DHCP request of the phase carried option 97 (client UUID) with this UUID")},
               {}, true});
  s.push_back({p + "/handoff", "whether an OS payload was reached",
               {opt("kernel", T::kString, "any", "any, none, or the image name iPXE booted (mboot.c32)"),
                opt("cmdline-contains", T::kString, "", "the payload's command line contains this text")},
               {}, true});
  s.push_back({p + "/dropped-frames", "frames dropped because the link was down",
               {opt("min", T::kUint, "1", "at least this many"), opt("max", T::kUint, "", "at most this many")},
               {}, true});
  s.push_back({p + "/chainload-loop",
               "the chainload loop happened: one file (e.g. undionly.kpxe, which iPXE chains again when the DHCP "
               "server gives iPXE the ROM's boot file) was downloaded by TFTP at least min times, counted from the "
               "machine's own frames, whoever served it",
               {opt("min", T::kUint, "3", "at least this many downloads of the same file (2 or more)")}, {}, true});
  s.push_back({p + "/nbp-downloads", "how many times a file was downloaded by TFTP (complete reads, from the machine's frames)",
               {req("file", T::kString, "the file name as requested (\"undionly.kpxe\"; a leading / is ignored)"),
                opt("count", T::kUint, "", "exactly this many; excludes min and max"),
                opt("min", T::kUint, "", "at least this many"), opt("max", T::kUint, "", "at most this many")},
               {}, true});
  s.push_back({p + "/phase", "a phase's duration lies in a window",
               {req("name", T::kEnum, "the phase, as the trace names it", kPhases),
                opt("min", T::kDuration, "", "at least"), opt("max", T::kDuration, "", "at most")},
               {}, true});
  s.push_back({p + "/exit", "how the run ended",
               {req("reason", T::kEnum, "the stop reason (firmware/host.h StopReason)", stop_reasons())}, {}, true});
}

/// A variant's override element: the base element's attributes, all optional and inherited when absent.
ElementSpec override_of(const ElementSpec& base, const std::string& path, bool per_machine) {
  ElementSpec o = base;
  o.path = path;
  o.same_as = base.path;
  o.description = "override of <" + base.path.substr(base.path.rfind('/') + 1) + ">; absent attributes are inherited";
  for (auto& a : o.attrs) {
    // key triggers are appended, not merged: they keep their own rules.
    if (base.path == "scenario/machine/key") continue;
    a.required = false;
    if (a.default_value.empty() || a.default_value[0] != '(') a.default_value = "(inherited)";
  }
  if (per_machine) {
    o.attrs.insert(o.attrs.begin(), opt("machine", T::kName, "(every machine)", "the machine it applies to"));
    o.repeatable = true;
  }
  return o;
}

std::vector<ElementSpec> build() {
  std::vector<ElementSpec> s;
  std::vector<AttrSpec> root_attrs = xml_schema_attrs();
  for (auto a : {req("name", T::kName, "scenario name (reports, output directory)"),
                 opt("seed", T::kUint, "0", "seeds every random choice (link jitter, DHCP drops)"),
                 opt("until", T::kDuration, "120s", "virtual-time limit of each variant")})
    root_attrs.push_back(a);
  s.push_back({"scenario", "the root", root_attrs,
               {"description", "param", "nic-profile", "network", "machine", "variant", "expect"}});
  s.push_back({"scenario/description", "free text for reports", {}, {}, false, true, "the description"});
  s.push_back({"scenario/param", "a named value, used as ${param:NAME} in any attribute or text; sweepable",
               {req("name", T::kName, "parameter name"), req("value", T::kString, "its value"),
                opt("description", T::kString, "", "what it means")},
               {}, true, false, "", "name"});
  s.push_back({"scenario/nic-profile",
               "a NIC profile of this scenario's own: another profile with some values changed, used as <nic "
               "profile=\"NAME\">",
               profile_attrs(false), {"source"}, true, false, "", "name"});
  s.push_back(source_spec("scenario/nic-profile", false));
  s.push_back({"scenario/network", "the boot LAN",
               {opt("subnet", T::kCidr, "10.0.2.0/24", "the LAN (slirp's network)"),
                opt("ipv6-ra", T::kBool, "off", "send IPv6 router advertisements (iPXE then also configures IPv6)"),
                opt("mode", T::kEnum, "builtin",
                    "builtin: bootsim's own DHCP/TFTP/HTTP over slirp; external: the <server> commands in a network "
                    "namespace of their own behind a TAP at the subnet's .2, with time paced to wall time (needs "
                    "root or user namespaces and /dev/net/tun; otherwise the variants are skipped)",
                    {"builtin", "external"})},
               {"dhcp", "tftp", "http", "switch", "server"}});
  s.push_back({"scenario/network/server",
               "mode=\"external\": one server process of the user's own, run with /bin/sh -c in the scenario's folder "
               "inside the namespace; its output goes to servers.log in the variant's output folder. Runs only with the "
               "user's opt-in (--allow-servers or BOOTSIM_ALLOW_SERVERS=1): it is a program on this host",
               {req("command", T::kString,
                    "the command line (\"dnsmasq --no-daemon --conf-file=files/dnsmasq/split.conf\"); it must stay "
                    "in the foreground"),
                opt("listens", T::kString, "(none)",
                    "ports this server must listen on before the run starts, space-separated PORT/udp or PORT/tcp "
                    "(\"69/udp 80/tcp\"); 67/udp is awaited from any server in any case; a port not open within "
                    "10 s fails the variant naming the command")},
               {}, true});
  s.push_back({"scenario/network/dhcp", "the DHCP server (ours; slirp's is disabled)", dhcp_attrs(), {"host"}});
  s.push_back({"scenario/network/dhcp/host",
               "per-host boot files, like dnsmasq dhcp-host or an ISC host block: the first host whose given mac "
               "and uuid both match the request decides",
               dhcp_host_attrs(), {}, true});
  s.push_back({"scenario/network/tftp", "the TFTP server (slirp's)",
               {opt("root", T::kPath, "", "directory served; must exist")}, {"file"}});
  s.push_back({"scenario/network/tftp/file", "one file served under a name, looked up before root",
               {req("name", T::kString, "name the client asks for (\"undionly.kpxe\")"),
                req("source", T::kPath, "host file; must exist (e.g. ${ipxe}/undionly.kpxe)")},
               {}, true, false, "", "name"});
  s.push_back({"scenario/network/http", "the HTTP server (ours, over slirp guestfwd)",
               {opt("address", T::kIpv4, "(subnet host .100)",
                    "address it answers on; inside the subnet, not the DHCP server's"),
                opt("port", T::kUint, "80", "TCP port"), opt("root", T::kPath, "", "directory served; must exist")},
               {"file"}});
  s.push_back({"scenario/network/http/file", "one file served under a name, looked up before root",
               {req("name", T::kString, "URL path without the leading '/' (\"mboot.c32\")"),
                req("source", T::kPath, "host file; must exist (e.g. ${payloads}/mboot.c32)")},
               {}, true, false, "", "name"});
  s.push_back({"scenario/network/switch", "the switch port every machine is plugged into", switch_attrs(), {}});
  s.push_back({"scenario/machine", "one PC (at least one)",
               {req("name", T::kName, "unique machine name (trace, reports)"),
                req("mac", T::kMac, "unique MAC address"),
                opt("ram", T::kBytes, "64MiB", "guest RAM (at least 1MiB)"),
                opt("power-on", T::kDuration, "0s",
                    "virtual time the machine is switched on (its PXE ROM or NBP starts then; its NIC is "
                    "cabled from the start)"),
                opt("count", T::kUint, "1",
                    "declare this many machines at once (1..1000): name is then a template with {n} or {n:0W} "
                    "(the number from 1, zero-padded to W digits, e.g. node-{n:03}), mac is the first machine's "
                    "and counts up by one per machine; the template in an <expect> or override's machine "
                    "attribute selects every machine of the group"),
                opt("power-on-step", T::kDuration, "0s",
                    "with count: machine n is switched on at power-on + (n-1) x power-on-step (a staggered rack)")},
               {"nic", "firmware", "smbios", "cmdline", "key"}, true, false, "", "name"});
  s.push_back({"scenario/machine/nic", "the NIC: a profile plus per-field overrides", nic_attrs(), {}});
  s.push_back({"scenario/machine/firmware", "how the machine boots", firmware_attrs(), {}});
  s.push_back({"scenario/machine/smbios",
               "the BIOS's SMBIOS tables (types 0, 1, 2, 3, 127; firmware/smbios.h); without it, the defaults",
               smbios_attrs(), {}});
  s.push_back({"scenario/machine/cmdline", "the PXENV_FILE_CMDLINE answer: an iPXE script run instead of autoboot",
               {}, {}, false, true, "iPXE commands; several lines allowed; surrounding blank space is trimmed"});
  s.push_back({"scenario/machine/key", "a key trigger; triggers fire in order, each armed when the previous fired",
               key_attrs(), {}, true});
  s.push_back({"scenario/variant", "a named variation of the base scenario, run on its own",
               {req("name", T::kName, "unique variant name"),
                opt("until", T::kDuration, "(scenario until)", "virtual-time limit of this variant")},
               {"description", "skip-unless", "network", "nic", "firmware", "cmdline", "key", "expect"},
               true, false, "", "name"});
  s.push_back({"scenario/variant/description", "free text for reports", {}, {}, false, true, "the description"});
  s.push_back({"scenario/variant/skip-unless", "skip the variant unless a condition holds (one attribute)",
               {opt("env", T::kName, "", "this environment variable is set and not empty"),
                opt("file", T::kPath, "", "this file exists")},
               {}, true});
  s.push_back({"scenario/variant/network", "network overrides",
               {opt("ipv6-ra", T::kBool, "(inherited)", "as in <network>")}, {"dhcp", "switch"}});
  auto base = [&](const std::string& p) {
    for (const auto& e : s)
      if (e.path == p) return e;
    assert(false);
    return ElementSpec{};
  };
  auto dhcp = override_of(base("scenario/network/dhcp"), "scenario/variant/network/dhcp", false);
  dhcp.children.clear();  // <host> entries belong to the base network
  s.push_back(dhcp);
  s.push_back(override_of(base("scenario/network/switch"), "scenario/variant/network/switch", false));
  s.push_back(override_of(base("scenario/machine/nic"), "scenario/variant/nic", true));
  s.push_back(override_of(base("scenario/machine/firmware"), "scenario/variant/firmware", true));
  auto cmd = override_of(base("scenario/machine/cmdline"), "scenario/variant/cmdline", true);
  cmd.description = "replaces the machine's <cmdline>";
  s.push_back(cmd);
  auto key = override_of(base("scenario/machine/key"), "scenario/variant/key", true);
  key.description = "appended after the machine's own key triggers";
  s.push_back(key);
  add_expect(s, "scenario");
  add_expect(s, "scenario/variant");
  // The root of a profile file (nicmodels/profiles/*.xml), not of a scenario.
  s.push_back({"nic-profile", "the root of a NIC profile file (nicmodels/profiles/*.xml): every value, each with its source",
               profile_attrs(true), {"source"}});
  s.push_back(source_spec("nic-profile", true));
  return s;
}

}  // namespace

const std::vector<ElementSpec>& scenario_schema() {
  static const std::vector<ElementSpec> schema = build();
  return schema;
}

const ElementSpec* find_element(const std::string& schema_path) {
  for (const auto& e : scenario_schema())
    if (e.path == schema_path) return &e;
  return nullptr;
}

const AttrSpec* find_attr(const ElementSpec& element, const std::string& name) {
  for (const auto& a : element.attrs)
    if (a.name == name) return &a;
  return nullptr;
}

std::string schema_reference_markdown() {
  std::ostringstream md;
  auto tag = [](const std::string& path) { return "/" + path; };
  for (const auto& e : scenario_schema()) {
    md << "### `" << tag(e.path) << "`" << (e.repeatable ? " (repeatable)" : "") << "\n\n" << e.description << ".";
    if (!e.key_attr.empty()) md << " Override paths select it as `" << e.path.substr(e.path.rfind('/') + 1) << "[" << e.key_attr << "-value]`.";
    md << "\n\n";
    if (!e.same_as.empty() && e.path != "scenario/variant/key") {
      md << "Attributes: those of `" << tag(e.same_as) << "`, all optional (absent: inherited)";
      if (find_attr(e, "machine")) md << ", plus `machine` (the machine it applies to; default: every machine)";
      md << ".\n\n";
    } else if (!e.attrs.empty()) {
      md << "| Attribute | Type | Default | Description |\n|---|---|---|---|\n";
      for (const auto& a : e.attrs) {
        std::string type = to_string(a.type);
        if (a.type == AttrType::kEnum) {
          type.clear();
          for (const auto& c : a.choices) type += (type.empty() ? "" : " \\| ") + ("`" + c + "`");
        }
        std::string def = a.required ? "**required**" : a.default_value.empty() ? "(unset)" : a.default_value;
        if (!a.required && !def.empty() && def[0] != '(') def = "`" + def + "`";
        std::string desc = a.description;
        for (size_t i = 0; (i = desc.find('|', i)) != std::string::npos; i += 2) desc.replace(i, 1, "\\|");
        md << "| `" << a.name << "` | " << type << " | " << def << " | " << desc << " |\n";
      }
      md << "\n";
    }
    if (e.text) md << "Text: " << e.text_description << ".\n\n";
    if (!e.children.empty()) {
      md << "Children:";
      for (const auto& c : e.children) md << " `<" << c << ">`";
      md << "\n\n";
    }
  }
  return md.str();
}

}  // namespace bootsim::scenario
