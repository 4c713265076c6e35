// Typed journal events: each event kind is a struct whose static `fields()` table is its schema
// (toxiproxy's shape: the struct is the schema). The table gives the JSON of the event's data
// (journal.jsonl, report.json, a live stream) and reads it back, so emitters build structs, the
// classifier and the judge read structs, and JSON appears only where events leave the process.
//
//   struct SmtpTls {
//     static constexpr std::string_view kind = "smtp.tls";
//     static constexpr Source source = Source::smtp;
//     std::uint64_t session = 0;
//     bool ok = false;
//     static constexpr auto fields() {
//       return std::tuple{field("session", &SmtpTls::session), field("ok", &SmtpTls::ok)};
//     }
//   };
//   events::append(journal, SmtpTls{...}, domain, host);
//   if (auto tls = events::as<SmtpTls>(event)) ... tls->ok ...
//
// Reading is lenient on purpose: the journal also holds what peers and log lines said, so a field
// of the wrong type or a missing one reads as the member's default, never as an exception.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "stslab/core/journal.hpp"

namespace stslab::core::events {

// How a member appears in the event's data. `always`: always written (an empty optional as
// null). `when_set`: written only when set (an optional with a value, a true bool, a non-null
// JSON value), for the flags and facts that most events of the kind do not have. `merged`: a
// JSON object whose members sit beside the named ones (an attack's own details, a TLS
// session's facts); reading collects into it every member no other field names.
enum class Presence { always, when_set, merged };

template <class Struct, class Member>
struct Field {
  std::string_view name;
  Member Struct::*member;
  Presence presence;
};

template <class Struct, class Member>
constexpr Field<Struct, Member> field(std::string_view name, Member Struct::*member,
                                      Presence presence = Presence::always) {
  return {name, member, presence};
}

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
bool is_set(const T& value) {
  if constexpr (is_optional<T>::value) {
    return value.has_value();
  } else if constexpr (std::is_same_v<T, bool>) {
    return value;
  } else if constexpr (std::is_same_v<T, nlohmann::json>) {
    return !value.is_null();
  } else {
    return true;
  }
}

template <class T>
nlohmann::json write_value(const T& value) {
  if constexpr (is_optional<T>::value) {
    return value ? write_value(*value) : nlohmann::json(nullptr);
  } else {
    return nlohmann::json(value);
  }
}

template <class T>
void read_value(const nlohmann::json& j, T& out) {
  if constexpr (is_optional<T>::value) {
    typename T::value_type inner{};
    if constexpr (std::is_same_v<typename T::value_type, nlohmann::json>) {
      out = j;  // present, even as null: an optional<json> tells "null" from "absent"
      return;
    }
    if (j.is_null()) return;
    read_value(j, inner);
    out = std::move(inner);
  } else if constexpr (std::is_same_v<T, nlohmann::json>) {
    out = j;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (j.is_boolean()) out = j.get<bool>();
  } else if constexpr (std::is_integral_v<T>) {
    if (j.is_number_integer()) out = j.get<T>();
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (j.is_string()) out = j.get<std::string>();
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    if (!j.is_array()) return;
    for (const auto& item : j) {
      if (item.is_string()) out.push_back(item.get<std::string>());
    }
  } else {
    static_assert(!sizeof(T), "a field type the event schema cannot read");
  }
}

}  // namespace detail

// A JSON string's text, or none for anything else (facts that may be null).
inline std::optional<std::string> text_or_none(const nlohmann::json& j) {
  return j.is_string() ? std::optional<std::string>(j.get<std::string>()) : std::nullopt;
}

// The event's data object, as journal.jsonl holds it.
template <class E>
nlohmann::json to_data(const E& event) {
  nlohmann::json out = nlohmann::json::object();
  // Merged members first, so a named field always wins over a detail of the same name.
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              if constexpr (std::is_same_v<std::decay_t<decltype(event.*(f.member))>,
                                           nlohmann::json>) {
                const auto& bag = event.*(f.member);
                if (f.presence == Presence::merged && bag.is_object()) out.update(bag);
              }
            }(),
            ...);
      },
      E::fields());
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              const auto& value = event.*(f.member);
              if (f.presence == Presence::merged) return;
              if (f.presence == Presence::always || detail::is_set(value)) {
                out[std::string(f.name)] = detail::write_value(value);
              }
            }(),
            ...);
      },
      E::fields());
  return out;
}

// The struct from an event's data; what is missing or of the wrong type keeps its default.
template <class E>
E from_data(const nlohmann::json& data) {
  E event{};
  if (!data.is_object()) return event;
  nlohmann::json rest = data;  // what no named field claims, for a merged field
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              if (f.presence == Presence::merged) return;
              rest.erase(std::string(f.name));
              const auto it = data.find(std::string(f.name));
              if (it != data.end()) detail::read_value(*it, event.*(f.member));
            }(),
            ...);
      },
      E::fields());
  std::apply(
      [&](const auto&... f) {
        (
            [&] {
              if constexpr (std::is_same_v<std::decay_t<decltype(event.*(f.member))>,
                                           nlohmann::json>) {
                if (f.presence == Presence::merged) event.*(f.member) = rest;
              }
            }(),
            ...);
      },
      E::fields());
  return event;
}

// The event as an E when it is of E's kind.
template <class E>
std::optional<E> as(const Event& event) {
  if (event.kind != E::kind) return std::nullopt;
  return from_data<E>(event.data);
}

template <class E>
std::vector<std::string_view> field_names() {
  return std::apply([](const auto&... f) { return std::vector<std::string_view>{f.name...}; },
                    E::fields());
}

// Appends the event; returns its seq.
template <class E>
std::uint64_t append(Journal& journal, const E& event, std::string domain, std::string host) {
  return journal.append(E::source, std::string(E::kind), std::move(domain), std::move(host),
                        to_data(event));
}

}  // namespace stslab::core::events
