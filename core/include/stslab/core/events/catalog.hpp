// Every event kind the lab journals, from the structs in core/events/: the list the docs under
// docs/events/ are checked against, and the way from an Event to its evidence line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "stslab/core/journal.hpp"

namespace stslab::core::events {

struct KindInfo {
  std::string_view kind;
  Source source;
  std::vector<std::string_view> fields;  // the named fields
  bool open = false;  // a merged bag carries further fields (an attack's details, log captures)
  std::string (*describe)(const Event&) = nullptr;  // null: the kind has no evidence line
};

const std::vector<KindInfo>& catalog();
const KindInfo* find_kind(std::string_view kind);

// The event's evidence line ("#3 mx1.a.test S: 250 ok"); "" for a kind without one.
std::string describe(const Event& event);

}  // namespace stslab::core::events
