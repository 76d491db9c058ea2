#include "sim/core/log.h"

#include <atomic>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace bootsim::log {

namespace {

// What write() is logging, for the pattern's flags. spdlog formats on the calling thread, inside write();
// thread_local because Worlds may run on several threads (tests); a machine never gives the baton away
// inside write(), so the fibers of one World (baton.h) cannot mix their lines' context.
struct LineContext {
  SimTime t;
  const std::string* object = nullptr;
};
thread_local LineContext g_line;

/// %* : the virtual time of the line, as format_time writes it, right-aligned so that columns line up.
class VirtualTimeFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string s = format_time(g_line.t);
    if (s.size() < 14) s.insert(0, 14 - s.size(), ' ');
    dest.append(s.data(), s.data() + s.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<VirtualTimeFlag>(); }
};

/// %& : the object the line is about (a machine, or a server such as dhcpd).
class ObjectFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    if (g_line.object) dest.append(g_line.object->data(), g_line.object->data() + g_line.object->size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<ObjectFlag>(); }
};

std::atomic<Level> g_level{Level::kWarn};

std::shared_ptr<spdlog::logger> make_logger(std::shared_ptr<spdlog::sinks::sink> sink) {
  if (!sink) sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("bootsim", std::move(sink));
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<VirtualTimeFlag>('*').add_flag<ObjectFlag>('&').set_pattern("[%*] [%&] %l: %v");
  logger->set_formatter(std::move(formatter));
  logger->set_level(spdlog::level::trace);  // the level is ours (g_level), checked before formatting
  logger->flush_on(spdlog::level::trace);    // a line is out before a fork or a crash
  return logger;
}

// Not registered with spdlog's registry: nothing else in the process logs through spdlog by name.
std::shared_ptr<spdlog::logger>& logger() {
  static std::shared_ptr<spdlog::logger> l = make_logger(nullptr);
  return l;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::kTrace: return spdlog::level::trace;
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
    case Level::kOff: return spdlog::level::off;
  }
  return spdlog::level::off;
}

}  // namespace

const char* to_string(Level level) {
  switch (level) {
    case Level::kTrace: return "trace";
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
    case Level::kOff: return "off";
  }
  return "?";
}

std::vector<std::string> level_names() {
  std::vector<std::string> names;
  for (Level l : {Level::kTrace, Level::kDebug, Level::kInfo, Level::kWarn, Level::kError, Level::kOff})
    names.push_back(to_string(l));
  return names;
}

std::optional<Level> parse_level(const std::string& name) {
  for (Level l : {Level::kTrace, Level::kDebug, Level::kInfo, Level::kWarn, Level::kError, Level::kOff})
    if (name == to_string(l)) return l;
  return std::nullopt;
}

void set_level(Level level) { g_level.store(level, std::memory_order_relaxed); }

Level level() { return g_level.load(std::memory_order_relaxed); }

bool enabled(Level l) { return l != Level::kOff && l >= level(); }

void write(Level l, SimTime t, const std::string& object, const std::string& text) {
  if (!enabled(l)) return;
  g_line = LineContext{t, &object};
  logger()->log(spdlog::source_loc{}, to_spdlog(l), spdlog::string_view_t(text.data(), text.size()));
  g_line.object = nullptr;
}

void set_sink(std::shared_ptr<spdlog::sinks::sink> sink) { logger() = make_logger(std::move(sink)); }

}  // namespace bootsim::log
