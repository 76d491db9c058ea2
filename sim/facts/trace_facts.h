// Facts derived from a trace once, per machine, for everything that judges or shows a run: expectations
// (sim/scenario/runner) and reports (reports/) read these instead of re-deriving them from the events.
//
//   TraceFacts f = derive_facts(events);          // every source of the trace, in order of first appearance
//   const MachineFacts* m = f.find("r640-01");
//   m->console.lines(), m->stages, m->dhcp, m->handoff, m->exit, m->link_down_drops …
//
// A machine's facts come from the events it emitted (its `machine` field): its console, frames, link
// changes, phases, handoff, fault and exit. Server events (dhcpd, httpd, tftpd) are sources of their own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/trace.h"
#include "sim/facts/console_stages.h"
#include "sim/facts/tftp_downloads.h"
#include "sim/machine/console.h"

namespace bootsim::facts {

/// One DHCP transaction (xid) this machine took part in, from the DHCP frames its NIC sent, received or
/// dropped. Only exchanges it sent (or tried to send) a message of are listed: on a shared wire a NIC
/// also receives the replies broadcast to other machines.
struct DhcpExchange {
  std::uint32_t xid = 0;
  std::int64_t first_ns = 0, last_ns = 0;
  int sent = 0, received = 0, dropped = 0;
  std::int64_t result_ns = -1;  ///< first DHCPACK/DHCPNAK received; -1: none
  bool acked = false;           ///< that result was an ACK
};

/// iPXE's own DHCP: after the NBP started, its requests carry option 77 "iPXE" (the ROM's do not); its
/// lease is the first ACK, for the same hardware address, of one of those transactions.
struct IpxeDhcp {
  std::int64_t first_request_ns = -1;  ///< first DISCOVER/REQUEST, sent or dropped on the way out
  std::int64_t lease_ns = -1;
  int discovers = 0;
  std::vector<std::string> uuids;      ///< distinct option-97 UUIDs of those requests ("" for none), in order
};

struct LinkChange {
  std::int64_t t_ns = 0;
  std::string state;  ///< "up" or "down"
  std::string cause;
};

struct Handoff {
  std::int64_t t_ns = 0;
  std::string protocol, cmdline;
};

struct Exit {
  std::int64_t t_ns = 0;
  std::string reason, detail;
};

struct Fault {
  std::int64_t t_ns = 0;
  std::string kind;  ///< GuestFault::kind(): "watchdog", "invalid_opcode", …
  std::string message;
};

struct PhaseMark {
  std::int64_t t_ns = 0;
  std::string name;  ///< rom_dhcp, rom_dhcp_done, nbp_download, nbp_downloaded, nbp_start, …
};

/// Where a text appeared on a console: when, and the rendered line it appeared in (as it reads at the end).
struct ConsoleMatch {
  std::int64_t t_ns = 0;  ///< when the byte that completed the text was written
  std::string line;       ///< the rendered line (empty for a raw match)
};

/// The same file downloaded again and again by one machine: the chainload loop (an iPXE whose DHCP hands
/// it its own NBP, e.g. undionly.kpxe, chains it, and the new iPXE does the same).
struct RepeatedDownload {
  std::string file;
  std::uint64_t bytes = 0;             ///< the size of its last download
  std::vector<std::int64_t> at_ns;     ///< when each download began (its RRQ)
};

/// Downloads of one file that make a chainload loop when no expectation says otherwise (reports, stdout).
constexpr int kLoopDownloads = 3;

struct MachineFacts {
  std::string name;
  Console console;                        ///< the rendered screen, replayed with each byte's own time
  std::vector<std::int64_t> console_byte_ns;  ///< when each byte of console.raw() was written
  /// Per console.lines(): when the line's text last changed (its last character was written).
  std::vector<std::int64_t> line_done_ns;
  std::int64_t current_line_done_ns = -1; ///< the same for console.current_line(); -1 while it is empty
  std::vector<Stage> stages;              ///< what the console shows (ConsoleStages), source "console"
  std::vector<PhaseMark> phases;          ///< `phase` events, in order
  std::vector<DhcpExchange> dhcp;         ///< in order of their first frame
  IpxeDhcp ipxe_dhcp;
  /// Distinct option-97 UUIDs ("" for none) of the DHCP requests it sent before the NBP started (the ROM's).
  std::vector<std::string> rom_dhcp_uuids;
  std::vector<LinkChange> links;
  /// Frames dropped because the link was down (reason "link_down"); drops for other reasons (the NIC
  /// closed after handoff, …) are not link losses.
  std::uint64_t link_down_drops = 0;
  std::optional<Handoff> handoff;         ///< the last handoff event
  std::optional<Exit> exit;
  std::vector<Fault> faults;
  /// PXE opcodes the guest called that the ROM model does not know (pxe_call events with op "unknown"),
  /// each once, in order of first use: the run stopped being a test of the NBP there.
  std::vector<std::uint16_t> unknown_pxe_calls;
  /// The TFTP reads it completed, from its own frames (tftp_downloads.h): the ROM's NBP, what iPXE fetched.
  std::vector<FileDownload> downloads;
  std::int64_t last_ns = 0;               ///< time of this machine's last event

  /// The first time `text` appeared on the console at a time in [after, before) (either bound optional):
  /// on the rendered screen (backspace and CR applied), or in the raw stream with `raw`. Its time is that
  /// of the byte that completed it; text that was erased and written again appears again.
  std::optional<ConsoleMatch> find_console(const std::string& text, bool raw, std::optional<std::int64_t> after,
                                           std::optional<std::int64_t> before) const;
  /// The first model phase `name` ("nbp_start", …); -1 when there is none.
  std::int64_t phase_at(const std::string& name) const;
  /// The first console stage `name` ("ipxe_init", "configuring", …), or null.
  const Stage* stage(const std::string& name) const;
  /// The last rendered console line with text ("" when none).
  std::string last_console_line() const;
  /// When each complete download of `file` began (a name as in the RRQ; a leading '/' is ignored).
  std::vector<std::int64_t> downloads_of(const std::string& file) const;
  /// The file it downloaded most often (the earliest such on a tie), when that is at least `min` times.
  std::optional<RepeatedDownload> repeated_download(int min) const;
  /// "chainload loop: undionly.kpxe downloaded 4 times by r640-01, at 0.010s, 18.2s, …" when one file
  /// was downloaded at least kLoopDownloads times, else "".
  std::string chainload_loop_note() const;
  /// "the NBP used PXE call 0x0030, which bootsim does not model" (each unknown opcode named), or "".
  std::string unmodeled_calls_note() const;
};

struct TraceFacts {
  std::vector<MachineFacts> sources;  ///< every `machine` of the trace, in order of first appearance
  const MachineFacts* find(const std::string& name) const;
};

/// Every source's facts, in one pass over `events` (time order, as Trace writes them).
TraceFacts derive_facts(const std::vector<TraceEvent>& events);
/// The facts of all of `events` taken as one machine's (a single-machine run), named `name`.
MachineFacts merged_facts(const std::vector<TraceEvent>& events, const std::string& name = "");

}  // namespace bootsim::facts
