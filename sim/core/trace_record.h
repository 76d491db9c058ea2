// How a trace event kind is declared, and how a declared kind becomes JSON.
//
// A kind is a struct (trace_kinds.h) with its name (`kName`), a one-line meaning (`kMeaning`), its fields
// as members, and `fields(v)`, which names each member once, with its unit and meaning. That one list is
// read two ways: FieldWriter turns an event into the JSON object written to disk (in the order listed;
// std::optional members that are empty are left out), FieldDescriber turns it into the declaration that
// documents the kind and against which traces are checked. So a field's name is spelt in one place only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

namespace bootsim {

using TraceEvent = nlohmann::ordered_json;

/// The JSON type a field is written as.
enum class JsonType { kString, kInteger, kBoolean, kArray };
const char* json_type_name(JsonType t);

/// What a kind's `fields(v)` says about one member: its name in the JSON, its unit ("ns", "bytes", "hex
/// frame"; "" when it has none) and what it means.
struct FieldInfo {
  const char* name;
  const char* unit;
  const char* meaning;
};

/// One field as declared: FieldInfo plus the JSON type and whether it may be absent.
struct FieldDecl {
  std::string name;
  JsonType type;
  bool optional;
  std::string unit, meaning;
};

/// One kind as declared.
struct KindDecl {
  std::string name, meaning;
  std::vector<FieldDecl> fields;
};

namespace trace_detail {
template <class T> struct IsOptional : std::false_type {};
template <class T> struct IsOptional<std::optional<T>> : std::true_type {};
template <class T> struct IsVector : std::false_type {};
template <class T> struct IsVector<std::vector<T>> : std::true_type {};

template <class T> constexpr JsonType json_type_of() {
  if constexpr (IsOptional<T>::value) return json_type_of<typename T::value_type>();
  else if constexpr (std::is_same_v<T, bool>) return JsonType::kBoolean;
  else if constexpr (std::is_integral_v<T>) return JsonType::kInteger;
  else if constexpr (IsVector<T>::value) return JsonType::kArray;
  else {
    static_assert(std::is_same_v<T, std::string>, "a trace field is a string, integer, boolean or vector");
    return JsonType::kString;
  }
}
}  // namespace trace_detail

/// Writes an event's fields into a JSON object, in the order its kind lists them.
struct FieldWriter {
  TraceEvent out = TraceEvent::object();
  template <class T> void operator()(const T& value, const FieldInfo& f) {
    if constexpr (trace_detail::IsOptional<T>::value) {
      if (value) out[f.name] = *value;
    } else {
      out[f.name] = value;
    }
  }
};

/// Collects a kind's field declarations (from a default-made event: only the types matter).
struct FieldDescriber {
  std::vector<FieldDecl> out;
  template <class T> void operator()(const T&, const FieldInfo& f) {
    out.push_back({f.name, trace_detail::json_type_of<T>(), trace_detail::IsOptional<T>::value, f.unit, f.meaning});
  }
};

/// The declaration of kind `E`.
template <class E> KindDecl declare_kind() {
  FieldDescriber d;
  E{}.fields(d);
  return {E::kName, E::kMeaning, std::move(d.out)};
}

/// An event of a declared kind on its way into the trace: its kind's name and its fields as JSON. Made only
/// from a kind struct, so whoever passes one on (FirmwareHost::trace) cannot invent a kind or a field.
class TraceRecord {
 public:
  template <class E, class = decltype(E::kName)>
  TraceRecord(const E& event) : kind_(E::kName) {  // NOLINT: implicit, so call sites pass the kind struct
    FieldWriter w;
    event.fields(w);
    fields_ = std::move(w.out);
  }
  const char* kind() const { return kind_; }
  const TraceEvent& fields() const { return fields_; }
  TraceEvent&& take_fields() && { return std::move(fields_); }

 private:
  const char* kind_;
  TraceEvent fields_;
};

}  // namespace bootsim
