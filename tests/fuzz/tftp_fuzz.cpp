// The TFTP watcher on the wire: guest RRQs (checked against the root before slirp sees them) and the
// server's OACK/DATA/ERROR that close sessions, in any order, from several clients.
//
// Input: per frame, one control byte, then a length-prefixed payload (Input::chunk). Control bit 7 set:
// the payload is a whole Ethernet frame; else it is wrapped in a UDP frame between client 10.0.2.15:(port
// from bits 0-2) and the server 10.0.2.2:69 (bit 3 picks the direction: guest to server, or back).
// Properties: nothing crashes; the watcher refuses an RRQ (answers ERROR itself) exactly when its file
// resolves outside the root, and that answer is a well-formed TFTP ERROR to the asking client; every
// session it closes is traced with the file it was opened for.
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "fuzz_input.h"
#include "sim/net/tftp_watch.h"

using namespace bootsim;

namespace {

constexpr std::uint32_t kServer = 0x0A000202, kClient = 0x0A00020F;

/// undionly.kpxe and a folder inside; "etc" -> /etc and "sub/up" -> ".." (one level above the root).
const std::string& root() {
  static const std::string r = [] {
    std::string d = fuzz::scratch_dir() + "/tftp";
    ::mkdir(d.c_str(), 0755);
    ::mkdir((d + "/sub").c_str(), 0755);
    std::ofstream(d + "/undionly.kpxe") << "nbp";
    if (::symlink("/etc", (d + "/etc").c_str()) != 0 || ::symlink("../..", (d + "/sub/up").c_str()) != 0)
      fuzz::bug("symlink failed");
    return d;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  Trace trace;
  TftpWatch watch(trace, root(), kServer);
  std::int64_t t = 0;
  while (!in.empty()) {
    std::uint8_t ctl = in.u8();
    std::vector<std::uint8_t> payload = in.chunk();
    std::vector<std::uint8_t> frame;
    bool from_guest = !(ctl & 8);
    std::uint16_t client_port = static_cast<std::uint16_t>(2000 + (ctl & 7));
    if (ctl & 0x80) {
      frame = std::move(payload);
    } else {
      UdpDatagram d;
      d.src_mac = {0x52, 0x54, 0, 0x12, 0x34, 0x56};
      d.dst_mac = {0x52, 0x55, 0x0A, 0, 2, 2};
      d.src_ip = from_guest ? kClient : kServer;
      d.dst_ip = from_guest ? kServer : kClient;
      d.src_port = from_guest ? client_port : 69;
      d.dst_port = from_guest ? 69 : client_port;
      d.payload = std::move(payload);
      frame = build_udp_frame(d);
    }
    t += 1000;
    if (!from_guest) {
      watch.on_server_frame(SimTime{t}, frame);
      continue;
    }
    auto answer = watch.on_guest_frame(SimTime{t}, frame);
    auto udp = parse_udp_frame(frame);
    auto rrq = udp && udp->dst_ip == kServer && udp->dst_port == 69 ? parse_tftp_rrq(udp->payload) : std::nullopt;
    FUZZ_CHECK(answer.has_value() == (rrq && watch.escapes_root(rrq->file)),
               "refusal does not match escapes_root for '" + (rrq ? rrq->file : std::string("(no RRQ)")) + "'");
    if (answer) {
      auto err = parse_udp_frame(*answer);
      FUZZ_CHECK(err && err->dst_ip == udp->src_ip && err->dst_port == udp->src_port && err->src_port == 69 &&
                     err->payload.size() >= 5 && err->payload[0] == 0 && err->payload[1] == 5 &&
                     err->payload.back() == 0,
                 "the refusal is not a TFTP ERROR to the client");
    }
  }
  for (const auto& ev : trace.events()) {
    FUZZ_CHECK(ev.contains("file") && ev.contains("status"), "a tftp event without file or status");
    FUZZ_CHECK(ev["start_ns"].get<std::int64_t>() <= ev["end_ns"].get<std::int64_t>(), "a session ends before it starts");
  }
  return 0;
}
