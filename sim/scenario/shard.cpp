#include "sim/scenario/shard.h"

#include <unistd.h>

#include <cctype>
#include <fstream>
#include <map>

#include "sim/core/file_text.h"
#include "sim/core/trace.h"
#include "sim/machine/console.h"
#include "sim/scenario/pacing_json.h"

namespace bootsim::scenario {

namespace fs = std::filesystem;

namespace {

constexpr const char* kSchema = "bootsim-shard/1";

std::uint64_t fnv1a(std::uint64_t h, const char* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(p[i]);
    h *= 1099511628211ull;
  }
  return h;
}

std::string hex64(std::uint64_t h) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

bool all_digits(const std::string& s) {
  if (s.empty() || s.size() > 6) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

/// A console's rendered text from its raw bytes, as a worker's result is read back (variant_jobs.cpp).
std::string rendered(const std::string& raw) {
  Console c;
  c.write(raw, SimTime{});
  return c.screen_text();
}

std::string rel_to(const std::string& path, const fs::path& root) {
  return path.empty() ? std::string() : fs::relative(fs::absolute(path), fs::absolute(root)).string();
}

/// Copies `rel` from the shard into the merged folder and returns its absolute path there ("" for "").
std::string bring(const fs::path& shard_dir, const std::string& rel, const fs::path& merged_root, bool required) {
  if (rel.empty()) return {};
  fs::path from = shard_dir / rel, to = merged_root / rel;
  if (rel.find("..") != std::string::npos || fs::path(rel).is_absolute())
    throw MergeError((shard_dir / "shard.json").string() + ": artifact path '" + rel + "' leaves the shard's folder");
  std::error_code ec;
  if (!fs::exists(from, ec)) {
    if (!required) return fs::absolute(to).string();  // as the run left it: e.g. no pcap from a killed worker
    throw MergeError(from.string() + ": missing (shard.json names it; copy the shard's whole folder)");
  }
  fs::create_directories(to.parent_path());
  if (fs::absolute(from) != fs::absolute(to)) fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  return fs::absolute(to).string();
}

nlohmann::json verdict_json(const Verdict& v) {
  return {{"expectation", v.expectation},
          {"status", to_string(v.status)},
          {"evidence", v.evidence},
          {"where", {{"file", v.where.file}, {"line", v.where.line}, {"column", v.where.column}, {"path", v.where.path}}},
          {"fault", v.fault},
          {"about_run", v.about_run}};
}

Verdict verdict_from(const nlohmann::json& j) {
  Verdict v;
  v.expectation = j.at("expectation").get<std::string>();
  std::string status = j.at("status").get<std::string>();
  for (VerdictStatus s : {VerdictStatus::kPass, VerdictStatus::kFail, VerdictStatus::kSkip, VerdictStatus::kError})
    if (status == to_string(s)) v.status = s;
  v.evidence = j.at("evidence").get<std::string>();
  const auto& w = j.at("where");
  v.where = {w.at("file").get<std::string>(), w.at("line").get<int>(), w.at("column").get<int>(), w.at("path").get<std::string>()};
  v.fault = j.at("fault").get<std::string>();
  v.about_run = j.at("about_run").get<bool>();
  return v;
}

RunResult run_result_from(const nlohmann::json& j) {
  RunResult r;
  r.reason = static_cast<StopReason>(j.at("reason").get<int>());
  r.detail = j.at("detail").get<std::string>();
  r.end_time = SimTime::from_ns(j.at("end_ns").get<std::int64_t>());
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// Selection and identity

Shard parse_shard(const std::string& text, const std::string& option) {
  auto bad = [&](const std::string& why) {
    return InputError(option + " '" + text + "': " + why + " (K/N: run the K-th of N parts, 1 <= K <= N, e.g. 2/3)");
  };
  auto slash = text.find('/');
  if (slash == std::string::npos) throw bad("expected K/N");
  std::string k = text.substr(0, slash), n = text.substr(slash + 1);
  if (!all_digits(k) || !all_digits(n)) throw bad("K and N must be whole numbers");
  Shard s{std::stoi(k), std::stoi(n)};
  if (s.n < 1 || s.n > 100000) throw bad("N must be 1..100000");
  if (s.k < 1 || s.k > s.n) throw bad("K must be 1.." + std::to_string(s.n));
  return s;
}

std::pair<std::size_t, std::size_t> shard_range(std::size_t jobs, const Shard& s) {
  auto at = [&](std::size_t k) { return k * jobs / static_cast<std::size_t>(s.n); };
  return {at(static_cast<std::size_t>(s.k - 1)), at(static_cast<std::size_t>(s.k))};
}

std::string digest_of(const std::vector<std::string>& parts) {
  std::uint64_t h = 14695981039346656037ull;
  for (const auto& p : parts) {
    std::string len = std::to_string(p.size()) + ":";
    h = fnv1a(h, len.data(), len.size());
    h = fnv1a(h, p.data(), p.size());
  }
  return hex64(h);
}

std::string build_digest() {
  static const std::string digest = digest_of({read_file_bytes("/proc/self/exe")});
  return digest;
}

// ---------------------------------------------------------------------------------------------------
// The manifest

void write_manifest(const ShardManifest& m) {
  nlohmann::json j = {{"schema", kSchema},
                      {"command", m.command},
                      {"shard", m.shard.k},
                      {"of", m.shard.n},
                      {"inputs_digest", m.inputs_digest},
                      {"build", m.build},
                      {"jobs", m.jobs},
                      {"first", m.first},
                      {"last", m.last},
                      {"complete", m.complete},
                      {"body", m.body}};
  fs::create_directories(m.dir);
  std::ofstream f(m.file(), std::ios::binary | std::ios::trunc);
  f << j.dump(1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  f.close();
  if (!f) throw std::runtime_error("cannot write " + m.file().string());
}

namespace {

ShardManifest read_manifest(const fs::path& dir) {
  ShardManifest m;
  m.dir = dir;
  std::string file = m.file().string();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw MergeError(dir.string() + ": no such folder (a shard's --out)");
  if (!fs::exists(m.file(), ec))
    throw MergeError(file + ": missing: " + dir.string() + " is not the output of a --shard run (or it did not finish)");
  nlohmann::json j = nlohmann::json::parse(read_file_bytes(m.file()), nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("schema", "") != kSchema)
    throw MergeError(file + ": not a bootsim shard manifest (" + std::string(kSchema) + ")");
  try {
    m.command = j.at("command").get<std::string>();
    m.shard = {j.at("shard").get<int>(), j.at("of").get<int>()};
    m.inputs_digest = j.at("inputs_digest").get<std::string>();
    m.build = j.at("build").get<std::string>();
    m.jobs = j.at("jobs").get<std::vector<std::string>>();
    m.first = j.at("first").get<std::size_t>();
    m.last = j.at("last").get<std::size_t>();
    m.complete = j.at("complete").get<bool>();
    m.body = j.at("body");
  } catch (const nlohmann::json::exception& e) {
    throw MergeError(file + ": malformed shard manifest (" + e.what() + ")");
  }
  if (m.shard.n < 1 || m.shard.k < 1 || m.shard.k > m.shard.n || m.first > m.last || m.last > m.jobs.size())
    throw MergeError(file + ": malformed shard manifest (shard numbers or job range out of range)");
  return m;
}

}  // namespace

std::vector<ShardManifest> read_shards(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw MergeError("no shard folders given");
  std::vector<ShardManifest> all;
  for (const auto& d : dirs) all.push_back(read_manifest(d));
  const ShardManifest& a = all.front();
  std::map<int, const ShardManifest*> by_k;
  for (const auto& m : all) {
    std::string file = m.file().string(), first = a.file().string();
    if (m.command != a.command)
      throw MergeError(file + ": a `bootsim " + m.command + "` shard, but " + first + " is of `bootsim " + a.command + "`");
    if (m.inputs_digest != a.inputs_digest)
      throw MergeError(file + ": from other inputs than " + first + " (scenario file, options or grid differ: inputs digest " +
                       m.inputs_digest + " vs " + a.inputs_digest + ")");
    if (m.build != a.build)
      throw MergeError(file + ": written by another bootsim build than " + first + " (build digest " + m.build + " vs " +
                       a.build + "); run every shard with one build");
    if (m.shard.n != a.shard.n)
      throw MergeError(file + ": shard " + std::to_string(m.shard.k) + "/" + std::to_string(m.shard.n) + ", but " + first +
                       " is one of " + std::to_string(a.shard.n));
    if (auto [it, fresh] = by_k.emplace(m.shard.k, &m); !fresh)
      throw MergeError(file + ": shard " + std::to_string(m.shard.k) + "/" + std::to_string(m.shard.n) + " given twice (also " +
                       it->second->file().string() + ")");
    if (!m.complete)
      throw MergeError(file + ": shard " + std::to_string(m.shard.k) + "/" + std::to_string(m.shard.n) +
                       " did not finish (interrupted); run it again");
    std::pair<std::size_t, std::size_t> want = shard_range(m.jobs.size(), m.shard);
    if (m.jobs != a.jobs || m.first != want.first || m.last != want.second)
      throw MergeError(file + ": its job list or range is not that of shard " + std::to_string(m.shard.k) + "/" +
                       std::to_string(m.shard.n) + " of " + first + "'s run");
  }
  std::string missing;
  for (int k = 1; k <= a.shard.n; ++k)
    if (!by_k.count(k)) missing += (missing.empty() ? "" : ", ") + std::to_string(k) + "/" + std::to_string(a.shard.n);
  if (!missing.empty())
    throw MergeError("shard" + std::string(missing.find(',') == std::string::npos ? " " : "s ") + missing +
                     " missing: a merge needs all " + std::to_string(a.shard.n) + " shards (given: " +
                     std::to_string(all.size()) + ", starting with " + a.file().string() + ")");
  std::vector<ShardManifest> ordered;
  for (const auto& [k, m] : by_k) ordered.push_back(*m);
  return ordered;
}

// ---------------------------------------------------------------------------------------------------
// Results

nlohmann::json result_to_json(const VariantResult& r, const fs::path& root) {
  nlohmann::json machines = nlohmann::json::array();
  for (const auto& m : r.machines)
    machines.push_back({{"name", m.name},
                        {"reason", static_cast<int>(m.result.reason)},
                        {"detail", m.result.detail},
                        {"end_ns", m.result.end_time.ns},
                        {"console", rel_to(m.console_path, root)}});
  nlohmann::json verdicts = nlohmann::json::array();
  for (const auto& v : r.verdicts) verdicts.push_back(verdict_json(v));
  return {{"name", r.name},
          {"description", r.description},
          {"skip_reason", r.skip_reason},
          {"interrupted", r.interrupted},
          {"reason", static_cast<int>(r.result.reason)},
          {"detail", r.result.detail},
          {"end_ns", r.result.end_time.ns},
          {"machines", std::move(machines)},
          {"verdicts", std::move(verdicts)},
          {"trace", rel_to(r.trace_path, root)},
          {"console", rel_to(r.console_path, root)},
          {"pcap", rel_to(r.pcap_path, root)},
          {"wall_seconds", r.wall_seconds},
          {"shared_from", r.shared_from},
          {"shared_until_ns", r.shared_until.ns},
          {"pacing", r.pacing ? pacing_json(*r.pacing) : nlohmann::json()}};
}

VariantResult result_from_json(const fs::path& shard_dir, const nlohmann::json& j, const fs::path& merged_root) {
  VariantResult r;
  try {
    r.name = j.at("name").get<std::string>();
    r.description = j.at("description").get<std::string>();
    r.skip_reason = j.at("skip_reason").get<std::string>();
    r.interrupted = j.at("interrupted").get<bool>();
    r.result = run_result_from(j);
    r.wall_seconds = j.at("wall_seconds").get<double>();
    r.shared_from = j.at("shared_from").get<std::string>();
    r.shared_until = SimTime::from_ns(j.at("shared_until_ns").get<std::int64_t>());
    if (j.contains("pacing") && !j["pacing"].is_null()) r.pacing = pacing_from_json(j["pacing"]);
    for (const auto& v : j.at("verdicts")) r.verdicts.push_back(verdict_from(v));
    r.trace_path = bring(shard_dir, j.at("trace").get<std::string>(), merged_root, true);
    r.console_path = bring(shard_dir, j.at("console").get<std::string>(), merged_root, true);
    const std::string pcap = j.at("pcap").get<std::string>();
    r.pcap_path = bring(shard_dir, pcap, merged_root, false);
    // External servers' output sits next to the pcap, not in the record (scenario_output.cpp lists it
    // among the artifacts when the file is there): it comes along, or the merged report would lack it.
    if (std::string log = servers_log_path(pcap); !log.empty()) bring(shard_dir, log, merged_root, false);
    for (const auto& m : j.at("machines")) {
      MachineRun run;
      run.name = m.at("name").get<std::string>();
      run.result = run_result_from(m);
      run.console_path = bring(shard_dir, m.at("console").get<std::string>(), merged_root, true);
      if (!run.console_path.empty()) run.console_raw = read_file_bytes(run.console_path);
      run.console_text = rendered(run.console_raw);
      r.machines.push_back(std::move(run));
    }
  } catch (const nlohmann::json::exception& e) {
    throw MergeError((shard_dir / "shard.json").string() + ": malformed result record (" + e.what() + ")");
  }
  if (!r.trace_path.empty()) r.events = Trace::parse_jsonl(read_file_bytes(r.trace_path));
  if (!r.console_path.empty()) r.console_raw = read_file_bytes(r.console_path);
  r.console_text = rendered(r.console_raw);
  r.facts = std::make_shared<const facts::TraceFacts>(facts::derive_facts(r.events));  // as judge() derives them
  return r;
}

nlohmann::json scenario_header(const Scenario& s) {
  nlohmann::json overrides = nlohmann::json::array();
  for (const auto& [path, value] : s.overrides) overrides.push_back({path, value});
  // What the reports and the verdict lines read of each variant besides its results: its machines' NIC
  // profiles (the fleet table) and whether its servers were external (the real-time note).
  nlohmann::json variants = nlohmann::json::array();
  for (const auto& v : s.variants) {
    nlohmann::json machines = nlohmann::json::array();
    for (const auto& m : v.machines) machines.push_back({{"name", m.name}, {"nic_profile", m.nic_profile}});
    variants.push_back({{"name", v.name}, {"external", v.network.external}, {"machines", std::move(machines)}});
  }
  return {{"name", s.name}, {"description", s.description}, {"file", s.file}, {"dir", s.dir}, {"seed", s.seed},
          {"overrides", std::move(overrides)}, {"variants", std::move(variants)}};
}

Scenario scenario_from_header(const nlohmann::json& j, const std::string& manifest) {
  Scenario s;
  try {
    s.name = j.at("name").get<std::string>();
    s.description = j.at("description").get<std::string>();
    s.file = j.at("file").get<std::string>();
    s.dir = j.at("dir").get<std::string>();
    s.seed = j.at("seed").get<std::uint64_t>();
    for (const auto& o : j.at("overrides")) s.overrides.emplace_back(o.at(0).get<std::string>(), o.at(1).get<std::string>());
    for (const auto& jv : j.at("variants")) {
      Variant v;
      v.name = jv.at("name").get<std::string>();
      v.network.external = jv.at("external").get<bool>();
      for (const auto& jm : jv.at("machines")) {
        Machine m;
        m.name = jm.at("name").get<std::string>();
        m.nic_profile = jm.at("nic_profile").get<std::string>();
        v.machines.push_back(std::move(m));
      }
      s.variants.push_back(std::move(v));
    }
  } catch (const nlohmann::json::exception& e) {
    throw MergeError(manifest + ": malformed shard manifest (scenario header: " + e.what() + ")");
  }
  return s;
}

}  // namespace bootsim::scenario
