// The HTTP server's request side: parse_http_request on whatever a guest sends down a TCP connection
// (several pipelined requests), and resolve_http_target on each target against a small root that holds a
// file, a folder and symlinks leading out of it.
//
// Input: the bytes a connection delivers.
// Properties: nothing crashes; a parsed head is consumed whole and never beyond the buffer; a target only
// resolves (200) to a regular file inside the root, never to the symlinked host paths.
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>
#include <string>

#include "fuzz_input.h"
#include "sim/net/http_server.h"

using namespace bootsim;

namespace {

/// A root made once per process: index.html, boot/boot.ipxe, and links "etc" -> /etc, "up" -> "..".
const std::string& root_real() {
  static const std::string root = [] {
    std::string r = fuzz::scratch_dir() + "/http";
    ::mkdir(r.c_str(), 0755);
    std::ofstream(r + "/index.html") << "hello\n";
    ::mkdir((r + "/boot").c_str(), 0755);
    std::ofstream(r + "/boot/boot.ipxe") << "#!ipxe\n";
    if (::symlink("/etc", (r + "/etc").c_str()) != 0 || ::symlink("..", (r + "/boot/up").c_str()) != 0)
      fuzz::bug("symlink failed");
    char real[PATH_MAX];
    if (!::realpath(r.c_str(), real)) fuzz::bug("realpath failed");
    return std::string(real);
  }();
  return root;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& root = root_real();
  std::string buf(reinterpret_cast<const char*>(data), size);
  for (int requests = 0; requests < 16; ++requests) {
    HttpRequest req;
    std::size_t used = 0;
    HttpParseStatus st = parse_http_request(buf, &req, &used);
    if (st != HttpParseStatus::kOk) break;
    FUZZ_CHECK(used >= 4 && used <= buf.size(), "consumed " + std::to_string(used) + " of " +
                                                    std::to_string(buf.size()));
    FUZZ_CHECK(!req.method.empty() && !req.target.empty(), "an accepted request without method or target");
    HttpResolution r = resolve_http_target(root, req.target);
    FUZZ_CHECK(r.status == 200 || r.status == 400 || r.status == 403 || r.status == 404,
               "status " + std::to_string(r.status));
    if (r.status == 200) {
      FUZZ_CHECK(r.path.rfind(root + "/", 0) == 0, "served " + r.path + " from outside the root");
      struct stat sb;
      FUZZ_CHECK(::stat(r.path.c_str(), &sb) == 0 && S_ISREG(sb.st_mode), "served a non-file " + r.path);
    }
    buf.erase(0, used);
  }
  // The target alone, as if every input were one request line's target.
  HttpResolution r = resolve_http_target(root, std::string(reinterpret_cast<const char*>(data), size));
  if (r.status == 200) FUZZ_CHECK(r.path.rfind(root + "/", 0) == 0, "served " + r.path + " from outside the root");
  return 0;
}
