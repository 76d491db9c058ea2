#include "sim/net/http_server.h"

#include <fcntl.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace bootsim {

namespace {

constexpr std::size_t kMaxHead = 16 * 1024;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  std::size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> real_path(const std::string& p) {
  char buf[PATH_MAX];
  if (!::realpath(p.c_str(), buf)) return std::nullopt;
  return std::string(buf);
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 501: return "Not Implemented";
    default: return "Error";
  }
}

std::string content_type_for(const std::string& path) {
  auto ends = [&](const char* suf) {
    std::size_t n = std::strlen(suf);
    return path.size() >= n && path.compare(path.size() - n, n, suf) == 0;
  };
  if (ends(".ipxe") || ends(".txt") || ends(".cfg")) return "text/plain";
  return "application/octet-stream";
}

}  // namespace

HttpParseStatus parse_http_request(const std::string& buf, HttpRequest* out, std::size_t* consumed) {
  std::size_t end = buf.find("\r\n\r\n");
  if (end == std::string::npos) return buf.size() > kMaxHead ? HttpParseStatus::kBad : HttpParseStatus::kIncomplete;
  if (end > kMaxHead) return HttpParseStatus::kBad;
  std::string head = buf.substr(0, end);
  HttpRequest r;
  std::size_t eol = head.find("\r\n");
  std::string line = head.substr(0, eol);
  std::size_t s1 = line.find(' ');
  std::size_t s2 = s1 == std::string::npos ? std::string::npos : line.find(' ', s1 + 1);
  if (s1 == std::string::npos || s2 == std::string::npos || line.find(' ', s2 + 1) != std::string::npos)
    return HttpParseStatus::kBad;
  r.method = line.substr(0, s1);
  r.target = line.substr(s1 + 1, s2 - s1 - 1);
  r.version = line.substr(s2 + 1);
  if (r.method.empty() || r.target.empty()) return HttpParseStatus::kBad;
  if (r.version != "HTTP/1.1" && r.version != "HTTP/1.0") return HttpParseStatus::kBad;
  std::size_t pos = eol == std::string::npos ? head.size() : eol + 2;
  while (pos < head.size()) {
    std::size_t e = head.find("\r\n", pos);
    if (e == std::string::npos) e = head.size();
    std::string h = head.substr(pos, e - pos);
    std::size_t colon = h.find(':');
    if (colon == std::string::npos || colon == 0) return HttpParseStatus::kBad;
    r.headers[lower(h.substr(0, colon))] = trim(h.substr(colon + 1));
    pos = e + 2;
  }
  if (auto it = r.headers.find("content-length"); it != r.headers.end() && it->second != "0")
    return HttpParseStatus::kBad;
  if (r.headers.count("transfer-encoding")) return HttpParseStatus::kBad;
  std::string conn = r.headers.count("connection") ? lower(r.headers["connection"]) : "";
  r.keep_alive = r.version == "HTTP/1.1" ? conn != "close" : conn == "keep-alive";
  *out = std::move(r);
  *consumed = end + 4;
  return HttpParseStatus::kOk;
}

HttpResolution resolve_http_target(const std::string& root_real, const std::string& target,
                                   const std::map<std::string, std::string>& files) {
  HttpResolution res;
  std::string t = target;
  if (t.rfind("http://", 0) == 0) {  // absolute-form: drop scheme and authority
    std::size_t slash = t.find('/', 7);
    t = slash == std::string::npos ? "/" : t.substr(slash);
  }
  if (t.empty() || t[0] != '/') {
    res.status = 400;
    return res;
  }
  t = t.substr(0, t.find_first_of("?#"));
  std::string decoded;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '%') {
      int hi = i + 2 < t.size() ? hexval(t[i + 1]) : -1;
      int lo = i + 2 < t.size() ? hexval(t[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        res.status = 400;
        return res;
      }
      decoded.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      decoded.push_back(t[i]);
    }
  }
  if (decoded.find('\0') != std::string::npos) {
    res.status = 400;
    return res;
  }
  if (auto it = files.find(decoded.substr(1)); it != files.end()) {
    struct stat st{};
    res.status = ::stat(it->second.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? 200 : 404;
    if (res.status == 200) res.path = it->second;
    return res;
  }
  auto real = real_path(root_real + decoded);
  if (!real) {
    res.status = 404;
    return res;
  }
  if (*real != root_real && real->rfind(root_real + "/", 0) != 0) {
    res.status = 403;  // a "..", an absolute symlink, or a symlink chain that leaves the root
    return res;
  }
  struct stat st{};
  if (::stat(real->c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    res.status = 404;
    return res;
  }
  res.status = 200;
  res.path = *real;
  return res;
}

// --- The server ------------------------------------------------------------------------------------------

struct HttpServer::Conn {
  int fd = -1;
  std::uint64_t id = 0;
  std::string in;
  bool peer_eof = false;
  bool busy = false;        // a response is being written
  bool close_after = false;
  bool draining = false;    // our side is shut down for writing; waiting for slirp's EOF
  std::string out;
  std::size_t out_pos = 0;
  // The request being answered, for the trace.
  std::string method, path;
  int status = 0;
  std::uint64_t body_bytes = 0;
  SimTime start{};
};

HttpServer::HttpServer(Scheduler& sched, Trace& trace, HttpServerConfig config, std::string socket_path)
    : sched_(sched), trace_(trace), config_(std::move(config)), socket_path_(std::move(socket_path)) {
  auto root = real_path(config_.root);
  struct stat st{};
  if (!root || ::stat(root->c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    throw std::runtime_error("HTTP root '" + config_.root + "' is not a directory");
  root_real_ = *root;
  listen_on(socket_path_);
}

void HttpServer::listen_on(const std::string& path) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof sa.sun_path) throw std::runtime_error("HTTP socket path too long: " + path);
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("HTTP: socket(AF_UNIX): ") + std::strerror(errno));
  ::unlink(path.c_str());
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(listen_fd_, 512) != 0) {
    std::string err = std::strerror(errno);
    ::close(listen_fd_);
    listen_fd_ = -1;
    throw std::runtime_error("HTTP: cannot listen on " + path + ": " + err);
  }
}

std::size_t HttpServer::open_connections() const {
  std::size_t n = 0;
  for (const auto& c : conns_) n += c->fd >= 0;
  return n;
}

void HttpServer::relisten(std::string socket_path) {
  if (open_connections() != 0) throw std::logic_error("HttpServer::relisten with open connections");
  ::close(listen_fd_);  // our copy only; the path stays the parent's
  listen_fd_ = -1;
  socket_path_ = std::move(socket_path);
  listen_on(socket_path_);
}

HttpServer::~HttpServer() {
  for (auto& c : conns_)
    if (c->fd >= 0) ::close(c->fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
  ::unlink(socket_path_.c_str());
}

bool HttpServer::service() {
  bool moved = false;
  // slirp connects synchronously, so the accept order is the guests' connection order.
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) break;
    int sndbuf = static_cast<int>(config_.chunk_bytes * 4);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    c->id = next_conn_++;
    conns_.push_back(std::move(c));
    ++stats_.connections;
    moved = true;
  }
  for (auto& c : conns_) moved |= service_conn(*c);
  conns_.erase(std::remove_if(conns_.begin(), conns_.end(), [](const auto& c) { return c->fd < 0; }), conns_.end());
  return moved;
}

bool HttpServer::service_conn(Conn& c) {
  bool moved = false;
  char buf[16384];
  while (!c.peer_eof) {
    ssize_t n = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0) {
      c.in.append(buf, static_cast<std::size_t>(n));
      moved = true;
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      c.peer_eof = true;
      moved = true;
    } else {
      break;
    }
  }
  for (;;) {
    if (!c.busy) {
      if (c.peer_eof && (c.close_after || c.in.find("\r\n\r\n") == std::string::npos)) {
        ::close(c.fd);
        c.fd = -1;
        return true;
      }
      if (c.close_after) {
        // Half-close and drain until slirp's side ends: slirp writes to its socket without MSG_NOSIGNAL,
        // so closing under it while the guest still sends would raise SIGPIPE in this process.
        if (!c.draining) {
          ::shutdown(c.fd, SHUT_WR);
          c.draining = true;
          moved = true;
        }
        c.in.clear();
        return moved;
      }
      HttpRequest req;
      std::size_t used = 0;
      HttpParseStatus st = parse_http_request(c.in, &req, &used);
      if (st == HttpParseStatus::kIncomplete) return moved;
      c.busy = true;
      c.start = sched_.now();
      c.out.clear();
      c.out_pos = 0;
      c.body_bytes = 0;
      std::string body;
      bool head_only = false;
      if (st == HttpParseStatus::kBad) {
        c.method = "?";
        c.path = "";
        c.status = 400;
        c.close_after = true;
        c.in.clear();
      } else {
        c.in.erase(0, used);
        c.method = req.method;
        c.path = req.target;
        c.close_after = !req.keep_alive;
        if (req.method != "GET" && req.method != "HEAD") {
          c.status = 501;
        } else {
          head_only = req.method == "HEAD";
          HttpResolution r = resolve_http_target(root_real_, req.target, config_.files);
          c.status = r.status;
          if (r.status == 200) {
            std::ifstream f(r.path, std::ios::binary);
            body.assign(std::istreambuf_iterator<char>(f), {});
            if (!f.good() && !f.eof()) c.status = 404, body.clear();
          }
        }
      }
      std::string type = "text/plain";
      if (c.status == 200) type = content_type_for(c.path);
      else body = std::to_string(c.status) + " " + reason_phrase(c.status) + "\n";
      c.out = "HTTP/1.1 " + std::to_string(c.status) + " " + reason_phrase(c.status) + "\r\n" +
              "Server: bootsim\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
              "\r\nConnection: " + (c.close_after ? "close" : "keep-alive") + "\r\n\r\n";
      if (!head_only) {
        c.out += body;
        c.body_bytes = body.size();
      }
      ++stats_.requests;
      moved = true;
    }
    // Write the next chunk only when slirp has taken everything written so far.
    int queued = 0;
    if (::ioctl(c.fd, SIOCOUTQ, &queued) != 0) queued = 0;
    if (queued > 0) return moved;
    if (c.out_pos < c.out.size()) {
      std::size_t len = std::min(config_.chunk_bytes, c.out.size() - c.out_pos);
      ssize_t n = ::send(c.fd, c.out.data() + c.out_pos, len, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) {
        c.out_pos += static_cast<std::size_t>(n);
        stats_.bytes_sent += static_cast<std::uint64_t>(n);
        return true;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return moved;
      finish_request(c, false);  // slirp's side is gone (guest reset)
      ::close(c.fd);
      c.fd = -1;
      return true;
    }
    finish_request(c, true);
    moved = true;
  }
}

void HttpServer::finish_request(Conn& c, bool complete) {
  c.busy = false;
  trace_.emit(sched_.now(), config_.name,
              trace_kind::Http{c.id, c.method, c.path, c.status, c.body_bytes, c.start.ns, sched_.now().ns, complete});
}

}  // namespace bootsim
