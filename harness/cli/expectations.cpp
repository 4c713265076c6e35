#include "expectations.hpp"

#include <fnmatch.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <stdexcept>

#include "stslab/harness/bounded_yaml.hpp"

namespace stslab::cli {
static void read_entries(const YAML::Node& root, const std::string& path,
                         std::vector<Expectation>& out);

std::vector<Expectation> load_expectations(const std::string& path) {
  std::vector<Expectation> out;
  if (!std::filesystem::exists(path)) return out;
  YAML::Node root;
  try {
    const auto documents = harness::load_bounded_yaml(path);
    if (!documents.empty()) root = documents.front();
  } catch (const harness::YamlLoadError& e) {
    throw std::runtime_error(harness::describe_load_error(path, e));
  }
  if (root.IsNull()) return out;
  if (!root.IsMap())
    throw std::runtime_error(path + ": expected a map of scenario id -> {verdict, reason}");
  try {
    read_entries(root, path, out);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(harness::describe_yaml_error(path, e));
  }
  return out;
}

static void read_entries(const YAML::Node& root, const std::string& path,
                         std::vector<Expectation>& out) {
  for (const auto& entry : root) {
    const auto where = path + ":" + std::to_string(entry.first.Mark().line + 1);
    Expectation e;
    e.glob = entry.first.as<std::string>();
    const auto& body = entry.second;
    if (!body.IsMap() || !body["verdict"]) {
      throw std::runtime_error(where + ": " + e.glob + ": expected {verdict: ..., reason: ...}");
    }
    try {
      e.verdict = harness::parse_verdict(body["verdict"].as<std::string>());
    } catch (const std::invalid_argument& bad) {
      throw std::runtime_error(where + ": " + e.glob + ".verdict: " + bad.what());
    }
    if (body["reason"]) e.reason = body["reason"].as<std::string>();
    if (e.verdict != harness::Verdict::pass && e.reason.empty()) {
      throw std::runtime_error(where + ": " + e.glob + ": a known deviation needs a reason");
    }
    out.push_back(e);
  }
}

Expectation expectation_for(const std::vector<Expectation>& all, const std::string& id) {
  for (const auto& e : all) {
    if (fnmatch(e.glob.c_str(), id.c_str(), 0) == 0) return e;
  }
  return {id, harness::Verdict::pass, ""};
}

}  // namespace stslab::cli
