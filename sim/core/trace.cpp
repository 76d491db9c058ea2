#include "sim/core/trace.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <exception>
#include <future>
#include <memory>
#include <iterator>

#include "sim/core/beside.h"
#include "sim/core/trace_log.h"

namespace bootsim {

const TraceEvent& Trace::emit(SimTime t, const std::string& machine, TraceRecord record) {
  const char* kind = record.kind();
  return emit(t, machine, kind, std::move(record).take_fields());
}

const TraceEvent& Trace::emit(SimTime t, const std::string& machine, const std::string& kind,
                              TraceEvent fields) {
  // Whatever is open began no later than now: it goes first.
  close_open(open_.size());
  return append(t, machine, kind, std::move(fields));
}

void Trace::append_text(SimTime t, const std::string& machine, const std::string& kind, const std::string& bytes) {
  for (size_t i = 0; i < open_.size(); ++i) {
    OpenText& o = open_[i];
    if (o.machine != machine || o.kind != kind) continue;
    const std::int64_t gap = t.ns - o.last.ns;
    bool joins = false;
    if (o.step_ns == 0 && gap == 0) {
      joins = true;
    } else if (bytes.size() == 1 && o.step_ns == 0 && o.bytes.size() == 1 && gap > 0 && gap <= kTextMaxStep) {
      o.step_ns = gap;  // the second byte sets the spacing
      joins = true;
    } else if (bytes.size() == 1 && o.step_ns > 0 && gap == o.step_ns) {
      joins = true;
    }
    if (joins) {
      o.bytes += bytes;
      o.last = t;
      return;
    }
    close_open(i + 1);  // the bytes so far keep their times; these start a new event
    break;
  }
  open_.push_back({t, machine, kind, bytes, t, 0});
}

void Trace::close_text(const std::string& machine, const std::string& kind) {
  for (size_t i = 0; i < open_.size(); ++i)
    if (open_[i].machine == machine && open_[i].kind == kind) {
      // Those opened before it started earlier: appending it alone would put it ahead of them.
      close_open(i + 1);
      return;
    }
}

void Trace::close_open(size_t n) {
  std::vector<OpenText> closing(std::make_move_iterator(open_.begin()),
                                std::make_move_iterator(open_.begin() + static_cast<std::ptrdiff_t>(n)));
  open_.erase(open_.begin(), open_.begin() + static_cast<std::ptrdiff_t>(n));
  for (auto& o : closing)
    append(o.t, o.machine, o.kind,
           TraceRecord(trace_kind::Console{latin1_to_utf8(o.bytes),
                                           o.step_ns ? std::optional<std::int64_t>(o.step_ns) : std::nullopt})
               .fields());
}

const TraceEvent& Trace::append(SimTime t, const std::string& machine, const std::string& kind,
                                TraceEvent fields) {
  TraceEvent ev = TraceEvent::object();
  ev["t_ns"] = t.ns;
  ev["machine"] = machine;
  ev["kind"] = kind;
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) ev[it.key()] = std::move(it.value());
  }
  events_.push_back(std::move(ev));
  if (listener_) listener_(events_.back());
  log::log_event(events_.back());  // the human log (stderr), when --log-level asks for it
  return events_.back();
}

std::vector<TraceEvent> Trace::events_of(const std::string& kind) const {
  std::vector<TraceEvent> out;
  for (const auto& ev : events_)
    if (ev["kind"] == kind) out.push_back(ev);
  return out;
}

namespace {

/// One event as its JSON Lines line, into `out` (reused: a fleet's trace has ~10^5 events).
void append_line(const TraceEvent& ev, std::string& out) {
  out += ev.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += '\n';
}

}  // namespace

std::string Trace::to_jsonl() const {
  std::string out;
  for (const auto& ev : events_) append_line(ev, out);
  return out;
}

bool Trace::write_file(const std::string& path) const {
  // Streamed in chunks rather than built whole: a 100-machine trace is >100 MB.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) return false;
  constexpr size_t kChunk = 1 << 20;
  std::string buf;
  buf.reserve(2 * kChunk);
  for (const auto& ev : events_) {
    append_line(ev, buf);
    if (buf.size() >= kChunk) {
      if (std::fwrite(buf.data(), 1, buf.size(), f.get()) != buf.size()) return false;
      buf.clear();
    }
  }
  if (std::fwrite(buf.data(), 1, buf.size(), f.get()) != buf.size()) return false;
  return std::fclose(f.release()) == 0;
}

namespace {

void parse_lines(const std::string& text, size_t pos, size_t stop, std::vector<TraceEvent>& out) {
  while (pos < stop) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos || end > stop) end = stop;
    if (end > pos) out.push_back(TraceEvent::parse(text.begin() + static_cast<std::ptrdiff_t>(pos),
                                                   text.begin() + static_cast<std::ptrdiff_t>(end)));
    pos = end + 1;
  }
}

}  // namespace

std::vector<TraceEvent> Trace::parse_jsonl(const std::string& text) {
  // A fleet's trace is over 100 MB: its second half is parsed on another thread meanwhile. The same events
  // in the same order either way, and the same error: the first bad line in file order.
  constexpr size_t kSplitAbove = size_t{8} << 20;
  size_t mid = text.size();
  if (text.size() > kSplitAbove) {
    size_t nl = text.find('\n', text.size() / 2);
    if (nl != std::string::npos) mid = nl + 1;
  }
  std::vector<TraceEvent> out, tail;
  std::future<void> second;
  if (mid < text.size()) second = run_beside([&text, &tail, mid] { parse_lines(text, mid, text.size(), tail); });
  std::exception_ptr error;
  try {
    parse_lines(text, 0, mid, out);
  } catch (...) {
    error = std::current_exception();
  }
  if (second.valid()) {
    try {
      second.get();
    } catch (...) {
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
  out.reserve(out.size() + tail.size());
  std::move(tail.begin(), tail.end(), std::back_inserter(out));
  return out;
}

std::string to_hex(const std::uint8_t* data, size_t len) {
  static const char digits[] = "0123456789abcdef";
  std::string s(len * 2, '0');
  for (size_t i = 0; i < len; ++i) {
    s[2 * i] = digits[data[i] >> 4];
    s[2 * i + 1] = digits[data[i] & 15];
  }
  return s;
}

const std::string* string_field(const TraceEvent& ev, const char* key) {
  auto it = ev.find(key);
  return it != ev.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

std::vector<std::uint8_t> from_hex(const std::string& hex) {
  // A table, not a branch per character: the reports decode every frame of a fleet's trace (60 MB of hex).
  static const std::array<std::int8_t, 256> nibble = [] {
    std::array<std::int8_t, 256> t{};
    t.fill(-1);
    for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<std::int8_t>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<std::int8_t>(c - 'a' + 10);
    for (int c = 'A'; c <= 'F'; ++c) t[c] = static_cast<std::int8_t>(c - 'A' + 10);
    return t;
  }();
  std::vector<std::uint8_t> out(hex.size() / 2);
  size_t n = 0;
  for (; n < out.size(); ++n) {
    int hi = nibble[static_cast<unsigned char>(hex[2 * n])], lo = nibble[static_cast<unsigned char>(hex[2 * n + 1])];
    if ((hi | lo) < 0) break;
    out[n] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  out.resize(n);
  return out;
}

std::string latin1_to_utf8(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

}  // namespace bootsim
