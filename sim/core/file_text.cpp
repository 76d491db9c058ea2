#include "sim/core/file_text.h"

#include <cstdio>
#include <memory>

namespace bootsim {

std::string read_file_bytes(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return {};
  std::string out;
  // The size is a hint (a file still being written, /proc files that report 0): read until EOF anyway.
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > 0) {
    out.resize(static_cast<size_t>(size));
    out.resize(std::fread(out.data(), 1, out.size(), f.get()));
  }
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) out.append(buf, n);
  if (std::ferror(f.get())) return {};
  return out;
}

}  // namespace bootsim
