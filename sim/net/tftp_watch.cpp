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

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::optional<TftpRrq> parse_tftp_rrq(const std::vector<std::uint8_t>& p) {
  if (p.size() < 4 || p[0] != 0 || p[1] != 1) return std::nullopt;
  std::vector<std::string> fields;
  std::string cur;
  for (std::size_t i = 2; i < p.size(); ++i) {
    if (p[i] == 0) {
      fields.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(static_cast<char>(p[i]));
    }
  }
  if (!cur.empty() || fields.size() < 2 || fields[0].empty()) return std::nullopt;
  TftpRrq r;
  r.file = fields[0];
  r.mode = lower(fields[1]);
  for (std::size_t i = 2; i + 1 < fields.size(); i += 2) r.options[lower(fields[i])] = fields[i + 1];
  return r;
}

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
    std::vector<std::uint8_t> err{0, 5, 0, 2};
    for (char c : std::string("Access violation")) err.push_back(static_cast<std::uint8_t>(c));
    err.push_back(0);
    UdpDatagram out;
    out.src_mac = udp->dst_mac;
    out.dst_mac = udp->src_mac;
    out.src_ip = server_ip_;
    out.dst_ip = udp->src_ip;
    out.src_port = kTftpPort;
    out.dst_port = udp->src_port;
    out.payload = std::move(err);
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
  std::uint16_t op = static_cast<std::uint16_t>(p[0] << 8 | p[1]);
  if (op == 6) {  // OACK: name\0value\0 pairs
    // Parse as an RRQ-shaped list: a dummy file/mode pair, then "blksize\0N\0...".
    std::vector<std::uint8_t> list{0, 1, 'x', 0, 'o', 0};
    list.insert(list.end(), p.begin() + 2, p.end());
    if (auto opts = parse_tftp_rrq(list)) {
      if (auto b = opts->options.find("blksize"); b != opts->options.end()) s.blksize = std::strtoul(b->second.c_str(), nullptr, 10);
    }
  } else if (op == 3) {
    std::size_t len = p.size() - 4;
    s.bytes += len;
    ++s.blocks;
    if (len < s.blksize) close(t, k, s, "ok");
  } else if (op == 5) {
    std::string msg(p.begin() + 4, p.end());
    if (auto z = msg.find('\0'); z != std::string::npos) msg.resize(z);
    close(t, k, s, "error", p[2] << 8 | p[3], msg);
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
