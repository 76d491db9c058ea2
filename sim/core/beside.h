// Work handed to another thread when one can be had, done here otherwise.
//
// Usage:
//   std::future<std::string> json = run_beside([&r] { return render_json(r); });
//   ... this thread's own work ...
//   std::string text = json.get();
//
// Only for work whose result does not depend on where it runs (the report's markers, the JSON text,
// half a trace's parsing): std::async throws std::system_error when the process is out of threads (a
// container's pids limit, a fleet of workers), and a report must not be lost to that. The fallback is
// std::launch::deferred: get() does the work on the calling thread.
#pragma once

#include <future>
#include <system_error>
#include <type_traits>

namespace bootsim {

template <typename F>
std::future<std::invoke_result_t<F&>> run_beside(F f) {
  try {
    return std::async(std::launch::async, f);  // a copy: `f` stays whole if no thread can be had
  } catch (const std::system_error&) {
    return std::async(std::launch::deferred, std::move(f));
  }
}

}  // namespace bootsim
