#include "sim/net/pcap_tap.h"

#include <pcap/pcap.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace bootsim {

namespace {
// The libpcap savefile layout (pcap-savefile(5)): a 24-byte file header, then per record a 16-byte header.
constexpr std::size_t kFileHeader = 24;
constexpr std::size_t kRecordHeader = 16;
}  // namespace

PcapTap::PcapTap(const std::string& path) : path_(path) {
  pcap_ = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 65535, PCAP_TSTAMP_PRECISION_NANO);
  if (!pcap_) throw std::runtime_error("pcap: cannot create a capture handle");
  // Written as NAME.part and renamed once its file header is on disk, so that a process killed at any
  // moment leaves either no NAME or one that opens (never an empty NAME).
  const std::string part = path + ".part";
  dumper_ = pcap_dump_open(pcap_, part.c_str());
  if (!dumper_) {
    std::string err = pcap_geterr(pcap_);
    pcap_close(pcap_);
    pcap_ = nullptr;
    throw std::runtime_error("pcap: cannot open " + path + ": " + err);
  }
  pcap_dump_flush(dumper_);
  if (std::rename(part.c_str(), path.c_str()) != 0) {
    pcap_dump_close(dumper_);
    pcap_close(pcap_);
    std::remove(part.c_str());
    throw std::runtime_error("pcap: cannot rename " + part + " to " + path);
  }
}

PcapTap::~PcapTap() {
  if (dumper_) pcap_dump_close(dumper_);
  if (pcap_) pcap_close(pcap_);
}

void PcapTap::write(SimTime t, const std::vector<std::uint8_t>& frame) {
  pcap_pkthdr h{};
  // With nanosecond precision libpcap stores tv_usec as nanoseconds.
  h.ts.tv_sec = static_cast<time_t>(t.ns / 1000000000);
  h.ts.tv_usec = static_cast<suseconds_t>(t.ns % 1000000000);
  h.caplen = h.len = static_cast<bpf_u_int32>(frame.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &h, frame.data());
  // Every record reaches the file whole, in one write(2) (a frame is far smaller than stdio's buffer,
  // which is empty here): a run killed at any point leaves a capture that ends on a whole record.
  pcap_dump_flush(dumper_);
  ++frames_;
}

void PcapTap::flush() { pcap_dump_flush(dumper_); }

int PcapTap::fd() const { return ::fileno(pcap_dump_file(dumper_)); }

void PcapTap::continue_in(const std::string& path) {
  // Only the records written before the fork are ours: the parent keeps appending to its file. Their
  // count (frames_, copied with our memory at the fork) says where they end. Not the FILE's position:
  // after fork() parent and child share one open file description, so its offset moves with every
  // record the parent writes meanwhile. The file is opened anew through the inherited descriptor's
  // /proc/self/fd link, not by its name: an interrupted parent may already have moved or removed it.
  const int fd = ::fileno(pcap_dump_file(dumper_));  // its buffer is empty: flushed before the fork
  std::ifstream in("/proc/self/fd/" + std::to_string(fd), std::ios::binary);
  if (!in) in.open(path_, std::ios::binary);  // no /proc: by name, as before
  pcap_dump_close(dumper_);  // closes our copy of the descriptor; the parent's stays open
  dumper_ = nullptr;
  {
    std::vector<char> head(kFileHeader);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::uint64_t copied = 0;
    for (; in && copied < frames_; ++copied) {
      // A record: ts_sec, ts_usec, incl_len, orig_len (4 bytes each, host order as we wrote them), data.
      char rec[kRecordHeader];
      in.read(rec, kRecordHeader);
      std::uint32_t incl = 0;
      std::memcpy(&incl, rec + 8, sizeof incl);
      if (!in || incl > 65535) break;  // not a record we wrote: fails below
      std::size_t at = head.size();
      head.resize(at + kRecordHeader + incl);
      std::memcpy(head.data() + at, rec, kRecordHeader);
      in.read(head.data() + at + kRecordHeader, incl);
    }
    if (in && copied != frames_) in.setstate(std::ios::failbit);
    if (!in) throw std::runtime_error("pcap: cannot copy " + path_ + " to " + path);
    // As in the constructor: NAME.part renamed once complete, so that a child killed while it copies (a
    // signal right after the fork) leaves no NAME rather than an empty one.
    const std::string part = path + ".part";
    {
      std::ofstream out(part, std::ios::binary | std::ios::trunc);
      out.write(head.data(), static_cast<std::streamsize>(head.size()));
      out.flush();
      if (!out) throw std::runtime_error("pcap: cannot write " + part);
    }
    if (std::rename(part.c_str(), path.c_str()) != 0) throw std::runtime_error("pcap: cannot rename " + part + " to " + path);
  }
  path_ = path;
  dumper_ = pcap_dump_open_append(pcap_, path.c_str());
  if (!dumper_) throw std::runtime_error("pcap: cannot append to " + path + ": " + pcap_geterr(pcap_));
}

}  // namespace bootsim
