#include "sim/cli/bench_variant.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "sim/core/host_paths.h"
#include "sim/scenario/world_spec.h"
#include "sim/world/boot_run.h"

namespace bootsim::cli {

namespace {

using Clock = std::chrono::steady_clock;

/// What the child sends back through the pipe (plain data; the stop reason as a fixed string).
struct Report {
  char ended[32] = {};
  double end_virtual = 0, end_wall = 0;
  bool handoff = false;
  double wait_from = 0, wait_virtual = 0, wait_wall = 0;
  std::uint64_t host_entries = 0;
  bool ok = false;
  char error[160] = {};
};

Report run_measured(const scenario::Scenario& s, const scenario::Variant& v, bool idle_skip,
                    const std::string& staging) {
  Report r;
  BootRunSpec spec = scenario::world_spec(s, v, staging);
  spec.machine.idle.skip = idle_skip;
  for (auto& m : spec.more_machines) m.idle.skip = idle_skip;
  if (spec.network) spec.network->pcap_path.clear();
  const std::string first = spec.machine.name;
  auto t0 = Clock::now();
  double last_v = 0, last_w = 0;
  spec.watch = [&](const TraceEvent& ev) {
    std::string kind = ev["kind"];
    if (kind == "console" || kind == "slirp_timer") return false;
    double tv = ev["t_ns"].get<std::int64_t>() / 1e9;
    double tw = std::chrono::duration<double>(Clock::now() - t0).count();
    if (tv - last_v > r.wait_virtual) {
      r.wait_from = last_v;
      r.wait_virtual = tv - last_v;
      r.wait_wall = tw - last_w;
    }
    last_v = tv;
    last_w = tw;
    if (kind == "handoff" && ev.contains("machine") && ev["machine"] == first && !r.handoff) {
      r.handoff = true;
      r.end_virtual = tv;
      r.end_wall = tw;
    }
    return false;
  };
  BootRunOutcome out = run_boot(spec);
  if (!r.handoff) {
    r.end_virtual = out.result.end_time.seconds();
    r.end_wall = std::chrono::duration<double>(Clock::now() - t0).count();
  }
  std::snprintf(r.ended, sizeof r.ended, "%s", stop_reason_name(out.result.reason));
  r.host_entries = out.stats.host_entries;
  r.ok = true;
  return r;
}

}  // namespace

VariantBench bench_variant(const scenario::Scenario& s, const scenario::Variant& v, bool idle_skip) {
  std::string staging = make_temp_dir("bootsim-bench");
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("bench: pipe failed");
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("bench: fork failed");
  if (pid == 0) {
    ::close(fds[0]);
    Report r;
    try {
      r = run_measured(s, v, idle_skip, staging);
    } catch (const std::exception& e) {
      std::snprintf(r.error, sizeof r.error, "%s", e.what());
    }
    ssize_t n = ::write(fds[1], &r, sizeof r);
    ::_exit(n == static_cast<ssize_t>(sizeof r) ? 0 : 1);
  }
  ::close(fds[1]);
  Report r;
  std::size_t got = 0;
  while (got < sizeof r) {
    ssize_t n = ::read(fds[0], reinterpret_cast<char*>(&r) + got, sizeof r - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fds[0]);
  int status = 0;
  rusage ru{};
  ::wait4(pid, &status, 0, &ru);
  std::filesystem::remove_all(staging);
  if (got != sizeof r || !r.ok)
    throw std::runtime_error("bench: variant " + v.name + " did not run" + (r.error[0] ? std::string(": ") + r.error : ""));
  VariantBench b;
  b.ended = r.ended;
  b.end_virtual = r.end_virtual;
  b.end_wall = r.end_wall;
  b.handoff = r.handoff;
  b.wait_from = r.wait_from;
  b.wait_virtual = r.wait_virtual;
  b.wait_wall = r.wait_wall;
  b.host_entries = r.host_entries;
  b.machines = v.machines.size();
  b.peak_rss_kib = ru.ru_maxrss / static_cast<long>(b.machines ? b.machines : 1);
  return b;
}

}  // namespace bootsim::cli
