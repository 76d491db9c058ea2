// The trace's vocabulary: every event kind, declared once. Each struct is both the declaration (name,
// meaning, fields with JSON type and unit; see trace_record.h) and the only way to emit its kind:
// `trace.emit(t, machine, trace_kind::Link{"up", cause})`, or `host.trace(...)` from the firmware. The
// documented list (reports/README.md) and the reports' known kinds are generated from trace_vocabulary().
//
// Every event also has `t_ns` (virtual time, ns), `machine` (the machine, or a server: dhcpd, httpd, tftpd,
// slirp, …) and `kind`, ahead of its own fields. Adding a kind: a struct here, its entry in the list in
// trace_kinds.cpp (tests/tools/check_trace_emitters.sh fails while nothing emits it), and the regenerated
// reports/README.md (tests/unit/trace_vocabulary_test.cpp says how).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/trace_record.h"

namespace bootsim {
namespace trace_kind {

struct Console {
  static constexpr const char* kName = "console";
  static constexpr const char* kMeaning =
      "raw text the guest printed: one event per burst of a line, at its first byte; a burst is bytes written "
      "at one time or at one fixed spacing (Trace::append_text), so every byte keeps the time it was written";
  std::string text;
  std::optional<std::int64_t> step_ns;
  template <class V> void fields(V& v) const {
    v(text, {"text", "", "the bytes as printed (control characters kept), bytes >= 0x80 read as Latin-1"});
    v(step_ns, {"step_ns", "ns", "byte i of text was written at t_ns + i × step_ns; absent: all at t_ns"});
  }
};

struct Phase {
  static constexpr const char* kName = "phase";
  static constexpr const char* kMeaning = "the PXE ROM or the machine entered a boot phase";
  std::string phase;
  std::optional<std::string> error;
  std::optional<std::string> nbp;
  std::optional<std::uint64_t> size;
  std::optional<std::uint32_t> xid;
  std::optional<std::string> ip;
  std::optional<std::string> file;
  std::optional<std::string> server;
  std::optional<std::uint64_t> bytes;
  template <class V> void fields(V& v) const {
    v(phase, {"phase", "",
              "`rom_dhcp`, `rom_dhcp_done`, `rom_failed`, `nbp_download`, `nbp_downloaded`, `nbp_start`, "
              "`nbp_returned` or `reset`"});
    v(error, {"error", "", "rom_failed: why the ROM gave up"});
    v(nbp, {"nbp", "", "nbp_start: the NBP's path"});
    v(size, {"size", "bytes", "nbp_start: the NBP's size"});
    v(xid, {"xid", "", "rom_dhcp: the ROM's DHCP transaction id"});
    v(ip, {"ip", "dotted quad", "rom_dhcp_done: the leased address"});
    v(file, {"file", "", "nbp_download, nbp_downloaded: the boot file"});
    v(server, {"server", "dotted quad", "nbp_download: the TFTP server"});
    v(bytes, {"bytes", "bytes", "nbp_downloaded: the size downloaded"});
  }
  static Phase rom_dhcp(std::uint32_t xid);
  static Phase rom_dhcp_done(std::string ip);
  static Phase rom_failed(std::string error);
  static Phase nbp_download(std::string file, std::string server);
  static Phase nbp_downloaded(std::string file, std::uint64_t bytes);
  static Phase nbp_start(std::string nbp, std::uint64_t size);
  static Phase nbp_returned();
  static Phase reset();
};

struct PxeCall {
  static constexpr const char* kName = "pxe_call";
  static constexpr const char* kMeaning = "the guest called the PXE API (empty UNDI_ISR polls are counted in `exit`)";
  std::string op;
  std::uint16_t opcode = 0;
  std::uint16_t status = 0;
  template <class V> void fields(V& v) const {
    v(op, {"op", "", "the opcode's name, `unknown` when it has none"});
    v(opcode, {"opcode", "", "the PXE opcode"});
    v(status, {"status", "", "the PXENV_STATUS returned (0 = success)"});
  }
};

struct BiosCall {
  static constexpr const char* kName = "bios_call";
  static constexpr const char* kMeaning = "a BIOS function this BIOS lacks (once per function), or a notable call";
  std::string int_;
  std::string result;
  template <class V> void fields(V& v) const {
    v(int_, {"int", "", "the interrupt and AX, e.g. `15h AX=E820h`"});
    v(result, {"result", "", "`unsupported`, or what the call did (`pxe_notify`)"});
  }
};

struct Io {
  static constexpr const char* kName = "io";
  static constexpr const char* kMeaning = "an I/O port this machine lacks was accessed (once per port)";
  std::string dir;
  std::string port;
  std::string result;
  template <class V> void fields(V& v) const {
    v(dir, {"dir", "", "`in` or `out`"});
    v(port, {"port", "", "the port, e.g. `0CF8h`"});
    v(result, {"result", "", "`unsupported`"});
  }
};

struct Irq {
  static constexpr const char* kName = "irq";
  static constexpr const char* kMeaning =
      "the guest took a device's hardware interrupt (any IRQ but the timer's IRQ0, which comes every tick)";
  std::uint64_t irq = 0;
  std::string vector;
  std::string mode;
  std::string at;
  template <class V> void fields(V& v) const {
    v(irq, {"irq", "", "the 8259 input, 0-15"});
    v(vector, {"vector", "", "the vector the 8259 gave, e.g. `73h`"});
    v(mode, {"mode", "", "`real` (through the IVT) or `protected` (through the guest's IDT)"});
    v(at, {"at", "", "where it was taken: `hlt`, `window` (sti; nop; nop; cli), `iret` (a BIOS service's "
                     "return), `retf` (a PXE call's return) or `block` (the start of a block "
                     "the guest ran with IF=1)"});
  }
};

struct FrameTx {
  static constexpr const char* kName = "frame_tx";
  static constexpr const char* kMeaning = "the NIC put a frame on the wire";
  std::uint64_t len = 0;
  std::string hex;
  template <class V> void fields(V& v) const {
    v(len, {"len", "bytes", "the frame's length"});
    v(hex, {"hex", "hex frame", "the whole Ethernet frame, lowercase hex"});
  }
};

struct FrameRx {
  static constexpr const char* kName = "frame_rx";
  static constexpr const char* kMeaning = "a frame reached the guest";
  std::uint64_t len = 0;
  std::string hex;
  template <class V> void fields(V& v) const {
    v(len, {"len", "bytes", "the frame's length"});
    v(hex, {"hex", "hex frame", "the whole Ethernet frame, lowercase hex"});
  }
};

struct FrameDrop {
  static constexpr const char* kName = "frame_drop";
  static constexpr const char* kMeaning = "the NIC dropped a frame";
  std::string dir;
  std::string reason;
  std::uint64_t len = 0;
  std::string hex;
  template <class V> void fields(V& v) const {
    v(dir, {"dir", "", "`tx` or `rx`"});
    v(reason, {"reason", "", "`link_down`, `port_blocking`, …"});
    v(len, {"len", "bytes", "the frame's length"});
    v(hex, {"hex", "hex frame", "the whole Ethernet frame, lowercase hex"});
  }
};

struct Link {
  static constexpr const char* kName = "link";
  static constexpr const char* kMeaning = "the NIC's link went up or down";
  std::string state;
  std::string cause;
  template <class V> void fields(V& v) const {
    v(state, {"state", "", "`up` or `down`"});
    v(cause, {"cause", "", "what changed it, e.g. `autoneg_complete`, `undi_initialize`"});
  }
};

struct Port {
  static constexpr const char* kName = "port";
  static constexpr const char* kMeaning = "the switch port's spanning-tree state changed";
  std::string state;
  template <class V> void fields(V& v) const {
    v(state, {"state", "", "`listening`, `learning`, `discarding` or `forwarding`"});
  }
};

struct Bpdu {
  static constexpr const char* kName = "bpdu";
  static constexpr const char* kMeaning = "the switch port sent an RSTP BPDU to the NIC";
  bool forwarding = false;
  std::string hex;
  template <class V> void fields(V& v) const {
    v(forwarding, {"forwarding", "", "whether the port forwards as it sends it"});
    v(hex, {"hex", "hex frame", "the BPDU frame, lowercase hex"});
  }
};

struct Key {
  static constexpr const char* kName = "key";
  static constexpr const char* kMeaning = "scripted keystrokes were typed";
  std::string keys;
  std::string trigger;
  template <class V> void fields(V& v) const {
    v(keys, {"keys", "", "the keys as the scenario wrote them"});
    v(trigger, {"trigger", "", "`at TIME` or `console: TEXT`"});
  }
};

struct Dhcp {
  static constexpr const char* kName = "dhcp";
  static constexpr const char* kMeaning = "one of our DHCP servers received or sent a DHCP message";
  std::string dir;
  std::string msg;
  std::uint32_t xid = 0;
  std::string client;
  std::string yiaddr;
  std::string siaddr;
  std::string file;
  bool opt77 = false;
  std::uint16_t port = 0;
  std::optional<bool> dropped;
  std::optional<std::string> uuid;
  template <class V> void fields(V& v) const {
    v(dir, {"dir", "", "`rx` (from a client) or `tx` (a reply)"});
    v(msg, {"msg", "", "the message type, e.g. `DHCPDISCOVER`"});
    v(xid, {"xid", "", "the transaction id"});
    v(client, {"client", "MAC", "chaddr"});
    v(yiaddr, {"yiaddr", "dotted quad", "the address offered"});
    v(siaddr, {"siaddr", "dotted quad", "the next server"});
    v(file, {"file", "", "the boot file name"});
    v(opt77, {"opt77", "", "the client sent user class `iPXE` (option 77)"});
    v(port, {"port", "", "UDP port it arrived on (rx) or was sent from (tx)"});
    v(dropped, {"dropped", "", "tx only, present when the scenario's loss dropped this reply"});
    v(uuid, {"uuid", "UUID", "rx only, present when the client sent option 97 (client UUID), as iPXE's ${uuid} prints it"});
  }
};

struct DhcpIgnored {
  static constexpr const char* kName = "dhcp_ignored";
  static constexpr const char* kMeaning = "a DHCP server received a message and did not answer";
  std::string why;
  std::optional<bool> malformed;
  std::optional<std::uint64_t> len;
  template <class V> void fields(V& v) const {
    v(why, {"why", "", "the reason"});
    v(malformed, {"malformed", "", "the message could not be decoded"});
    v(len, {"len", "bytes", "malformed only: the frame's length"});
  }
};

struct Tftp {
  static constexpr const char* kName = "tftp";
  static constexpr const char* kMeaning = "a TFTP transfer ended (the short last block, an ERROR, a refusal)";
  std::string client;
  std::string file;
  std::string status;
  std::uint64_t bytes = 0;
  std::uint64_t blocks = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  std::optional<int> error_code;
  std::optional<std::string> error;
  template <class V> void fields(V& v) const {
    v(client, {"client", "ip:port", "the client"});
    v(file, {"file", "", "the file requested"});
    v(status, {"status", "", "`ok`, `error`, `refused` or `abandoned` (the client asked again)"});
    v(bytes, {"bytes", "bytes", "data sent"});
    v(blocks, {"blocks", "", "DATA blocks sent"});
    v(start_ns, {"start_ns", "ns", "the read request"});
    v(end_ns, {"end_ns", "ns", "the last DATA or the ERROR"});
    v(error_code, {"error_code", "", "status error: the TFTP error code"});
    v(error, {"error", "", "error, refused: the message"});
  }
};

struct Http {
  static constexpr const char* kName = "http";
  static constexpr const char* kMeaning = "the HTTP server finished a request";
  std::uint64_t conn = 0;
  std::string method;
  std::string path;
  int status = 0;
  std::uint64_t bytes = 0;
  std::int64_t start_ns = 0;
  std::int64_t end_ns = 0;
  bool complete = false;
  template <class V> void fields(V& v) const {
    v(conn, {"conn", "", "connection number"});
    v(method, {"method", "", "the request method"});
    v(path, {"path", "", "the request path"});
    v(status, {"status", "", "the HTTP status sent"});
    v(bytes, {"bytes", "bytes", "body bytes sent"});
    v(start_ns, {"start_ns", "ns", "the request's first byte"});
    v(end_ns, {"end_ns", "ns", "the response's last byte, or when the connection closed"});
    v(complete, {"complete", "", "the whole response was sent"});
  }
};

/// One multiboot module of a handoff.
struct HandoffModule {
  std::string cmdline;
  std::uint32_t size = 0;
};
void to_json(TraceEvent& j, const HandoffModule& m);

struct Handoff {
  static constexpr const char* kName = "handoff";
  static constexpr const char* kMeaning = "a sentinel OS payload was reached: what the boot loader handed it";
  std::string protocol;
  std::optional<std::string> cmdline;
  std::optional<std::vector<HandoffModule>> modules;
  std::optional<std::uint32_t> initrd_size;
  std::optional<std::uint32_t> handoff_kind;
  std::optional<std::uint32_t> arg;
  std::optional<std::string> error;
  template <class V> void fields(V& v) const {
    v(protocol, {"protocol", "", "`multiboot`, `linux` or `unknown`"});
    v(cmdline, {"cmdline", "", "multiboot, linux: the kernel command line"});
    v(modules, {"modules", "[{cmdline, size (bytes)}]", "multiboot: the modules"});
    v(initrd_size, {"initrd_size", "bytes", "linux: the initrd's size"});
    v(handoff_kind, {"handoff_kind", "", "unknown: the payload's handoff code"});
    v(arg, {"arg", "", "unknown: its argument"});
    v(error, {"error", "", "reading the handoff structures faulted"});
  }
};

struct Fault {
  static constexpr const char* kName = "fault";
  static constexpr const char* kMeaning = "the guest crashed or misbehaved, or bootsim failed while serving it";
  std::string fault;
  std::string message;
  std::optional<std::string> mode;
  std::optional<std::string> pc;
  std::string recent_calls;
  template <class V> void fields(V& v) const {
    v(fault, {"fault", "", "the fault's kind: `watchdog`, `invalid_opcode`, …, `internal_error`"});
    v(message, {"message", "", "what happened"});
    v(mode, {"mode", "", "`real` or `protected` (absent when the CPU could not be read)"});
    v(pc, {"pc", "", "CS:EIP (absent when the CPU could not be read)"});
    v(recent_calls, {"recent_calls", "", "the last host calls"});
  }
};

struct Exit {
  static constexpr const char* kName = "exit";
  static constexpr const char* kMeaning = "the machine's run ended";
  std::string reason;
  std::string detail;
  std::uint64_t host_entries = 0;
  std::uint64_t pxe_calls = 0;
  std::uint64_t isr_polls = 0;
  std::uint64_t idle_jumps = 0;
  std::uint64_t timer_waits = 0;
  std::uint64_t hlt_resumes = 0;
  template <class V> void fields(V& v) const {
    v(reason, {"reason", "", "the stop reason, e.g. `handoff`, `time_limit`"});
    v(detail, {"detail", "", "more about it (the handoff's command line, …)"});
    v(host_entries, {"host_entries", "", "times the CPU left the guest for the host"});
    v(pxe_calls, {"pxe_calls", "", "PXE API calls, empty UNDI_ISR polls included"});
    v(isr_polls, {"isr_polls", "", "empty UNDI_ISR polls"});
    v(idle_jumps, {"idle_jumps", "", "times virtual time skipped ahead for an idle guest"});
    v(timer_waits, {"timer_waits", "", "clock jumps for a guest spinning on the clock"});
    v(hlt_resumes, {"hlt_resumes", "", "HLTs resumed by an interrupt"});
  }
};

struct SlirpTimer {
  static constexpr const char* kName = "slirp_timer";
  static constexpr const char* kMeaning = "one of libslirp's timers fired";
  int timer = 0;
  template <class V> void fields(V& v) const { v(timer, {"timer", "", "libslirp's timer id"}); }
};

struct GuestError {
  static constexpr const char* kName = "guest_error";
  static constexpr const char* kMeaning = "libslirp reported a guest error (a malformed packet, …)";
  std::string msg;
  template <class V> void fields(V& v) const { v(msg, {"msg", "", "libslirp's message"}); }
};

}  // namespace trace_kind

/// Every kind, declared, in the order documented.
const std::vector<KindDecl>& trace_vocabulary();
/// The declaration of `name`; nullptr when no kind has that name.
const KindDecl* find_trace_kind(const std::string& name);
/// What is wrong with `event` against the vocabulary: an undeclared kind, a missing field, an undeclared
/// field, a field of another JSON type, fields out of the declared order. Empty when it conforms.
std::vector<std::string> trace_event_problems(const TraceEvent& event);
/// The vocabulary as Markdown, as reports/README.md carries it.
std::string trace_vocabulary_markdown();

}  // namespace bootsim
