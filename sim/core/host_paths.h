// What bootsim may read and write on the host, decided in one place.
//
// Scenario files come from pull requests and firmware from anywhere (README "Exit codes"): a name in a
// scenario must never become a path outside the folder it belongs to, and a path the user gives must be
// found bad before anything runs, not after a minute of simulation. Every check throws InputError (exit 2)
// naming what was given; callers that know a file:line wrap it in their own located error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace bootsim {

/// Why `name` is not a plain relative path (the only kind a scenario may give for something bootsim
/// creates or serves under a folder of its own), or nullopt when it is one: not empty, not absolute,
/// no "." or ".." segment, no empty segment ("a//b"), no backslash, no NUL or other control character.
std::optional<std::string> relative_path_problem(std::string_view name);

/// `dir / rel`, after checking that it stays inside `dir` once every symlink that exists along the way
/// is followed (a link planted in an output folder must not redirect a write). `dir` must exist.
/// Throws InputError naming `what` otherwise.
std::filesystem::path contained_path(const std::filesystem::path& dir, const std::filesystem::path& rel,
                                     const std::string& what);

/// A file bootsim will write: not a directory or other non-regular file, its folder writable (created
/// now when missing). `what` names it for the message ("--junit", "--trace"). Checked before anything runs.
void check_output_file(const std::string& path, const std::string& what);

/// A folder bootsim will create or write into: if it exists it is a writable directory, otherwise its
/// nearest existing ancestor is a writable directory.
void check_output_dir(const std::string& path, const std::string& what);

/// What kind of thing `path` is, for messages: "a regular file", "a directory", "a FIFO", "missing".
std::string file_kind(const std::string& path);

/// Why `path` cannot be read as an input file of 1..max_bytes bytes ("is a directory", "is a FIFO",
/// "is empty", "is 9 MiB, more than …"), or nullopt when it can.
std::optional<std::string> input_file_problem(const std::string& path, std::uint64_t max_bytes);

/// Why a served root holds something a server cannot serve safely (a FIFO would block the server, a
/// device or socket is not a file), naming the first such entry; nullopt when every entry below `root`
/// is a regular file, a directory, or a symlink to one of them.
std::optional<std::string> served_root_problem(const std::string& root);

/// Creates a fresh private folder (mode 0700) `stem-XXXXXX` under $TMPDIR, or /tmp when it is unset or
/// empty, and returns its path. Throws std::runtime_error naming the template, where the parent came
/// from and why.
std::string make_temp_dir(const std::string& stem);

/// The folder make_temp_dir() creates its folders in: $TMPDIR, or /tmp when it is unset or empty.
std::string temp_parent();

}  // namespace bootsim
