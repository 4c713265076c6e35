// harness: an MTA's log, one line per input line, through the Postfix manifest's log rules (the
// regexes are the shipped ones): deliveries, TLS sessions, policy lines, queue ids remembered
// between lines.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "stslab/harness/adapters/log_parser.hpp"
#include "stslab/harness/adapters/manifest.hpp"

using namespace stslab::harness::adapters;

namespace {

const std::vector<LogRule>& postfix_rules() {
  static const std::vector<LogRule> rules = [] {
    std::vector<LogRule> all;
    const Manifest m = load_manifest(STSLAB_SOURCE_DIR "/harness/adapters/postfix/manifest.yaml");
    for (const auto& log : m.logs)
      all.insert(all.end(), log.rules.begin(), log.rules.end());
    return all;
  }();
  return rules;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  LogParser parser(postfix_rules());
  for (const auto& line : stslab::fuzz::split(stslab::fuzz::as_text(data, size), '\n')) {
    for (const auto& event : parser.feed(line))
      stslab::fuzz::journal_round_trip(stslab::core::Source::mta, event.kind, event.data);
    (void)recipient_domain(line);
  }
  return 0;
}
