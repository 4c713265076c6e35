#include "stslab/harness/adapters/mta_log_journal.hpp"

#include <filesystem>

#include "stslab/core/events/mta.hpp"
#include "stslab/harness/adapters/log_parser.hpp"

namespace stslab::harness::adapters {

std::unique_ptr<LogFollower> follow_into_journal(const std::vector<FollowedLog>& logs,
                                                 core::Journal& journal) {
  std::vector<std::string> files;
  auto parsers = std::make_shared<std::vector<LogParser>>();
  for (const auto& log : logs) {
    files.push_back(log.file);
    std::filesystem::create_directories(std::filesystem::path(log.file).parent_path());
    parsers->emplace_back(log.rules);
  }
  auto follower = std::make_unique<LogFollower>(files, [&journal, parsers](std::size_t file,
                                                                           std::string_view line) {
    try {
      for (auto& e : (*parsers)[file].feed(line)) {
        journal.append(core::Source::mta, e.kind, e.domain, e.host, std::move(e.data));
      }
    } catch (const std::exception& e) {
      // A line we cannot digest must not end the follower; say so in the journal.
      core::events::append(
          journal, core::events::MtaLogError{.error = e.what(), .line = std::string(line)}, "", "");
    }
  });
  follower->start(/*skip_existing=*/true);
  return follower;
}

}  // namespace stslab::harness::adapters
