// Start-up snapshots as bytes (stretch_codec.h).
#include "sim/machine/stretch_codec.h"

#include <cstring>

namespace bootsim {

namespace {

constexpr std::size_t kPage = 4096;

struct Writer {
  std::vector<std::uint8_t> out;
  void raw(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  template <typename T> void num(T v) { raw(&v, sizeof v); }
  void bytes(const std::vector<std::uint8_t>& v) {
    num<std::uint64_t>(v.size());
    raw(v.data(), v.size());
  }
};

struct Reader {
  const std::uint8_t* p;
  const std::uint8_t* end;
  bool ok = true;
  void raw(void* dst, std::size_t n) {
    if (static_cast<std::size_t>(end - p) < n) {
      ok = false;
      std::memset(dst, 0, n);
      return;
    }
    std::memcpy(dst, p, n);
    p += n;
  }
  template <typename T> T num() {
    T v{};
    raw(&v, sizeof v);
    return v;
  }
  std::vector<std::uint8_t> bytes() {
    auto n = num<std::uint64_t>();
    if (!ok || static_cast<std::uint64_t>(end - p) < n) {
      ok = false;
      return {};
    }
    std::vector<std::uint8_t> v(p, p + n);
    p += n;
    return v;
  }
};

}  // namespace

std::vector<std::uint8_t> encode_stretch(const StretchSnapshot& s) {
  Writer w;
  w.num(s.nbp_hash);
  w.num(s.start_pc);
  w.bytes(s.start_cpu);
  w.num(s.end_pc);
  w.num(s.end_cs_base);
  w.bytes(s.end_cpu);
  w.num<std::uint64_t>(s.pages.size());
  for (const auto& page : s.pages) {
    w.num(page.index);
    w.num<std::uint8_t>(page.written ? 1 : 0);
    w.bytes(page.before);
    w.bytes(page.after);
  }
  w.num<std::uint64_t>(s.host_writes.size());
  for (const auto& [page, bits] : s.host_writes) {
    w.num(page);
    std::uint8_t packed[4096 / 8] = {};
    for (std::size_t i = 0; i < bits.size(); ++i)
      if (bits[i]) packed[i / 8] |= static_cast<std::uint8_t>(1u << (i % 8));
    w.raw(packed, sizeof packed);
  }
  w.num(s.blocks);
  w.num(s.int_dispatches);
  w.num<std::uint64_t>(s.windows.size());
  for (std::uint32_t win : s.windows) w.num(win);
  w.bytes(std::vector<std::uint8_t>(s.learner.begin(), s.learner.end()));
  return std::move(w.out);
}

std::optional<StretchSnapshot> decode_stretch(const std::uint8_t* p, std::size_t n) {
  Reader r{p, p + n};
  StretchSnapshot s;
  s.nbp_hash = r.num<std::uint64_t>();
  s.start_pc = r.num<std::uint32_t>();
  s.start_cpu = r.bytes();
  s.end_pc = r.num<std::uint32_t>();
  s.end_cs_base = r.num<std::uint32_t>();
  s.end_cpu = r.bytes();
  auto pages = r.num<std::uint64_t>();
  for (std::uint64_t i = 0; i < pages && r.ok; ++i) {
    StretchSnapshot::Page page;
    page.index = r.num<std::uint32_t>();
    page.written = r.num<std::uint8_t>() != 0;
    page.before = r.bytes();
    page.after = r.bytes();
    s.pages.push_back(std::move(page));
  }
  auto hosts = r.num<std::uint64_t>();
  for (std::uint64_t i = 0; i < hosts && r.ok; ++i) {
    auto page = r.num<std::uint32_t>();
    std::uint8_t packed[4096 / 8];
    r.raw(packed, sizeof packed);
    std::bitset<4096> bits;
    for (std::size_t b = 0; b < bits.size(); ++b) bits[b] = (packed[b / 8] >> (b % 8)) & 1;
    s.host_writes[page] = bits;
  }
  s.blocks = r.num<std::uint64_t>();
  s.int_dispatches = r.num<std::uint64_t>();
  auto windows = r.num<std::uint64_t>();
  for (std::uint64_t i = 0; i < windows && r.ok; ++i) s.windows.push_back(r.num<std::uint32_t>());
  auto learner = r.bytes();
  s.learner.assign(learner.begin(), learner.end());
  if (!r.ok || r.p != r.end) return std::nullopt;
  // The shape matches() and restore() rely on: whole pages, in order, and two CPU states of one size.
  if (s.start_cpu.empty() || s.start_cpu.size() != s.end_cpu.size()) return std::nullopt;
  for (std::size_t i = 0; i < s.pages.size(); ++i) {
    const StretchSnapshot::Page& page = s.pages[i];
    if (page.after.size() != kPage || page.before.size() != (page.written ? kPage : 0)) return std::nullopt;
    if (i > 0 && s.pages[i - 1].index >= page.index) return std::nullopt;
  }
  return s;
}

std::uint64_t fnv1a64(const std::uint8_t* p, std::size_t n) {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001B3ull;
  return h;
}

}  // namespace bootsim
