#include "stslab/core/journal.hpp"

#include <algorithm>
#include <cctype>
#include <ostream>

#include "stslab/core/events/harness.hpp"

namespace stslab::core {

std::string_view to_string(Source s) {
  switch (s) {
    case Source::dns:
      return "dns";
    case Source::https:
      return "https";
    case Source::smtp:
      return "smtp";
    case Source::mitm:
      return "mitm";
    case Source::harness:
      return "harness";
    case Source::mta:
      return "mta";
  }
  return "unknown";
}

nlohmann::json Event::to_json() const {
  return {
      {"seq", seq},
      {"lab_time", format_rfc3339(lab_time)},
      {"mono_us",
       std::chrono::duration_cast<std::chrono::microseconds>(monotonic.time_since_epoch()).count()},
      {"source", to_string(source)},
      {"kind", kind},
      {"domain", domain},
      {"host", host},
      {"data", data}};
}

namespace {

std::string_view strip_dot(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return s;
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

bool name_is_at_or_below(std::string_view name, std::string_view domain) {
  name = strip_dot(name);
  domain = strip_dot(domain);
  if (domain.empty()) return true;
  if (name.size() < domain.size()) return false;
  if (!iequal(name.substr(name.size() - domain.size()), domain)) return false;
  return name.size() == domain.size() || name[name.size() - domain.size() - 1] == '.';
}

bool EventFilter::matches(const Event& e) const {
  if (e.seq <= after_seq) return false;
  if (source && e.source != *source) return false;
  if (!kind.empty()) {
    if (kind.back() == '.') {
      if (e.kind.compare(0, kind.size(), kind) != 0) return false;
    } else if (e.kind != kind) {
      return false;
    }
  }
  if (!host.empty() && !iequal(strip_dot(e.host), strip_dot(host))) return false;
  if (!domain.empty() && !name_is_at_or_below(e.domain, domain) &&
      !name_is_at_or_below(e.host, domain)) {
    return false;
  }
  return true;
}

namespace {

// Cuts every string in `j` longer than `max` and returns the estimated size of `j` afterwards
// (string octets plus a fixed cost per value, about what it takes in memory).
std::size_t bound_strings(nlohmann::json& j, std::size_t max) {
  constexpr std::size_t kPerValue = 32;
  if (j.is_string()) {
    auto& s = j.get_ref<std::string&>();
    if (s.size() > max) {
      const auto cut = s.size() - max;
      s.resize(max);
      s += "[... " + std::to_string(cut) + " octets cut by the journal]";
    }
    return kPerValue + s.size();
  }
  std::size_t size = kPerValue;
  if (j.is_object()) {
    for (auto& [key, value] : j.items())
      size += key.size() + bound_strings(value, max);
  } else if (j.is_array()) {
    for (auto& value : j)
      size += bound_strings(value, max);
  }
  return size;
}

}  // namespace

Journal::Journal(const LabClock& clock, JournalLimits limits) : clock_(clock), limits_(limits) {}

std::uint64_t Journal::append(Source source, std::string kind, std::string domain, std::string host,
                              nlohmann::json data) {
  Event e;
  e.lab_time = clock_.now();
  e.monotonic = std::chrono::steady_clock::now();
  e.source = source;
  e.kind = std::move(kind);
  e.domain = std::move(domain);
  e.host = std::move(host);
  e.data = std::move(data);
  const std::size_t size = bound_strings(e.data, limits_.max_string) + e.kind.size() +
                           e.domain.size() + e.host.size() + sizeof(Event);
  {
    std::lock_guard lock(mutex_);
    if (dropped_ > 0 || bytes_ + size > limits_.max_bytes) {
      if (dropped_++ > 0) return events_.size();
      // The first event over the bound is replaced by the overflow note (it is small).
      const events::JournalOverflow note{.max_bytes = limits_.max_bytes,
                                         .first_dropped_kind = e.kind,
                                         .first_dropped_domain = e.domain};
      e.source = events::JournalOverflow::source;
      e.kind = events::JournalOverflow::kind;
      e.data = events::to_data(note);
      e.domain.clear();
      e.host.clear();
    }
    bytes_ += size;
    e.seq = events_.size() + 1;
    events_.push_back(e);
  }
  changed_.notify_all();
  std::vector<Subscriber> to_call;
  {
    std::lock_guard lock(subscribers_mutex_);
    for (const auto& [token, s] : subscribers_)
      to_call.push_back(s);
  }
  for (const auto& s : to_call)
    s(e);
  return e.seq;
}

std::vector<Event> Journal::query(const EventFilter& filter) const {
  std::lock_guard lock(mutex_);
  std::vector<Event> out;
  const std::size_t first = std::min<std::size_t>(filter.after_seq, events_.size());
  for (std::size_t i = first; i < events_.size(); ++i) {
    if (filter.matches(events_[i])) out.push_back(events_[i]);
  }
  return out;
}

std::vector<Event> Journal::all() const {
  return query({});
}

std::size_t Journal::size() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

std::uint64_t Journal::last_seq() const {
  return size();
}

std::uint64_t Journal::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::optional<Event> Journal::wait_for(const Predicate& pred,
                                       std::chrono::steady_clock::time_point deadline,
                                       std::uint64_t after_seq) const {
  std::unique_lock lock(mutex_);
  std::size_t next = std::min<std::size_t>(after_seq, events_.size());
  for (;;) {
    for (; next < events_.size(); ++next) {
      if (pred(events_[next])) return events_[next];
    }
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout && next == events_.size()) {
      return std::nullopt;
    }
  }
}

std::optional<Event> Journal::wait_for(const EventFilter& filter,
                                       std::chrono::steady_clock::time_point deadline) const {
  return wait_for([&](const Event& e) { return filter.matches(e); }, deadline, filter.after_seq);
}

std::uint64_t Journal::subscribe(Subscriber s) {
  std::lock_guard lock(subscribers_mutex_);
  const auto token = next_token_++;
  subscribers_.emplace_back(token, std::move(s));
  return token;
}

void Journal::unsubscribe(std::uint64_t token) {
  std::lock_guard lock(subscribers_mutex_);
  std::erase_if(subscribers_, [&](const auto& p) { return p.first == token; });
}

void Journal::write_jsonl(std::ostream& out, const EventFilter& filter) const {
  // Peers' bytes reach event data (an MTA's log line, a sender's output); an octet that is not
  // UTF-8 becomes U+FFFD instead of making the whole journal unwritable.
  for (const auto& e : query(filter))
    out << e.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

}  // namespace stslab::core
