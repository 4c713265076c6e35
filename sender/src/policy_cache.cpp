#include "stslab/sender/policy_cache.hpp"

#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "stslab/sender/mx_pattern.hpp"

namespace stslab::sender {

bool is_fresh(const CachedPolicy& c, WallClock::time_point now, const DefectSet& defects) {
  const auto age = std::chrono::duration_cast<std::chrono::seconds>(now - c.fetched_at).count();
  const auto max_age = effective_max_age(c.policy, defects);
  const auto age_seconds = age < 0 ? std::uint64_t{0} : static_cast<std::uint64_t>(age);
  return age_seconds < max_age;
}

PolicyCache::PolicyCache(std::filesystem::path state_dir)
    : dir_(std::move(state_dir) / "policies") {}

std::filesystem::path PolicyCache::file_for(const std::string& domain) const {
  // Domain names are letters, digits, '-' and '.'; anything else is escaped so a hostile name
  // cannot walk out of the directory.
  std::string safe;
  for (char c : normalize_host(domain)) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (plain) {
      safe += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02x", static_cast<unsigned char>(c));
      safe += buf;
    }
  }
  if (safe.empty() || safe.starts_with('.')) safe = "_" + safe;
  return dir_ / (safe + ".json");
}

std::optional<CachedPolicy> PolicyCache::load(const std::string& domain,
                                              std::string* problem) const {
  std::ifstream in(file_for(domain));
  if (!in) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(in);
    CachedPolicy c;
    c.domain = j.at("domain").get<std::string>();
    c.id = j.at("id").get<std::string>();
    c.fetched_at =
        WallClock::time_point(std::chrono::seconds(j.at("fetched_at").get<std::int64_t>()));
    auto mode = parse_policy_mode(j.at("mode").get<std::string>());
    if (!mode) throw std::runtime_error("bad mode");
    c.policy.mode = *mode;
    c.policy.max_age = j.at("max_age").get<std::uint64_t>();
    c.policy.mx = j.at("mx").get<std::vector<std::string>>();
    c.policy.text = j.at("text").get<std::string>();
    return c;
  } catch (const std::exception& e) {
    if (problem) *problem = file_for(domain).string() + ": " + e.what();
    return std::nullopt;
  }
}

void PolicyCache::store(const CachedPolicy& c) const {
  std::filesystem::create_directories(dir_);
  const nlohmann::json j = {
      {"domain", c.domain},
      {"id", c.id},
      {"fetched_at",
       std::chrono::duration_cast<std::chrono::seconds>(c.fetched_at.time_since_epoch()).count()},
      {"max_age", c.policy.max_age},
      {"mode", to_string(c.policy.mode)},
      {"mx", c.policy.mx},
      {"text", c.policy.text},
  };
  const auto target = file_for(c.domain);
  auto temp = target;
  temp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::trunc);
    // error_handler_t::replace: a policy body with invalid UTF-8 must not make dump() throw.
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    if (!out.flush()) throw std::runtime_error("cannot write " + temp.string());
  }
  std::filesystem::rename(temp, target);
}

void PolicyCache::remove(const std::string& domain) const {
  std::error_code ec;
  std::filesystem::remove(file_for(domain), ec);
}

}  // namespace stslab::sender
