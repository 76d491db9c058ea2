// The human log's reading of the trace: which events a person debugging a run wants to see, at which level,
// and as which line. Trace calls log_event for every event it stores, so the log needs no calls in the
// components and cannot disagree with the trace.
//
//   info   a machine's phases (its start is its first phase) and its end (exit), link up/down, switch port
//          state, DHCP leases (ACK), keys typed, handoff, guest faults
//   debug  PXE and BIOS API calls, every other DHCP message, TFTP transfers, HTTP requests, dropped frames,
//          guest errors, kinds this list does not know
//   trace  frames sent and received, BPDUs, libslirp timers
// The guest console is not logged: it is on stdout already.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "sim/core/log.h"
#include "sim/core/trace.h"

namespace bootsim::log {

/// The level and line the human log gives `ev`, or nullopt for events it leaves out (console text).
std::optional<std::pair<Level, std::string>> describe_event(const TraceEvent& ev);

/// Writes describe_event(ev) with the event's time and machine, when its level is enabled. Cheap when
/// the log is at its default level (warn): no event is logged above info.
void log_event(const TraceEvent& ev);

}  // namespace bootsim::log
