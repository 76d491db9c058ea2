#include "sim/core/trace_kinds.h"

#include <algorithm>

namespace bootsim {

const char* json_type_name(JsonType t) {
  switch (t) {
    case JsonType::kString: return "string";
    case JsonType::kInteger: return "integer";
    case JsonType::kBoolean: return "boolean";
    case JsonType::kArray: return "array";
  }
  return "?";
}

namespace trace_kind {

namespace {
Phase named(const char* phase) {
  Phase p;
  p.phase = phase;
  return p;
}
}  // namespace

Phase Phase::rom_dhcp(std::uint32_t xid) {
  Phase p = named("rom_dhcp");
  p.xid = xid;
  return p;
}
Phase Phase::rom_dhcp_done(std::string ip) {
  Phase p = named("rom_dhcp_done");
  p.ip = std::move(ip);
  return p;
}
Phase Phase::rom_failed(std::string error) {
  Phase p = named("rom_failed");
  p.error = std::move(error);
  return p;
}
Phase Phase::nbp_download(std::string file, std::string server) {
  Phase p = named("nbp_download");
  p.file = std::move(file);
  p.server = std::move(server);
  return p;
}
Phase Phase::nbp_downloaded(std::string file, std::uint64_t bytes) {
  Phase p = named("nbp_downloaded");
  p.file = std::move(file);
  p.bytes = bytes;
  return p;
}
Phase Phase::nbp_start(std::string nbp, std::uint64_t size) {
  Phase p = named("nbp_start");
  p.nbp = std::move(nbp);
  p.size = size;
  return p;
}
Phase Phase::nbp_returned() { return named("nbp_returned"); }
Phase Phase::reset() { return named("reset"); }

void to_json(TraceEvent& j, const HandoffModule& m) { j = TraceEvent{{"cmdline", m.cmdline}, {"size", m.size}}; }

}  // namespace trace_kind

const std::vector<KindDecl>& trace_vocabulary() {
  using namespace trace_kind;
  static const std::vector<KindDecl> all{
      declare_kind<Console>(),   declare_kind<Key>(),        declare_kind<Phase>(),      declare_kind<PxeCall>(),
      declare_kind<BiosCall>(),  declare_kind<Io>(),         declare_kind<Irq>(),        declare_kind<FrameTx>(),
      declare_kind<FrameRx>(),
      declare_kind<FrameDrop>(), declare_kind<Link>(),       declare_kind<Port>(),       declare_kind<Bpdu>(),
      declare_kind<Dhcp>(),      declare_kind<DhcpIgnored>(), declare_kind<Tftp>(),      declare_kind<Http>(),
      declare_kind<SlirpTimer>(), declare_kind<GuestError>(), declare_kind<Handoff>(),   declare_kind<Fault>(),
      declare_kind<Exit>(),
  };
  return all;
}

const KindDecl* find_trace_kind(const std::string& name) {
  for (const auto& k : trace_vocabulary())
    if (k.name == name) return &k;
  return nullptr;
}

namespace {
bool has_type(const TraceEvent& v, JsonType t) {
  switch (t) {
    case JsonType::kString: return v.is_string();
    case JsonType::kInteger: return v.is_number_integer();
    case JsonType::kBoolean: return v.is_boolean();
    case JsonType::kArray: return v.is_array();
  }
  return false;
}
}  // namespace

std::vector<std::string> trace_event_problems(const TraceEvent& event) {
  std::vector<std::string> out;
  if (!event.is_object()) return {"not a JSON object"};
  static const char* common[] = {"t_ns", "machine", "kind"};
  const char* common_type[] = {"integer", "string", "string"};
  for (int i = 0; i < 3; ++i) {
    auto it = event.find(common[i]);
    bool ok = it != event.end() && (i == 0 ? it->is_number_integer() : it->is_string());
    if (!ok) out.push_back(std::string("`") + common[i] + "` missing or not " + common_type[i]);
  }
  if (!out.empty()) return out;
  std::string kind = event["kind"].get<std::string>();
  const KindDecl* decl = find_trace_kind(kind);
  if (!decl) return {"undeclared kind `" + kind + "`"};
  size_t next = 0;  // fields must come in declared order
  for (auto it = event.begin(); it != event.end(); ++it) {
    const std::string& name = it.key();
    if (name == "t_ns" || name == "machine" || name == "kind") continue;
    auto f = std::find_if(decl->fields.begin(), decl->fields.end(), [&](const FieldDecl& d) { return d.name == name; });
    if (f == decl->fields.end()) {
      out.push_back(kind + ": undeclared field `" + name + "`");
      continue;
    }
    if (!has_type(it.value(), f->type))
      out.push_back(kind + "." + name + ": " + it.value().type_name() + ", declared " + json_type_name(f->type));
    size_t at = static_cast<size_t>(f - decl->fields.begin());
    if (at < next) out.push_back(kind + "." + name + ": out of the declared order");
    next = at + 1;
  }
  for (const auto& f : decl->fields)
    if (!f.optional && !event.contains(f.name)) out.push_back(kind + ": missing field `" + f.name + "`");
  return out;
}

std::string trace_vocabulary_markdown() {
  std::string md;
  for (const auto& k : trace_vocabulary()) {
    md += "### `" + k.name + "`\n\n" + k.meaning + ".\n\n";
    md += "| Field | JSON type | Unit | Meaning |\n|---|---|---|---|\n";
    for (const auto& f : k.fields) {
      md += "| `" + f.name + "` | " + json_type_name(f.type) + (f.optional ? " (optional)" : "") + " | " + f.unit +
            " | " + f.meaning + " |\n";
    }
    md += "\n";
  }
  return md;
}

}  // namespace bootsim
