// The trace: every observable thing in a run as a timestamped, typed record. It is the single source of
// truth: expectations, reports and the pcap are computed from it.
//
// On disk it is JSON Lines, one event per line with flat fields: `t_ns`, `machine`, `kind`, then the
// kind's own fields (frames as lowercase hex). Kinds used so far: console, pxe_call, bios_call,
// frame_tx, frame_rx, frame_drop, link, key, phase, dhcp, tftp, http, handoff, fault, exit, counter.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/sim_time.h"

namespace bootsim {

using TraceEvent = nlohmann::ordered_json;

class Trace {
 public:
  /// Appends an event; `fields` must be a JSON object (or null). Returns the stored event.
  const TraceEvent& emit(SimTime t, const std::string& machine, const std::string& kind,
                         TraceEvent fields = TraceEvent::object());

  const std::vector<TraceEvent>& events() const { return events_; }
  /// Copies of the events of one `kind`, in order.
  std::vector<TraceEvent> events_of(const std::string& kind) const;

  /// Called for every event as it is emitted (console echo, live logging). Optional.
  void set_listener(std::function<void(const TraceEvent&)> fn) { listener_ = std::move(fn); }

  /// All events as JSON Lines. Deterministic: same events, same bytes.
  std::string to_jsonl() const;
  /// Writes to_jsonl() to `path`; returns false (with errno set) when the file cannot be written.
  bool write_file(const std::string& path) const;

  /// Parses a JSON Lines trace written by write_file (reports and tests read traces back).
  static std::vector<TraceEvent> parse_jsonl(const std::string& text);

  /// One machine's share of a trace written by several (`machines`): its own events and those of sources
  /// that are not machines (the servers: dhcpd, httpd, tftpd, …), in order. Expectations and reports
  /// judge each machine on its share.
  static std::vector<TraceEvent> machine_share(const std::vector<TraceEvent>& events, const std::string& machine,
                                               const std::vector<std::string>& machines);

 private:
  std::vector<TraceEvent> events_;
  std::function<void(const TraceEvent&)> listener_;
};

/// Lowercase hex of a byte buffer, as frames appear in the trace.
std::string to_hex(const std::uint8_t* data, size_t len);
std::vector<std::uint8_t> from_hex(const std::string& hex);

/// Bytes as a JSON string without losing any: bytes >= 0x80 are taken as Latin-1 and stored as UTF-8.
std::string latin1_to_utf8(const std::string& bytes);

}  // namespace bootsim
