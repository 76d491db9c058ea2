// A private directory for one world's Unix sockets (the HTTP server's, which slirp's forward connects to).
//
// Usage:
//   std::string dir = make_socket_dir();          // $TMPDIR/bootsim-net-<pid>-XXXXXX, mode 0700
//   ... bind dir + "/http.sock" ...; unlink it and rmdir(dir) when the world ends
//
// A process killed outright (SIGKILL, the OOM killer, a CI job's timeout) cannot remove its own directory.
// The pid in the name lets the next bootsim remove it: making a directory first sweeps those of this user
// whose process no longer exists (sweep_stale_socket_dirs). A pid that is alive again (reused) keeps its
// directory: a leftover is harmless, removing a live run's socket is not.
#pragma once

#include <string>

namespace bootsim {

/// Creates the directory under $TMPDIR (or /tmp; make_temp_dir, host_paths.h), after sweeping that parent
/// the first time in this process. Throws std::runtime_error saying why when it cannot be created.
std::string make_socket_dir();

/// Removes, under `parent`, every `bootsim-net-<pid>-XXXXXX` directory owned by this user whose process is
/// gone, with the `http.sock` it holds (nothing else: a directory holding anything more stays). Returns how
/// many it removed.
int sweep_stale_socket_dirs(const std::string& parent);

}  // namespace bootsim
