#include "sim/net/tftp_watch.h"

#include <climits>
#include <cstdlib>

#include "sim/proto/dhcp_packet.h"

namespace bootsim {

namespace {

constexpr std::uint16_t kTftpPort = 69;

std::optional<std::string> real_path(const std::string& p) {
  char buf[PATH_MAX];
  if (!::realpath(p.c_str(), buf)) return std::nullopt;
  return std::string(buf);
}

}  // namespace

TftpWatch::TftpWatch(Trace& trace, std::string root, std::uint32_t server_ip, std::string name,
                     const std::vector<std::string>& link_targets)
    : trace_(trace), root_(std::move(root)), server_ip_(server_ip), name_(std::move(name)) {
  root_real_ = real_path(root_).value_or(root_);
  for (const auto& t : link_targets)
    if (auto real = real_path(t)) targets_real_.push_back(*real);
}

bool TftpWatch::escapes_root(const std::string& name) const {
  // slirp opens "<root>/<name>" (a leading '/' in the name stays inside the root).
  auto real = real_path(root_ + "/" + name);
  if (!real) return false;
  auto inside = [&](const std::string& dir) { return *real == dir || real->rfind(dir + "/", 0) == 0; };
  if (inside(root_real_)) return false;
  for (const auto& t : targets_real_)
    if (inside(t)) return false;
  return true;
}

std::optional<std::vector<std::uint8_t>> TftpWatch::on_guest_frame(SimTime t, const std::vector<std::uint8_t>& f) {
  auto udp = parse_udp_frame(f);
  if (!udp || udp->dst_ip != server_ip_ || udp->dst_port != kTftpPort) return std::nullopt;
  auto rrq = parse_tftp_rrq(udp->payload);
  if (!rrq) return std::nullopt;
  Key k{udp->src_ip, udp->src_port};
  // A new RRQ from the same ip:port ends the old session in slirp too (ref/slirp-notes.md §2).
  if (auto it = sessions_.find(k); it != sessions_.end()) close(t, k, it->second, "abandoned");
  Session s;
  s.file = rrq->file;
  s.start = t;
  if (escapes_root(rrq->file)) {
    close(t, k, s, "refused", std::nullopt, "symlink leaves the TFTP root");
    UdpDatagram out;
    out.src_mac = udp->dst_mac;
    out.dst_mac = udp->src_mac;
    out.src_ip = server_ip_;
    out.dst_ip = udp->src_ip;
    out.src_port = kTftpPort;
    out.dst_port = udp->src_port;
    out.payload = build_tftp_error(2, "Access violation");
    return build_udp_frame(out, ip_id_++);
  }
  sessions_[k] = std::move(s);
  return std::nullopt;
}

void TftpWatch::on_server_frame(SimTime t, const std::vector<std::uint8_t>& f) {
  auto udp = parse_udp_frame(f);
  if (!udp || udp->src_ip != server_ip_ || udp->src_port != kTftpPort || udp->payload.size() < 4) return;
  Key k{udp->dst_ip, udp->dst_port};
  auto it = sessions_.find(k);
  if (it == sessions_.end()) return;
  Session& s = it->second;
  const auto& p = udp->payload;
  if (auto oack = parse_tftp_oack(p)) {
    if (auto b = tftp_number(*oack, "blksize", kTftpMinBlksize, kTftpMaxBlksize)) s.blksize = *b;
  } else if (tftp_opcode(p) == TftpOpcode::kData) {
    std::size_t len = p.size() - 4;
    s.bytes += len;
    ++s.blocks;
    if (len < s.blksize) close(t, k, s, "ok");
  } else if (auto e = parse_tftp_error(p)) {
    close(t, k, s, "error", e->code, e->message);
  }
}

void TftpWatch::close(SimTime t, const Key& k, Session& s, const char* status, std::optional<int> error_code,
                      std::optional<std::string> error) {
  trace_.emit(t, name_,
              trace_kind::Tftp{format_ipv4(k.first) + ":" + std::to_string(k.second), s.file, status, s.bytes, s.blocks,
                               s.start.ns, t.ns, error_code, std::move(error)});
  sessions_.erase(k);
}

}  // namespace bootsim
