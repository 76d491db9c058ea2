// `bootsim run --nbp PATH`: boots one NBP on one machine and prints its console.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sim/scenario/nic_profiles.h"
#include "sim/world/boot_run.h"
#include "sim/cli/commands.h"
#include "sim/cli/option_checks.h"
#include "sim/core/errors.h"
#include "sim/core/host_paths.h"
#include "sim/facts/trace_facts.h"
#include "sim/scenario/world_spec.h"

namespace bootsim::cli {

namespace {

struct RunOptions {
  std::string nbp;
  std::string until = "60s";
  std::string cmdline;
  bool has_cmdline = false;
  std::vector<std::string> keys;
  std::string trace_path;
  std::string console_path;
  std::uint64_t seed = 0;
  std::string mac = "52:54:00:12:34:56";
  std::string nic = "generic";
  std::string responder = "none";
  std::string pcap_path;
  std::string tftp_root;
  std::string http_root;
  std::string ipv6_ra = "off";
  bool verbose = false;
  bool quiet = false;
  bool rom = false;
  bool no_idle_skip = false;
};

int run(const RunOptions& o) {
  BootRunSpec spec;
  if (o.rom == !o.nbp.empty()) throw InputError("give exactly one of --nbp PATH or --rom");
  // Without a TFTP root the ROM's DHCP and TFTP phase has nothing to download: the run would only wait
  // for its time limit.
  if (o.rom && o.tftp_root.empty())
    throw InputError("--rom needs --tftp-root DIR: the PXE ROM downloads its NBP (undionly.kpxe) by TFTP from there");
  // Every output is checked before the boot, not found unwritable after it.
  if (!o.trace_path.empty()) check_output_file(o.trace_path, "--trace");
  if (!o.console_path.empty()) check_output_file(o.console_path, "--console-log");
  if (!o.pcap_path.empty()) check_output_file(o.pcap_path, "--pcap");
  for (const auto& [dir, what] : {std::pair{o.tftp_root, "--tftp-root"}, std::pair{o.http_root, "--http-root"}}) {
    if (dir.empty()) continue;
    if (!std::filesystem::is_directory(dir)) throw InputError(std::string(what) + " " + dir + ": not a directory");
    if (auto why = served_root_problem(dir)) throw InputError(std::string(what) + " " + dir + ": " + *why);
  }
  // The machine as a scenario would describe it, then the one translation to the World's terms.
  scenario::Machine m;
  m.name = spec.machine.name;
  m.start = o.rom ? scenario::FirmwareStart::kPxeRom : scenario::FirmwareStart::kNbp;
  m.nbp = o.nbp;
  auto until = parse_duration(o.until);
  if (!until) throw InputError("--until: '" + o.until + "' is not a duration (e.g. 10s, 500ms)");
  spec.until = *until;
  auto mac = parse_mac(o.mac);
  if (!mac) throw InputError("--mac: '" + o.mac + "' is not a MAC address (e.g. 52:54:00:12:34:56)");
  if ((*mac)[0] & 1) throw InputError("--mac: " + o.mac + " is a broadcast or multicast address; a NIC needs a unicast MAC");
  m.mac = *mac;
  const ProfileEntry* profile = scenario::builtin_profiles().find(o.nic);
  if (!profile)
    throw InputError("--nic: unknown NIC profile '" + o.nic + "' (`bootsim profiles` lists them; a scenario can define its own)");
  m.nic_profile = o.nic;
  m.nic = profile->profile;
  if (o.has_cmdline) m.cmdline = o.cmdline;
  for (const auto& k : o.keys) {
    std::string err;
    auto t = parse_key_trigger(k, &err);
    if (!t) throw InputError("--key '" + k + "': " + err);
    m.keys.push_back(std::move(*t));
  }
  spec.machine = scenario::machine_config(m, 0, scenario::default_network(), o.seed, "--nbp");
  spec.machine.idle.skip = !o.no_idle_skip;
  if (o.responder == "dhcp") spec.responder = BootRunSpec::Responder::kDhcp;
  else if (o.responder == "net") spec.network = NetworkConfig{};
  else if (o.responder != "none") throw InputError("--responder: expected 'none', 'dhcp' or 'net'");
  if (!o.pcap_path.empty() || !o.tftp_root.empty() || !o.http_root.empty() || o.ipv6_ra != "off") {
    if (!spec.network) spec.network = NetworkConfig{};
  }
  if (spec.network) {
    spec.network->pcap_path = o.pcap_path;
    spec.network->tftp_root = o.tftp_root;
    spec.network->http_root = o.http_root;
    if (o.ipv6_ra != "on" && o.ipv6_ra != "off") throw InputError("--ipv6-ra: expected 'on' or 'off'");
    spec.network->ipv6_ra = o.ipv6_ra == "on";
    spec.network->dhcp.seed = o.seed;
  }
  spec.echo_console = !o.quiet;
  spec.echo_timestamps = o.verbose;

  BootRunOutcome out = run_boot(spec);
  if (!o.trace_path.empty() && !out.trace.write_file(o.trace_path)) {
    std::fprintf(stderr, "bootsim: cannot write trace %s\n", o.trace_path.c_str());
    return kExitInternalError;
  }
  if (!o.console_path.empty()) {
    std::ofstream c(o.console_path, std::ios::binary);
    c << out.console_raw;
  }
  std::string note = facts::merged_facts(out.trace.events_of("pxe_call")).unmodeled_calls_note();
  std::fprintf(stderr, "bootsim: %s after %s virtual (%s)%s\n", stop_reason_name(out.result.reason),
               format_time(out.result.end_time).c_str(), out.result.detail.c_str(), note.empty() ? "" : ("; " + note).c_str());
  return exit_code_for(out.result.reason);
}

}  // namespace

void add_run_command(CLI::App& app, int& result) {
  auto opts = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand("run", "Boot an NBP (e.g. Debian's undionly.kpxe) on one emulated PC");
  cmd->add_option("--nbp", opts->nbp, "NBP image to boot as if a PXE ROM had downloaded it");
  cmd->add_flag("--rom", opts->rom,
                "power on with the PXE ROM's own DHCP + TFTP phase; the NBP is the file it downloads (needs --tftp-root)");
  cmd->add_option("--until", opts->until, "virtual time limit (e.g. 10s, 500ms)")->capture_default_str();
  cmd->add_option("--cmdline", opts->cmdline, "answer PXENV_FILE_CMDLINE with this iPXE script")
      ->each([opts](const std::string&) { opts->has_cmdline = true; });
  cmd->add_option("--key", opts->keys,
                  "WHEN:KEYS, WHEN a duration or console text (no ':'); KEYS text with \\n and <ctrl-b> etc. Repeatable; fires in order");
  cmd->add_option("--trace", opts->trace_path, "write the JSON Lines trace here");
  cmd->add_option("--console-log", opts->console_path, "write the raw console stream here");
  cmd->add_option("--seed", opts->seed, "seed for every random choice")
      ->capture_default_str()
      ->check(unsigned_integer("the seed"));
  cmd->add_option("--mac", opts->mac, "the NIC's MAC address")->capture_default_str();
  cmd->add_option("--nic", opts->nic, "NIC profile: generic, intel-like, broadcom-like")->capture_default_str();
  cmd->add_option("--responder", opts->responder,
                  "peer on the wire: none (the default: no frame is answered), dhcp (minimal) or net (the boot network: "
                  "DHCP, slirp TCP/IP+TFTP, HTTP)")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "dhcp", "net"}));
  cmd->add_option("--pcap", opts->pcap_path, "write every frame on the wire here (implies --responder net)");
  cmd->add_option("--tftp-root", opts->tftp_root, "serve TFTP from this directory (implies --responder net)");
  cmd->add_option("--http-root", opts->http_root,
                  "serve HTTP at 10.0.2.100:80 from this directory (implies --responder net)");
  cmd->add_option("--ipv6-ra", opts->ipv6_ra,
                  "answer IPv6 router solicitations: on or off (off: iPXE's \"Configuring\" waits about 16 s for IPv6 "
                  "before it gives up on it)")
      ->capture_default_str()
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_flag("--no-idle-skip", opts->no_idle_skip,
                "no fast-forward for a guest that polls or reads clocks (README \"Virtual time\"): slower, same output");
  cmd->add_flag("--verbose,-v", opts->verbose, "prefix console lines with virtual timestamps");
  cmd->add_flag("--quiet,-q", opts->quiet, "do not echo the console");
  cmd->callback([opts, &result] { result = run(*opts); });
}

}  // namespace bootsim::cli
