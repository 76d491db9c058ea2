// The trace: every observable thing in a run as a timestamped, typed record. It is the single source of
// truth: expectations, reports and the pcap are computed from it.
//
// On disk it is JSON Lines, one event per line with flat fields: `t_ns`, `machine`, `kind`, then the
// kind's own fields (frames as lowercase hex). The kinds and their fields are declared in trace_kinds.h,
// and events are emitted through those declarations: `emit(t, machine, trace_kind::Link{...})`.
//
// Events are in time order (`t_ns` never decreases): every source emits at the scheduler's now(), which
// never goes back, and text that arrives a byte at a time (the console) is coalesced here, in an open
// event that keeps its place in time rather than being appended late (append_text).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/core/sim_time.h"
#include "sim/core/trace_kinds.h"
#include "sim/core/trace_record.h"

namespace bootsim {

class Trace {
 public:
  /// Appends an event of a declared kind (a trace_kind struct converts to a TraceRecord). Returns it as stored.
  const TraceEvent& emit(SimTime t, const std::string& machine, TraceRecord record);
  /// Appends an event of any kind with any fields (`fields` a JSON object or null): for tests that make
  /// traces by hand. The simulation emits declared kinds only (above).
  const TraceEvent& emit(SimTime t, const std::string& machine, const std::string& kind,
                         TraceEvent fields = TraceEvent::object());

  /// Adds `bytes`, written at `t`, to the `text` field (as trace_kind::Console has it; stored as
  /// latin1_to_utf8 does) of the open event of (`machine`, `kind`), or opens one at `t`. The open event
  /// takes them only while each byte's time stays derivable from the event: all bytes at its `t_ns`, or
  /// one byte at a time at one fixed spacing `step_ns` of at most kTextMaxStep (a guest printing a
  /// character per BIOS call, each call costing the same virtual time). Otherwise the open event is
  /// appended and a new one opens at `t`, so every byte keeps the time it was written at. An open event
  /// is appended when it is closed (close_text), when it cannot take the next bytes, or when any other
  /// event is emitted, whichever comes first, so it never lands after an event that happened later. `t`
  /// must not be earlier than the last event's time.
  void append_text(SimTime t, const std::string& machine, const std::string& kind, const std::string& bytes);
  /// The widest spacing at which bytes still join one text event: a few host entries per character.
  static constexpr std::int64_t kTextMaxStep = 1000000;
  /// Appends the open event of (`machine`, `kind`) now, after those opened before it; no-op when none is open.
  void close_text(const std::string& machine, const std::string& kind);

  /// The events appended so far; open events (append_text) are not among them until closed.
  const std::vector<TraceEvent>& events() const { return events_; }
  /// The events, moved out (the trace is empty afterwards): a fleet's run hands ~10^5 of them on.
  std::vector<TraceEvent> take_events() { return std::move(events_); }
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

 private:
  struct OpenText {
    SimTime t;
    std::string machine, kind, bytes;
    SimTime last;              ///< when its last byte was written
    std::int64_t step_ns = 0;  ///< byte i at t + i × step_ns; 0: all at t
  };
  /// Appends open_[0, n), oldest first (they were opened in time order), and forgets them.
  void close_open(size_t n);
  const TraceEvent& append(SimTime t, const std::string& machine, const std::string& kind, TraceEvent fields);

  std::vector<TraceEvent> events_;
  std::vector<OpenText> open_;
  std::function<void(const TraceEvent&)> listener_;
};

/// ev[key] read in place when it is a string; null when it is absent or anything else. For readers of a
/// fleet's trace, where copying every frame's hex or every event's kind adds up.
const std::string* string_field(const TraceEvent& ev, const char* key);

/// Lowercase hex of a byte buffer, as frames appear in the trace.
std::string to_hex(const std::uint8_t* data, size_t len);
std::vector<std::uint8_t> from_hex(const std::string& hex);

/// Bytes as a JSON string without losing any: bytes >= 0x80 are taken as Latin-1 and stored as UTF-8.
std::string latin1_to_utf8(const std::string& bytes);

}  // namespace bootsim
