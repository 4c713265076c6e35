// The outcome, level and verdict words, and the one rule that compares them (design.md,
// "Outcome vocabulary"; docs/scenario-format.md, "Outcomes").
#include "stslab/harness/outcome.hpp"

#include <array>
#include <stdexcept>
#include <utility>

namespace stslab::harness {
namespace {

template <typename Enum, std::size_t N>
using Words = std::array<std::pair<Enum, std::string_view>, N>;

constexpr Words<Outcome, 4> outcome_words{{
    {Outcome::delivered_tls, "delivered-tls"},
    {Outcome::delivered_untrusted_tls, "delivered-untrusted-tls"},
    {Outcome::delivered_plaintext, "delivered-plaintext"},
    {Outcome::withheld, "withheld"},
}};

constexpr Words<Level, 4> level_words{{
    {Level::must, "MUST"},
    {Level::should, "SHOULD"},
    {Level::may, "MAY"},
    {Level::info, "INFO"},
}};

constexpr Words<Verdict, 7> verdict_words{{
    {Verdict::pass, "PASS"},
    {Verdict::fail, "FAIL"},
    {Verdict::warn, "WARN"},
    {Verdict::info, "INFO"},
    {Verdict::inconclusive, "INCONCLUSIVE"},
    {Verdict::unsupported, "UNSUPPORTED"},
    {Verdict::error, "ERROR"},
}};

template <typename Enum, std::size_t N>
std::string_view word_of(const Words<Enum, N>& words, Enum value) {
  for (const auto& [e, word] : words) {
    if (e == value) return word;
  }
  return "?";
}

// Exact match only: a scenario file that says "Withheld" or "must" is a typo worth reporting.
template <typename Enum, std::size_t N>
Enum parse_word(const Words<Enum, N>& words, std::string_view text, std::string_view what) {
  std::string known;
  for (const auto& [e, word] : words) {
    if (word == text) return e;
    known += known.empty() ? "" : ", ";
    known += word;
  }
  throw std::invalid_argument("unknown " + std::string(what) + " '" + std::string(text) +
                              "' (known: " + known + ")");
}

}  // namespace

std::string_view to_string(Outcome o) {
  return word_of(outcome_words, o);
}
std::string_view to_string(Level l) {
  return word_of(level_words, l);
}
std::string_view to_string(Verdict v) {
  return word_of(verdict_words, v);
}

Outcome parse_outcome(std::string_view s) {
  return parse_word(outcome_words, s, "outcome");
}
Level parse_level(std::string_view s) {
  return parse_word(level_words, s, "level");
}
Verdict parse_verdict(std::string_view s) {
  return parse_word(verdict_words, s, "verdict");
}

Verdict verdict_when_broken(Level level) {
  switch (level) {
    case Level::must:
      return Verdict::fail;
    case Level::should:
      return Verdict::warn;
    case Level::may:
    case Level::info:
      return Verdict::info;
  }
  return Verdict::info;
}

int severity(Verdict v) {
  switch (v) {
    case Verdict::pass:
      return 0;
    case Verdict::info:
      return 1;
    case Verdict::unsupported:
      return 2;
    case Verdict::warn:
      return 3;
    case Verdict::inconclusive:
      return 4;
    case Verdict::error:
      return 5;
    case Verdict::fail:
      return 6;
  }
  return 0;
}

Verdict judge(const std::optional<Outcome>& observed, const std::vector<Outcome>& expected,
              Level level) {
  if (!observed) return Verdict::inconclusive;
  for (const auto& e : expected) {
    if (e == *observed) return Verdict::pass;
  }
  return verdict_when_broken(level);
}

}  // namespace stslab::harness
