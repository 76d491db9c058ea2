// Our HTTP server: files from a root directory, in-process and in virtual time, behind libslirp's TCP.
//
// How connections reach it: slirp_add_unix(addr:port → a Unix socket path we listen on). For every guest
// TCP connection slirp connects one Unix stream socket to our listener, so connections stay apart and
// close properly in both directions (guestfwd in 4.7 can do neither, ref/slirp-notes.md §4). No network
// socket is ever opened; the listener lives in a private temporary directory.
//
// `service()` runs synchronously inside SlirpHost's pump: non-blocking accept, read, parse, write. To keep
// runs byte-identical whatever the host's socket buffer sizes, a response is written in chunks of
// `chunk_bytes`, the next one only once slirp has read the previous one completely (SIOCOUTQ == 0).
//
// Protocol: HTTP/1.0 and 1.1, GET and HEAD, Content-Length, keep-alive (1.1 default, "Connection: close"
// honoured), 400 for malformed requests, 404 for missing files, 403 for paths that resolve (realpath)
// outside the root, 501 for other methods. Each request becomes one trace event (kind "http").
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

namespace bootsim {

struct HttpRequest {
  std::string method, target, version;
  std::map<std::string, std::string> headers;  ///< names lowercased
  bool keep_alive = true;
};

enum class HttpParseStatus { kIncomplete, kOk, kBad };
/// Parses one request head from the start of `buf`. kOk sets `*consumed` to the head's length (requests
/// with a body are refused as kBad: GET/HEAD carry none). Heads over 16 KiB are kBad.
HttpParseStatus parse_http_request(const std::string& buf, HttpRequest* out, std::size_t* consumed);

struct HttpResolution {
  int status = 404;   ///< 200, 400, 403 or 404
  std::string path;   ///< the real path of the file when 200
};
/// Maps a request target ("/a/b?x") to a regular file under `root_real` (already a realpath). Decodes
/// %XX, drops the query; refuses NUL bytes (400) and anything whose realpath is outside the root (403).
/// A name in `files` (the decoded path without its leading '/') is that host file instead, laid over
/// the root, so that a scenario's extra files are served without copying the root.
HttpResolution resolve_http_target(const std::string& root_real, const std::string& target,
                                   const std::map<std::string, std::string>& files = {});

struct HttpServerConfig {
  std::string root;                  ///< served directory (in place: never copied or written)
  std::map<std::string, std::string> files;  ///< URL path without '/' → host file, served before the root
  std::string name = "httpd";        ///< the trace's `machine`
  std::size_t chunk_bytes = 64 * 1024;
};

class HttpServer {
 public:
  /// Listens on a Unix socket at `socket_path` (created; removed by the destructor). Throws
  /// std::runtime_error when the root does not exist or the socket cannot be created.
  HttpServer(Scheduler& sched, Trace& trace, HttpServerConfig config, std::string socket_path);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Accepts, reads, answers and writes what it can without blocking. True when anything moved.
  bool service();

  const std::string& socket_path() const { return socket_path_; }
  int listen_fd() const { return listen_fd_; }
  /// Open connections (a fork must not share them).
  std::size_t open_connections() const;
  /// In a fork child: listen on a socket of our own at `socket_path`, leaving the inherited listener
  /// (and its path) to the parent. Requires open_connections() == 0.
  void relisten(std::string socket_path);
  struct Stats {
    std::uint64_t connections = 0, requests = 0, bytes_sent = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Conn;
  bool service_conn(Conn& c);
  void start_response(Conn& c);
  void finish_request(Conn& c, bool complete);
  void listen_on(const std::string& path);

  Scheduler& sched_;
  Trace& trace_;
  HttpServerConfig config_;
  std::string root_real_;
  std::string socket_path_;
  int listen_fd_ = -1;
  std::uint64_t next_conn_ = 0;
  std::vector<std::unique_ptr<Conn>> conns_;
  Stats stats_;
};

}  // namespace bootsim
