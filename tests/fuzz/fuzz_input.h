// What every fuzz target shares: the libFuzzer entry point's declaration, a reader that takes typed values
// off the front of the input, and the rule for "this is a bug".
//
// libFuzzer ships FuzzedDataProvider.h, but only with clang (libclang-rt-14-dev); the replay binaries are
// built with gcc in CI, so the few readers the targets need are here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace bootsim::fuzz {

class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}

  bool empty() const { return n_ == 0; }
  std::size_t left() const { return n_; }

  std::uint8_t u8() { return n_ ? (--n_, *p_++) : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | u8() << 8); }
  std::uint32_t u32() { return u16() | std::uint32_t{u16()} << 16; }
  /// Up to `max` bytes.
  std::vector<std::uint8_t> bytes(std::size_t max) {
    std::size_t k = max < n_ ? max : n_;
    std::vector<std::uint8_t> v(p_, p_ + k);
    p_ += k;
    n_ -= k;
    return v;
  }
  /// A length byte, then that many bytes: how the targets split one input into several messages.
  std::vector<std::uint8_t> chunk() { return bytes(u16() % 2048); }
  std::vector<std::uint8_t> rest() { return bytes(n_); }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

/// A private folder for this process's files (served roots, scenario files), removed at exit.
inline const std::string& scratch_dir() {
  // Never destroyed: the exit handler that removes the folder runs after static destructors would have.
  static const std::string* dir = [] {
    char tmpl[] = "/tmp/bootsim-fuzz-XXXXXX";
    if (!::mkdtemp(tmpl)) std::abort();
    std::atexit([] { std::error_code ec; std::filesystem::remove_all(*dir, ec); });
    return new std::string(tmpl);
  }();
  return *dir;
}

/// BOOTSIM_FUZZ_VERBOSE set: targets say what each input did (to see what a corpus exercises).
inline bool verbose() {
  static const bool on = std::getenv("BOOTSIM_FUZZ_VERBOSE") != nullptr;
  return on;
}

/// A property of the code under test does not hold: abort, so libFuzzer (and the replay test) report it
/// with the input that did it.
[[noreturn]] inline void bug(const std::string& what) {
  std::fprintf(stderr, "fuzz: %s\n", what.c_str());
  std::abort();
}
#define FUZZ_CHECK(cond, what) \
  do {                          \
    if (!(cond)) ::bootsim::fuzz::bug(std::string(#cond ": ") + (what)); \
  } while (0)

}  // namespace bootsim::fuzz
