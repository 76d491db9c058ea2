// One run at a time per output folder: `bootsim scenario` and `bootsim sweep` hold an flock(2) on
// DIR/.bootsim.lock while they run, so two runs never write the same reports and artifacts. The file
// says who holds it (pid and command line) for the message the second run prints.
#pragma once

#include <string>

namespace bootsim::cli {

class OutDirLock {
 public:
  /// Locks `dir` (which exists). When another process holds it: InputError (exit 2) naming the holder,
  /// or with `wait` waits until it is released. A signal caught while waiting (interrupt.h) ends the
  /// wait: held() is then false.
  OutDirLock(const std::string& dir, bool wait);
  ~OutDirLock();
  OutDirLock(const OutDirLock&) = delete;
  OutDirLock& operator=(const OutDirLock&) = delete;

  bool held() const { return held_; }

 private:
  int fd_ = -1;
  bool held_ = false;
};

}  // namespace bootsim::cli
