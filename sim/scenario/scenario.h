// A scenario: what `bootsim scenario FILE.xml` runs, as plain data.
//
// The loader (sim/scenario/loader.h) turns a scenario file into these structs and has already checked
// everything a file can get wrong: units, addresses, names, referenced files, NIC profiles. A runner
// never re-validates; it reads `Scenario::variants`, each of which is *fully resolved*: the variant's
// network and machines are the scenario's base with that variant's overrides already applied, so a
// runner builds one World per variant from `variant.network` and `variant.machines` and checks
// `variant.expectations` against the trace. A file without <variant> elements has one implicit variant
// named "default".
//
// Paths are absolute (resolved against the scenario file's directory and the placeholders
// ${payloads}, ${ipxe}, ${scenario-dir}, ${env:NAME}, ${param:NAME}); times are SimTime; addresses are
// host-order uint32 as in sim/proto/dhcp_packet.h.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "firmware/host.h"
#include "firmware/smbios.h"
#include "nicmodels/link_profile.h"
#include "nicmodels/profile_registry.h"
#include "nicmodels/nic.h"
#include "sim/machine/keyboard.h"
#include "sim/core/sim_time.h"
#include "sim/net/netns_servers.h"

namespace bootsim::scenario {

/// Where something was written: for reports ("broadcom_timeout.xml:41:7 /scenario/variant[2]/expect/handoff").
struct SourceLocation {
  std::string file;   ///< the scenario file as given to the loader
  int line = 0;       ///< 1-based; 0 when the value came from an override (then `path` says which)
  int column = 0;     ///< 1-based, in characters
  std::string path;   ///< element path, e.g. /scenario/variant[2]/expect[1]/handoff[1]
};
std::string to_string(const SourceLocation& where);

// ---------------------------------------------------------------------------------------------------
// Network

/// A file served under a name that is not in the server's root (e.g. the sentinel mboot.c32 from the
/// build directory, or Debian's undionly.kpxe). Looked up before the root.
struct ServedFile {
  std::string name;       ///< path as the client asks for it, without a leading '/': "mboot.c32"
  std::string source;     ///< absolute host path; the loader checked that it exists
};

struct TftpServer {
  std::string root;                 ///< absolute directory; empty: no TFTP root (only `files`)
  std::vector<ServedFile> files;
};

struct HttpServer {
  bool enabled = false;             ///< false when the scenario has no <http>
  std::uint32_t address = 0;        ///< e.g. 10.0.2.100 (slirp guestfwd; not the gateway or DNS address)
  std::uint16_t port = 80;
  std::string root;
  std::vector<ServedFile> files;
};

enum class DhcpMode {
  kFull,    ///< one server hands out the address and the boot file
  kProxy,   ///< the address server gives no boot options; a ProxyDHCP service (PXEClient, port 4011) does
  kNone,    ///< nobody answers DHCP
};

struct DhcpService {
  DhcpMode mode = DhcpMode::kFull;
  std::uint32_t server = 0;          ///< server identifier and router
  std::uint32_t next_server = 0;     ///< siaddr / option 66
  std::uint32_t pool_start = 0;
  std::uint32_t pool_size = 0;
  SimTime lease{};
  std::string rom_filename;          ///< for clients without option 77 "iPXE" (the PXE ROM)
  std::string ipxe_filename;         ///< for clients with it (iPXE): usually a script URL
  SimTime reply_delay{};             ///< every reply leaves this much later than the request arrived
  double drop_rate = 0.0;            ///< probability in [0,1] that a request is ignored (seeded generator)
  /// Per-host boot files (<host>), in file order: the first that matches a request decides.
  struct Host {
    std::optional<Mac> mac;          ///< nullopt: any
    std::optional<Uuid> uuid;        ///< option 97's UUID; nullopt: any (a host gives mac, uuid or both)
    std::optional<std::string> rom_filename, ipxe_filename;  ///< nullopt: the server's
    SourceLocation where;
  };
  std::vector<Host> hosts;
};

enum class SwitchPortMode {
  kEdge,      ///< unmanaged switch: forwards as soon as the link is up, no BPDUs
  kPortfast,  ///< managed STP switch, port in portfast: forwards at once, sends STP BPDUs
  kStp,       ///< classic 802.1D: listening + learning for 2 × forward-delay after link up, no RSTP BPDUs
  kRstp,      ///< 802.1w: discarding BPDUs every `hello` until forwarding, which iPXE honours (net/stp.c)
};
const char* to_string(SwitchPortMode m);

struct SwitchPort {
  SwitchPortMode mode = SwitchPortMode::kEdge;
  SimTime forward_delay{};   ///< kStp/kRstp: time spent in each of listening and learning
  SimTime hello{};           ///< kRstp/kPortfast: BPDU interval
};

struct Network {
  std::uint32_t subnet = 0;          ///< network address, host order
  int prefix_len = 24;
  bool ipv6_ra = false;              ///< whether router advertisements are sent (iPXE then waits for IPv6 too)
  DhcpService dhcp;
  TftpServer tftp;
  HttpServer http;
  SwitchPort switch_port;
  /// mode="external": the user's own servers (<server command>) replace dhcp/tftp/http above.
  bool external = false;
  std::vector<std::string> servers;  ///< the commands, run with /bin/sh -c
  std::vector<std::vector<ListenPort>> server_listens;  ///< per server: the ports it must open first
  std::string servers_cwd;           ///< the scenario file's directory
};

// ---------------------------------------------------------------------------------------------------
// Machines

enum class FirmwareStart {
  kPxeRom,   ///< legacy PXE ROM: its own DHCP + TFTP phase, then the NBP it downloaded (rom-filename)
  kNbp,      ///< start directly at `nbp`, as if a PXE ROM had downloaded it (GET_CACHED_INFO is configured)
};

struct Machine {
  std::string name;
  Mac mac{};
  std::string nic_profile;          ///< the profile the NIC started from ("broadcom-like", or a <nic-profile>)
  LinkProfile nic;                  ///< that profile with the scenario's overrides applied
  std::vector<std::string> nic_overridden;  ///< attribute names that were overridden, for reports
  FirmwareStart start = FirmwareStart::kPxeRom;
  std::string nbp;                  ///< kNbp: absolute path of the NBP image
  std::optional<std::string> cmdline;  ///< PXENV_FILE_CMDLINE answer; nullopt: "unsupported"
  std::vector<KeyTrigger> keys;     ///< in firing order (sim/machine/keyboard.h)
  SmbiosInfo smbios;                ///< SmbiosInfo::defaults(seed, mac) with <smbios>'s attributes applied
  std::uint32_t ram_bytes = 0;
  SimTime power_on{};               ///< virtual time the machine is switched on (<machine power-on>)
};

// ---------------------------------------------------------------------------------------------------
// Expectations

/// Phases the runner measures (trace events of kind "phase"). The names are the trace's names.
enum class Phase { kRomDhcp, kNbpDownload, kIpxeInit, kIpxeDhcp, kScriptDownload, kKernelDownload, kLinkDown };
const char* to_string(Phase p);
/// Which DHCP a `dhcp` expectation is about: the PXE ROM's or iPXE's (after the chainload).
enum class DhcpPhase { kRom, kIpxe };
const char* to_string(DhcpPhase p);

struct ExpectConsole {
  std::string text;
  bool present = true;              ///< false: the console must NOT contain the text
  bool raw = false;                 ///< match the raw byte stream (sees erased text such as the Ctrl-B prompt)
  std::optional<SimTime> before;    ///< only text that appeared before this time counts
  std::optional<SimTime> after;     ///< only text that appeared at or after this time counts
};
struct ExpectDhcp {
  DhcpPhase phase = DhcpPhase::kIpxe;
  bool lease = true;                ///< true: an ACK was accepted; false: no lease
  std::optional<Uuid> uuid;         ///< every request of the phase carried option 97 with this UUID
};
struct ExpectHandoff {
  enum class Kind { kAny, kNone, kKernel } kind = Kind::kAny;
  std::string kernel;               ///< kKernel: the image name iPXE booted (e.g. "mboot.c32")
  std::string cmdline_contains;     ///< empty: not checked
};
struct ExpectDroppedFrames {
  std::uint64_t min = 1;            ///< at least this many frames dropped because the link was down
  std::optional<std::uint64_t> max;
};
/// The chainload loop: one file (an NBP such as undionly.kpxe) downloaded by TFTP at least `min` times by the
/// machine (sim/facts TftpReader, from its own frames: any server's downloads count).
struct ExpectChainloadLoop {
  std::uint64_t min = 3;
};
/// How many times the machine downloaded a file by TFTP (complete reads, from its own frames).
struct ExpectNbpDownloads {
  std::string file;
  std::uint64_t min = 0;
  std::optional<std::uint64_t> max;
};
struct ExpectPhaseDuration {
  Phase phase = Phase::kIpxeDhcp;
  std::optional<SimTime> min, max;
};
struct ExpectExit {
  StopReason reason = StopReason::kHandoff;
};

using ExpectationBody =
    std::variant<ExpectConsole, ExpectDhcp, ExpectHandoff, ExpectDroppedFrames, ExpectPhaseDuration, ExpectExit,
                 ExpectChainloadLoop, ExpectNbpDownloads>;

struct Expectation {
  ExpectationBody body;
  std::string machine;              ///< empty: must hold on every machine
  SourceLocation where;
};
/// One line for reports: `console contains "No configuration methods succeeded" before 40s`.
std::string describe(const Expectation& e);

// ---------------------------------------------------------------------------------------------------
// Scenario

struct Variant {
  std::string name;
  std::string description;
  std::string skip_reason;          ///< non-empty: do not run (e.g. "environment variable X is not set")
  SimTime until{};                  ///< virtual-time limit for this variant
  Network network;                  ///< resolved: base network + this variant's overrides
  std::vector<Machine> machines;    ///< resolved: base machines + this variant's overrides
  std::vector<Expectation> expectations;  ///< the scenario's own, then the variant's
  SourceLocation where;
};

/// Something in a valid scenario that is probably not what its author meant (`bootsim check` prints it).
struct ScenarioWarning {
  SourceLocation where;
  std::string message;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;                 ///< absolute path of the scenario file
  std::string dir;                  ///< its directory
  std::uint64_t seed = 0;
  SimTime until{};
  std::map<std::string, std::string> params;  ///< <param> values after overrides
  Network network;                  ///< base (without variant overrides)
  std::vector<Machine> machines;    ///< base
  std::vector<Variant> variants;    ///< at least one
  /// (path, value) overrides that were applied, in order, for reports.
  std::vector<std::pair<std::string, std::string>> overrides;
  /// The scenario's own <nic-profile>s, in file order (the built-in ones: builtin_profiles()).
  std::vector<ProfileEntry> nic_profiles;
  /// E.g. a link timing set on a NIC whose link never drops (loader_profiles.cpp).
  std::vector<ScenarioWarning> warnings;

  const Variant* find_variant(const std::string& name) const;
};

}  // namespace bootsim::scenario
