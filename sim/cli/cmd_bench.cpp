// `bootsim bench`: how fast the emulated PC runs the real iPXE. Wall-clock time is read here only to
// measure the simulator; nothing it measures feeds back into the simulation.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "sim/scenario/nic_profiles.h"
#include "sim/cli/bench_fleet.h"
#include "sim/cli/bench_variant.h"
#include "sim/cli/progress.h"
#include "sim/world/boot_run.h"
#include "sim/cli/commands.h"
#include "sim/cli/option_checks.h"
#include "sim/cli/scenario_output.h"
#include "sim/core/errors.h"
#include "sim/core/host_paths.h"
#include "sim/cpu/unicorn_cr0.h"
#include "sim/cpu/unicorn_store_path.h"
#include "sim/machine/snapshot_cache.h"
#include "sim/scenario/runner.h"
#include "sim/scenario/worker_pool.h"
#include "sim/scenario/world_spec.h"

namespace bootsim::cli {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// `nbp_path` on a lone generic machine, as `bootsim run --nbp` boots it (no wire).
BootRunSpec base_spec(const std::string& nbp_path, bool idle_skip) {
  BootRunSpec spec;
  scenario::Machine m;
  m.name = spec.machine.name;
  m.mac = spec.machine.mac;
  m.nic_profile = "generic";
  m.nic = scenario::builtin_profiles().find("generic")->profile;
  m.start = scenario::FirmwareStart::kNbp;
  m.nbp = nbp_path;
  spec.machine = scenario::machine_config(m, 0, scenario::default_network(), 0, "--nbp");
  spec.machine.idle.skip = idle_skip;
  return spec;
}

std::string console_text_of(const TraceEvent& ev) {
  return ev["kind"] == "console" ? ev["text"].get<std::string>() : std::string();
}

struct Sample {
  double startup_wall = 0, startup_virtual = 0;       // reset -> first DHCPDISCOVER
  double configure_wall = 0, configure_virtual = 0;  // "Configuring" -> its failure, no DHCP answer
  double sleep_wall = 0, sleep_virtual = 0;          // `sleep 60` typed at the shell
  std::uint64_t host_entries = 0;
};

Sample measure(const std::string& nbp, bool idle_skip) {
  Sample s;
  {
    BootRunSpec spec = base_spec(nbp, idle_skip);
    spec.until = SimTime::from_s(60);
    std::int64_t first_tx = -1;
    spec.watch = [&](const TraceEvent& ev) {
      if (ev["kind"] == "frame_tx" && ev["hex"].get<std::string>().substr(24, 4) == "0800") {
        first_tx = ev["t_ns"];
        return true;
      }
      return false;
    };
    auto t0 = Clock::now();
    BootRunOutcome out = run_boot(spec);
    s.startup_wall = seconds_since(t0);
    s.startup_virtual = first_tx / 1e9;
    s.host_entries = out.stats.host_entries;
  }
  {
    BootRunSpec spec = base_spec(nbp, idle_skip);
    spec.until = SimTime::from_s(60);
    Clock::time_point wall_start{};
    std::int64_t virt_start = -1;
    std::string raw;
    spec.watch = [&](const TraceEvent& ev) {
      raw += console_text_of(ev);
      if (virt_start < 0 && raw.find("Configuring (") != std::string::npos) {
        virt_start = ev["t_ns"];
        wall_start = Clock::now();
      }
      if (virt_start >= 0 && raw.find("No configuration methods succeeded") != std::string::npos) {
        s.configure_wall = seconds_since(wall_start);
        s.configure_virtual = (ev["t_ns"].get<std::int64_t>() - virt_start) / 1e9;
        return true;
      }
      return false;
    };
    run_boot(spec);
  }
  {
    BootRunSpec spec = base_spec(nbp, idle_skip);
    spec.until = SimTime::from_s(120);
    for (const char* k : {"Press Ctrl-B:<ctrl-b>", "iPXE>:sleep 60\\n", "iPXE>:echo slept\\n"})
      spec.machine.keys.push_back(*parse_key_trigger(k, nullptr));
    Clock::time_point wall_start{};
    std::int64_t virt_start = -1;
    int keys = 0;
    std::string since;  // console text since `sleep 60` was typed (a line may come in several events)
    spec.watch = [&](const TraceEvent& ev) {
      if (ev["kind"] == "key" && ++keys == 2) {
        virt_start = ev["t_ns"];
        wall_start = Clock::now();
      }
      if (virt_start >= 0) since += console_text_of(ev);
      if (virt_start >= 0 && since.find("\nslept\r\n") != std::string::npos) {
        s.sleep_wall = seconds_since(wall_start);
        s.sleep_virtual = (ev["t_ns"].get<std::int64_t>() - virt_start) / 1e9;
        return true;
      }
      return false;
    };
    run_boot(spec);
  }
  return s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

/// Wall time of `bootsim scenario FILE` without its printing: every variant, through the worker pool.
double scenario_wall(const std::string& file, int jobs) {
  scenario::Scenario s = scenario::load_scenario(resolve_scenario(file), load_options());
  const std::string out = make_temp_dir("bootsim-bench");
  scenario::RunOptions ro;
  ro.out_dir = out;
  ro.jobs = jobs;
  auto t0 = Clock::now();
  auto results = scenario::run_scenario(s, ro);
  double wall = seconds_since(t0);
  std::filesystem::remove_all(out);
  for (const auto& r : results)
    for (const auto& v : r.verdicts)
      if (v.status == scenario::VerdictStatus::kFail) throw std::runtime_error("bench: " + file + " [" + r.name + "] failed: " + v.expectation);
  return wall;
}

int bench(const std::string& nbp, int repeat, const std::string& scenario_file, bool idle_skip, bool quiet) {
  SnapshotCache::use(nullptr);  // emulation speed: every start-up runs (warm is measured below, apart)
  Progress progress("runs", repeat * (scenario_file.empty() ? 2 : 5), progress_style(quiet));
  auto nth = [&](const std::string& what, int i) { return what + " " + std::to_string(i + 1) + "/" + std::to_string(repeat); };
  std::vector<Sample> samples;
  for (int i = 0; i < repeat; ++i) {
    samples.push_back(measure(nbp, idle_skip));
    progress.done(nth("NBP measurement", i), "", -1);
  }
  auto col = [&](double Sample::*field) {
    std::vector<double> v;
    for (const auto& s : samples) v.push_back(s.*field);
    return median(v);
  };
  double cw = col(&Sample::configure_wall), cv = col(&Sample::configure_virtual);
  double sw = col(&Sample::sleep_wall), sv = col(&Sample::sleep_virtual);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  progress.clear();
  std::printf("bootsim bench: %s, median of %d%s%s\n", nbp.c_str(), repeat,
              unicorn_stores_lean() ? "" : " (Unicorn's own store path: BOOTSIM_UNICORN_STORES=library)",
              unicorn_cr0_lean() ? "" : " (Unicorn's own CR0 write: BOOTSIM_UNICORN_CR0=library)");
  std::printf("  reset -> first DHCPDISCOVER      wall %7.3f s   virtual %7.3f s   (%llu host entries)\n",
              col(&Sample::startup_wall), col(&Sample::startup_virtual),
              static_cast<unsigned long long>(samples.front().host_entries));
  std::printf("  'Configuring' wait, no DHCP      wall %7.3f s   virtual %7.3f s   %7.0f virtual s per wall s\n", cw, cv,
              cw > 0 ? cv / cw : 0);
  std::printf("  'sleep 60' at the shell          wall %7.3f s   virtual %7.3f s   %7.0f virtual s per wall s\n", sw, sv,
              sw > 0 ? sv / sw : 0);
  std::printf("  peak RSS                         %ld MiB\n", ru.ru_maxrss / 1024);
  if (!scenario_file.empty()) {
    int cpus = scenario::default_jobs();
    std::vector<double> par, seq, warm;
    std::fflush(stdout);
    // Cold: no snapshot cache, every start-up runs (shared within a run only). Warm: a cache of the
    // bench's own, filled by one run that is not counted (sim/machine/snapshot_cache.h).
    SnapshotCache::use(nullptr);
    for (int i = 0; i < repeat; ++i) {
      par.push_back(scenario_wall(scenario_file, cpus));
      progress.done(nth("scenario -j " + std::to_string(cpus), i), "", -1);
    }
    for (int i = 0; i < repeat; ++i) {
      seq.push_back(scenario_wall(scenario_file, 1));
      progress.done(nth("scenario -j 1", i), "", -1);
    }
    const std::string cache_dir = make_temp_dir("bootsim-bench-cache");
    SnapshotCache cache(cache_dir);
    SnapshotCache::use(&cache);
    scenario_wall(scenario_file, cpus);
    for (int i = 0; i < repeat; ++i) {
      warm.push_back(scenario_wall(scenario_file, cpus));
      progress.done(nth("scenario -j " + std::to_string(cpus) + ", warm cache", i), "", -1);
    }
    SnapshotCache::use(nullptr);
    std::filesystem::remove_all(cache_dir);
    progress.clear();
    rusage rc{};
    getrusage(RUSAGE_CHILDREN, &rc);
    std::printf("  bootsim scenario %s\n", scenario_file.c_str());
    std::printf("    every variant, -j %d (workers, shared boots)  wall %7.3f s\n", cpus, median(par));
    std::printf("    every variant, -j 1 (one after another)      wall %7.3f s\n", median(seq));
    std::printf("    every variant, -j %d, warm snapshot cache     wall %7.3f s\n", cpus, median(warm));
    std::printf("    peak RSS of one worker                       %ld MiB\n", rc.ru_maxrss / 1024);
  }
  // A fleet's further machines: a lone machine's start-up against eleven's, with in-run sharing only. Last,
  // because it grows this process, and the scenario workers above fork from it (their RSS, their forks).
  std::fflush(stdout);
  constexpr std::size_t kFleet = 11;
  std::vector<double> further, lone_wall;
  for (int i = 0; i < repeat; ++i) {
    FleetStartup one = bench_fleet_startup(1);
    FleetStartup many = bench_fleet_startup(kFleet);
    lone_wall.push_back(one.wall);
    further.push_back((many.wall - one.wall) / static_cast<double>(kFleet - 1));
    progress.done(nth("fleet start-up", i), "", -1);
  }
  progress.finish();
  std::printf("  fleet start-up, reset -> each machine's first iPXE DHCPDISCOVER (rack_100.xml's network, all on at 0 s)\n");
  std::printf("    the first machine                wall %7.3f s   (ROM DHCP, TFTP, iPXE start-up in full)\n",
              median(lone_wall));
  std::printf("    each further machine of %zu       wall %7.3f s   (start-up shared: sim/machine/startup_snapshot.h)\n",
              kFleet, median(further));
  return kExitOk;
}

/// The per-variant benchmark: every variant named in `variants` ("all": each of the scenario's), `repeat`
/// runs each, medians printed. Works for any NBP the scenario boots.
int bench_variants(const std::string& scenario_file, const std::vector<std::string>& variants, int repeat,
                   bool idle_skip, bool quiet) {
  SnapshotCache::use(nullptr);  // emulation speed: every start-up runs
  scenario::Scenario s = scenario::load_scenario(resolve_scenario(scenario_file), load_options());
  std::vector<const scenario::Variant*> chosen;
  for (const auto& name : variants) {
    bool found = false;
    for (const auto& v : s.variants)
      if (name == "all" || v.name == name) {
        chosen.push_back(&v);
        found = true;
      }
    if (!found) throw InputError("--variant: scenario " + s.name + " has no variant '" + name + "'");
  }
  std::printf("bootsim bench: scenario %s, idle skipping %s, median of %d\n", s.name.c_str(), idle_skip ? "on" : "off",
              repeat);
  std::fflush(stdout);
  size_t total = 0;
  for (const scenario::Variant* v : chosen) total += v->skip_reason.empty() ? repeat : 0;
  Progress progress("runs", total, progress_style(quiet));
  for (const scenario::Variant* v : chosen) {
    if (!v->skip_reason.empty()) {
      std::printf("  [%s] skipped: %s\n", v->name.c_str(), v->skip_reason.c_str());
      continue;
    }
    std::vector<VariantBench> runs;
    for (int i = 0; i < repeat; ++i) {
      runs.push_back(bench_variant(s, *v, idle_skip));
      progress.done(v->name + " " + std::to_string(i + 1) + "/" + std::to_string(repeat), runs.back().ended,
                    static_cast<std::int64_t>(runs.back().end_virtual * 1e9));
    }
    progress.clear();
    auto col = [&](double VariantBench::*field) {
      std::vector<double> x;
      for (const auto& r : runs) x.push_back(r.*field);
      return median(x);
    };
    std::vector<double> rss;
    for (const auto& r : runs) rss.push_back(static_cast<double>(r.peak_rss_kib));
    const VariantBench& r0 = runs.front();
    double ww = col(&VariantBench::wait_wall), wv = col(&VariantBench::wait_virtual);
    std::printf("  [%s] %s\n", v->name.c_str(), r0.handoff ? "handoff" : ("no handoff, ended: " + r0.ended).c_str());
    std::printf("    %-30s wall %7.3f s   virtual %8.3f s   (%llu host entries)\n",
                r0.handoff ? "reset -> handoff" : "reset -> end of run", col(&VariantBench::end_wall),
                col(&VariantBench::end_virtual), static_cast<unsigned long long>(r0.host_entries));
    std::printf("    %-30s wall %7.3f s   virtual %8.3f s   %9.1f virtual s per wall s (from %.3f s)\n",
                "longest wait", ww, wv, ww > 0 ? wv / ww : 0, r0.wait_from);
    std::printf("    %-30s %ld MiB (%zu machine%s)\n", "peak RSS per machine", static_cast<long>(median(rss)) / 1024,
                r0.machines, r0.machines == 1 ? "" : "s");
    std::fflush(stdout);
  }
  return kExitOk;
}

}  // namespace

void add_bench_command(CLI::App& app, int& result) {
  auto nbp = std::make_shared<std::string>(std::string(BOOTSIM_IPXE_DIR) + "/undionly.kpxe");
  auto repeat = std::make_shared<int>(3);
  auto scenario_file = std::make_shared<std::string>("broadcom_timeout.xml");
  CLI::App* cmd = app.add_subcommand("bench", "Measure emulation speed on the real iPXE (wall time, not a test)");
  cmd->add_option("--nbp", *nbp, "NBP to measure")->capture_default_str();
  cmd->add_option("--repeat", *repeat, "runs per measurement (median reported)")
      ->capture_default_str()
      ->check(at_least(1, "runs per measurement"));
  cmd->add_option("--scenario", *scenario_file, "scenario whose full run is timed (\"\" to skip)")->capture_default_str();
  auto variants = std::make_shared<std::vector<std::string>>();
  cmd->add_option("--variant", *variants,
                  "measure this variant of --scenario instead (any NBP): time to handoff, the longest wait, peak RSS "
                  "per machine; repeatable, \"all\" for each");
  auto no_skip = std::make_shared<bool>(false);
  cmd->add_flag("--no-idle-skip", *no_skip, "turn idle skipping off (README \"Virtual time\"), to compare");
  auto quiet = std::make_shared<bool>(false);
  cmd->add_flag("--quiet,-q", *quiet, "no progress on stderr (README \"Progress\")");
  cmd->callback([nbp, repeat, scenario_file, variants, no_skip, quiet, &result] {
    if (!variants->empty()) {
      if (scenario_file->empty()) throw InputError("--variant needs --scenario");
      result = bench_variants(*scenario_file, *variants, *repeat, !*no_skip, *quiet);
    } else {
      result = bench(*nbp, *repeat, *scenario_file, !*no_skip, *quiet);
    }
  });
}

}  // namespace bootsim::cli
