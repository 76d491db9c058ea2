// A pcap tap on the wire: every frame that crosses it, stamped with its virtual time, written through
// libpcap's dump API as a nanosecond-resolution Ethernet capture (tshark and Wireshark read it).
//
// The file is deterministic: same frames at the same virtual times give the same bytes (the pcap header
// carries no host data). Frames must be written in non-decreasing time order; the wire writes each frame
// at the moment it crosses, which the scheduler guarantees. Each record is flushed as it is written, so
// the file always ends on a whole record, even when the process is killed (an interrupted run).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/sim_time.h"

typedef struct pcap pcap_t;
typedef struct pcap_dumper pcap_dumper_t;

namespace bootsim {

class PcapTap {
 public:
  /// Opens `path` for writing. Throws std::runtime_error (with libpcap's message) when it cannot.
  explicit PcapTap(const std::string& path);
  ~PcapTap();
  PcapTap(const PcapTap&) = delete;
  PcapTap& operator=(const PcapTap&) = delete;

  /// Appends one frame (no FCS) captured at virtual time `t`.
  void write(SimTime t, const std::vector<std::uint8_t>& frame);
  /// Flushes buffered records to the file.
  void flush();
  std::uint64_t frames() const { return frames_; }

  /// The open file's descriptor (fork safety checks).
  int fd() const;
  /// In a fork child, after the parent flushed: continue in `path`, which starts as a copy of what the
  /// shared file held at the fork. The parent's file is left to the parent.
  void continue_in(const std::string& path);

 private:
  std::string path_;
  pcap_t* pcap_ = nullptr;
  pcap_dumper_t* dumper_ = nullptr;
  std::uint64_t frames_ = 0;
};

}  // namespace bootsim
