#include "sim/cli/version.h"

#include <glib.h>
#include <slirp/libslirp.h>
#include <unicorn/unicorn.h>

#include <fstream>
#include <memory>
#include <vector>

#include "git_version.h"

namespace bootsim::cli {

std::string file_sha256(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return {};
  std::unique_ptr<GChecksum, void (*)(GChecksum*)> sum(g_checksum_new(G_CHECKSUM_SHA256), g_checksum_free);
  std::vector<char> buf(1 << 16);
  while (f) {
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (f.gcount() > 0) g_checksum_update(sum.get(), reinterpret_cast<const guchar*>(buf.data()), f.gcount());
  }
  if (f.bad()) return {};
  return g_checksum_get_string(sum.get());
}

std::string version_text() {
  // The library's major.minor (what is loaded) with the patch level of the headers built against.
  unsigned major = 0, minor = 0;
  uc_version(&major, &minor);
  std::string text = "bootsim " BOOTSIM_GIT_VERSION "\n";
  text += "Unicorn " + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(UC_VERSION_PATCH) +
          " (CPU emulator)\n";
  text += std::string("libslirp ") + slirp_version_string() + " (TCP/IP stack)\n";
  const std::string ipxe = std::string(BOOTSIM_IPXE_DIR) + "/undionly.kpxe";
  const std::string sha = file_sha256(ipxe);
  text += "default iPXE: " + ipxe + (sha.empty() ? " (cannot be read: install Debian's ipxe package)" : " sha256 " + sha) + "\n";
  return text;
}

}  // namespace bootsim::cli
