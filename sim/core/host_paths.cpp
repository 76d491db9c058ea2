#include "sim/core/host_paths.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "sim/core/errors.h"

namespace bootsim {

namespace fs = std::filesystem;

std::optional<std::string> relative_path_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  for (char c : name) {
    auto u = static_cast<unsigned char>(c);
    if (u == 0) return "contains a NUL character";
    if (u < 0x20 || u == 0x7F) return "contains a control character";
    if (c == '\\') return "contains a backslash";
  }
  if (name.front() == '/') return "is an absolute path";
  size_t start = 0;
  while (true) {
    size_t end = name.find('/', start);
    std::string_view seg = name.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (seg.empty()) return "has an empty path segment ('//' or a trailing '/')";
    if (seg == "..") return "has a '..' segment";
    if (seg == ".") return "has a '.' segment";
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return std::nullopt;
}

namespace {

bool is_within(const fs::path& inner, const fs::path& outer) {
  auto o = outer.begin(), i = inner.begin();
  for (; o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

std::string why(const std::error_code& ec) { return ec.message(); }

}  // namespace

fs::path contained_path(const fs::path& dir, const fs::path& rel, const std::string& what) {
  if (auto p = relative_path_problem(rel.generic_string())) throw InputError(what + " '" + rel.string() + "' " + *p);
  std::error_code ec;
  fs::path base = fs::canonical(dir, ec);
  if (ec) throw InputError(what + ": folder " + dir.string() + ": " + why(ec));
  fs::path resolved = fs::weakly_canonical(base / rel, ec);
  if (ec) throw InputError(what + " " + (dir / rel).string() + ": " + why(ec));
  if (!is_within(resolved, base))
    throw InputError(what + " " + (dir / rel).string() + " resolves to " + resolved.string() + ", outside " +
                     base.string() + " (a symlink on the way?)");
  return dir / rel;
}

void check_output_file(const std::string& path, const std::string& what) {
  if (path.empty()) throw InputError(what + ": empty path");
  std::error_code ec;
  fs::file_status st = fs::symlink_status(path, ec);
  if (fs::is_directory(fs::status(path, ec))) throw InputError(what + " " + path + ": is a directory, not a file");
  if (fs::exists(st) && !fs::is_regular_file(fs::status(path, ec)))
    throw InputError(what + " " + path + ": exists and is not a regular file");
  fs::path parent = fs::absolute(fs::path(path)).parent_path();
  if (!fs::exists(parent, ec)) {
    // Created now rather than at the end of the run: a folder that cannot be made fails here.
    fs::create_directories(parent, ec);
    if (ec) throw InputError(what + " " + path + ": cannot create folder " + parent.string() + " (" + ec.message() + ")");
  }
  if (!fs::is_directory(parent, ec)) throw InputError(what + " " + path + ": " + parent.string() + " is not a folder");
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    throw InputError(what + " " + path + ": folder " + parent.string() + " is not writable");
  if (fs::exists(st) && ::access(path.c_str(), W_OK) != 0) throw InputError(what + " " + path + ": is not writable");
}

void check_output_dir(const std::string& path, const std::string& what) {
  if (path.empty()) throw InputError(what + ": empty path");
  std::error_code ec;
  fs::path p = fs::absolute(fs::path(path));
  if (fs::exists(p, ec)) {
    if (!fs::is_directory(p, ec)) throw InputError(what + " " + path + ": exists and is not a directory");
    if (::access(p.c_str(), W_OK | X_OK) != 0) throw InputError(what + " " + path + ": is not writable");
    return;
  }
  fs::path up = p.parent_path();
  while (!up.empty() && !fs::exists(up, ec) && up != up.parent_path()) up = up.parent_path();
  if (!fs::is_directory(up, ec)) throw InputError(what + " " + path + ": " + up.string() + " is not a directory");
  if (::access(up.c_str(), W_OK | X_OK) != 0)
    throw InputError(what + " " + path + ": cannot be created (" + up.string() + " is not writable)");
}

namespace {

const char* type_name(fs::file_type t) {
  switch (t) {
    case fs::file_type::directory: return "a directory";
    case fs::file_type::fifo: return "a FIFO";
    case fs::file_type::socket: return "a socket";
    case fs::file_type::block: return "a block device";
    case fs::file_type::character: return "a character device";
    case fs::file_type::not_found: return "missing (or a broken symlink)";
    default: return "not a regular file";
  }
}

std::string size_text(std::uint64_t n) {
  if (n >= (1u << 20)) return std::to_string(n >> 20) + " MiB";
  if (n >= (1u << 10)) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " bytes";
}

}  // namespace

std::string file_kind(const std::string& path) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  return fs::is_regular_file(st) ? "a regular file" : type_name(st.type());
}

std::optional<std::string> input_file_problem(const std::string& path, std::uint64_t max_bytes) {
  std::error_code ec;
  fs::file_status st = fs::status(path, ec);
  if (!fs::is_regular_file(st)) return std::string("is ") + type_name(st.type());
  std::uint64_t size = fs::file_size(path, ec);
  if (ec) return "cannot be read: " + ec.message();
  if (size == 0) return std::string("is empty");
  if (size > max_bytes)
    return "is " + std::to_string(size) + " bytes (" + size_text(size) + "), more than the " +
           std::to_string(max_bytes) + " allowed";
  if (::access(path.c_str(), R_OK) != 0) return std::string("is not readable");
  return std::nullopt;
}

std::optional<std::string> served_root_problem(const std::string& root) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) return "cannot be listed: " + ec.message();
  for (; it != end; it.increment(ec)) {
    if (ec) return "cannot be listed: " + ec.message();
    fs::file_status st = fs::status(it->path(), ec);  // follows symlinks: what a server would open
    if (fs::is_regular_file(st) || fs::is_directory(st)) continue;
    return "holds " + it->path().string() + ", which is " + type_name(st.type()) + " (a server can only serve files)";
  }
  return std::nullopt;
}

std::string temp_parent() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

std::string make_temp_dir(const std::string& stem) {
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = temp_parent() + "/" + stem + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data()))
    throw std::runtime_error("cannot create a private folder " + templ + (tmp && *tmp ? " ($TMPDIR)" : "") + ": " +
                             std::strerror(errno));
  return buf.data();
}

}  // namespace bootsim
