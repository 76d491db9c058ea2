// The replay driver ctest runs (tests/fuzz/CMakeLists.txt): feeds every file of the given folders, in name
// order, to the target's LLVMFuzzerTestOneInput, the way libFuzzer would. A crash or a broken property
// aborts with the file's name on stderr. No clang, no libFuzzer: this is the CI half of the fuzzing.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_input.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    fs::path p(argv[i]);
    if (fs::is_directory(p)) {
      for (const auto& e : fs::directory_iterator(p))
        if (e.is_regular_file()) files.push_back(e.path());
    } else {
      files.push_back(p);
    }
  }
  std::sort(files.begin(), files.end());
  // A replay of nothing would pass without testing anything.
  if (files.empty()) {
    std::fprintf(stderr, "replay: no corpus files in the arguments\n");
    return 2;
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::vector<char> buf((std::istreambuf_iterator<char>(in)), {});
    std::fprintf(stderr, "replay: %s (%zu bytes)\n", f.c_str(), buf.size());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(buf.data()), buf.size());
  }
  std::printf("replayed %zu inputs\n", files.size());
  return 0;
}
