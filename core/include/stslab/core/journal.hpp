// The event journal: every fake writes what it saw on the wire here, as typed, timestamped
// events. Verdicts rest on this record, so it is append-only and safe to write from any thread.
//
// Event kinds are dotted names owned by the part that emits them ("dns.query",
// "smtp.session.open", "https.request", "mitm.attack", ...). Each kind is a struct in
// core/events/ (its schema: emitters append structs, readers use events::as<T>); `data` is its
// wire form, the JSON journal.jsonl and report.json carry. docs/events/ lists them, checked
// against the structs by a test.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stslab/core/clock.hpp"

namespace stslab::core {

enum class Source { dns, https, smtp, mitm, harness, mta };

std::string_view to_string(Source s);

struct Event {
  std::uint64_t seq = 0;                            // 1, 2, 3 ... in append order
  LabClock::time_point lab_time;                    // the lab clock when appended
  std::chrono::steady_clock::time_point monotonic;  // for durations and ordering
  Source source = Source::harness;
  std::string kind;    // e.g. "dns.query"
  std::string domain;  // the DNS name the event is about (qname, SNI, Host, RCPT domain); may be ""
  std::string host;    // the lab host that saw it (vhost name or listen address); may be ""
  nlohmann::json data = nlohmann::json::object();

  nlohmann::json to_json() const;
};

// What to select. Empty fields match everything. `domain` matches an event whose domain or host
// is that name or any name below it ("a.test" matches "_mta-sts.a.test" and "mx1.a.test").
struct EventFilter {
  std::string domain;
  std::string host;
  std::string kind;  // exact kind, or a prefix ending in '.' ("smtp." = all SMTP events)
  std::optional<Source> source;
  std::uint64_t after_seq = 0;  // only events with seq > after_seq

  bool matches(const Event& e) const;
};

// True if `name` equals `domain` or is below it, comparing case-insensitively and ignoring a
// trailing dot.
bool name_is_at_or_below(std::string_view name, std::string_view domain);

// A journal's bounds: peers choose what reaches event data (a 1 MB command line, thousands of
// connections), and the harness must not grow without end under a hostile one.
struct JournalLimits {
  // A longer string in an event's data keeps its first max_string octets and a note of the cut.
  std::size_t max_string = 16 * 1024;
  // Once the events' estimated size passes this, the journal appends one "journal.overflow"
  // event and drops everything after it (counted in dropped()): waits for later events then end
  // at their deadlines, and the verdicts that needed them are INCONCLUSIVE, never invented.
  std::size_t max_bytes = std::size_t{256} * 1024 * 1024;
};

class Journal {
 public:
  using Predicate = std::function<bool(const Event&)>;

  explicit Journal(const LabClock& clock, JournalLimits limits = {});

  // Appends and wakes every waiter. Returns the new event's seq (that of the overflow event
  // for one dropped).
  std::uint64_t append(Source source, std::string kind, std::string domain, std::string host,
                       nlohmann::json data = nlohmann::json::object());

  std::vector<Event> query(const EventFilter& filter) const;
  std::vector<Event> all() const;
  std::size_t size() const;
  std::uint64_t last_seq() const;
  // Events not kept since the bound was reached (the first of them became journal.overflow).
  std::uint64_t dropped() const;

  // Blocks until an event with seq > after_seq satisfies `pred`, or the deadline passes.
  // Events already in the journal count, so a waiter cannot miss one that raced ahead of it.
  std::optional<Event> wait_for(const Predicate& pred,
                                std::chrono::steady_clock::time_point deadline,
                                std::uint64_t after_seq = 0) const;
  std::optional<Event> wait_for(const EventFilter& filter,
                                std::chrono::steady_clock::time_point deadline) const;

  // Called (outside the journal's lock) for every event appended after subscribing. Returns a
  // token for unsubscribe. Subscribers must be quick: they run on the appending thread.
  using Subscriber = std::function<void(const Event&)>;
  std::uint64_t subscribe(Subscriber s);
  void unsubscribe(std::uint64_t token);

  // One JSON object per line, in seq order.
  void write_jsonl(std::ostream& out, const EventFilter& filter = {}) const;

 private:
  const LabClock& clock_;
  JournalLimits limits_;
  std::size_t bytes_ = 0;  // estimated size of events_
  std::uint64_t dropped_ = 0;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<Event> events_;
  std::mutex subscribers_mutex_;
  std::vector<std::pair<std::uint64_t, Subscriber>> subscribers_;
  std::uint64_t next_token_ = 1;
};

}  // namespace stslab::core
