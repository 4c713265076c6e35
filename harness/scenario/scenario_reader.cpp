#include "scenario_reader.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include "expectation_reader.hpp"
#include "step_reader.hpp"
#include "stslab/harness/capability_words.hpp"
#include "world_delta.hpp"
#include "yaml_reader.hpp"

namespace stslab::harness::detail {
namespace {

std::vector<std::string_view> top_level_keys() {
  std::vector<std::string_view> keys{
      "id",     "title",         "requirements",       "level", "topics", "world", "needs", "steps",
      "expect", "expect_report", "expect_policy_fetch"};
  const auto& world = world_keys();
  keys.insert(keys.end(), world.begin(), world.end());
  return keys;
}

// A required key: the node, or an error at the line of the map that lacks it.
YAML::Node required(const YAML::Node& root, const std::string& key, Diagnostics& diag) {
  YAML::Node node = root[key];
  if (!node) diag.error(root, key, "missing (required)");
  return node;
}

// A list of words each matching `form`; `what` names one word in error messages.
std::vector<std::string> read_words(const YAML::Node& node, const std::string& field,
                                    const std::regex& form, const std::string& what,
                                    Diagnostics& diag) {
  std::vector<std::string> words;
  const auto list = read_string_list(node, field, diag);
  if (!list) return words;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string& w = (*list)[i];
    if (!std::regex_match(w, form)) {
      diag.error(node[i], index_field(field, i), "'" + w + "' is not " + what);
    } else if (std::find(words.begin(), words.end(), w) != words.end()) {
      diag.error(node[i], index_field(field, i), "'" + w + "' is listed twice");
    } else {
      words.push_back(w);
    }
  }
  return words;
}

class ScenarioReader {
 public:
  ScenarioReader(const std::string& path, WorldLibrary& worlds) : diag_(path), worlds_(worlds) {}

  // The scenario, or nullopt with the errors in errors().
  std::optional<Scenario> read() {
    const auto file = read_yaml_file(diag_.file(), diag_);
    if (!file || !check_map(*file, "", top_level_keys(), diag_)) return std::nullopt;
    const YAML::Node& root = *file;
    Scenario s;
    s.where = diag_.at_line(1);
    read_identity(root, s);
    const bool world_known = read_world(root, s);
    read_needs(root, s);
    Timeline timeline;
    if (const YAML::Node steps = required(root, "steps", diag_)) {
      timeline = read_steps(steps, s.world, world_known, diag_);
      s.steps = std::move(timeline.steps);
    }
    for (auto& need : timeline.implied_needs) {
      if (std::find(s.needs.begin(), s.needs.end(), need) == s.needs.end()) s.needs.push_back(need);
    }
    std::sort(s.needs.begin(), s.needs.end());
    if (const YAML::Node expect = required(root, "expect", diag_)) {
      read_expect(expect, timeline.sent, s, diag_);
    }
    if (const YAML::Node report = root["expect_report"]) read_expect_report(report, s, diag_);
    if (const YAML::Node fetch = root["expect_policy_fetch"]) {
      read_expect_policy_fetch(fetch, s, diag_);
    }
    check_mx_count(root, s);
    if (!diag_.ok()) return std::nullopt;
    return s;
  }

  const std::vector<ScenarioError>& errors() const { return diag_.errors(); }

 private:
  void check_mx_count(const YAML::Node& root, const Scenario& s) {
    std::set<std::string> labels;
    for (const auto& mx : s.world.mx)
      labels.insert(mx.label);
    for (const auto& step : s.steps) {
      for (const auto& mx : step.change.mx)
        labels.insert(mx.label);
    }
    if (labels.size() > kMaxMxHosts) {
      const YAML::Node mx = root["mx"];
      diag_.error(mx ? mx : root, "mx",
                  std::to_string(labels.size()) +
                      " MX hosts over the scenario's worlds; the lab's "
                      "address plan has room for " +
                      std::to_string(kMaxMxHosts) + " per scenario");
    }
  }

  void read_identity(const YAML::Node& root, Scenario& s) {
    // "rfc8461/5/enforce-starttls-stripped": the RFC, its section ("3-1" for 3.1, or
    // "appendix-b"), a slug.
    static const std::regex id_form(
        "rfc(8461|8460)/([0-9]+(-[0-9]+)*|appendix-[a-z])/[a-z0-9]+(-[a-z0-9]+)*");
    if (const YAML::Node id = required(root, "id", diag_)) {
      if (auto text = read_string(id, "id", diag_)) {
        if (std::regex_match(*text, id_form)) {
          s.id = *text;
          s.where = diag_.at(id);
        } else {
          diag_.error(id, "id",
                      "'" + *text +
                          "' is not of the form rfc8461/<section>/<slug> or rfc8460/<section>/"
                          "<slug> (section like 5 or 3-1, slug of [a-z0-9-])");
        }
      }
    }
    if (const YAML::Node title = required(root, "title", diag_)) {
      if (auto text = read_string(title, "title", diag_)) {
        if (text->empty() || text->find('\n') != std::string::npos) {
          diag_.error(title, "title", "a title is one non-empty line");
        } else {
          s.title = *text;
        }
      }
    }
    if (const YAML::Node reqs = required(root, "requirements", diag_)) {
      static const std::regex requirement_form("STS-[A-Z]+-[0-9]{2}|RPT-[0-9]{2}");
      s.requirements = read_words(reqs, "requirements", requirement_form,
                                  "a requirement ID (STS-XXX-NN or RPT-NN)", diag_);
      if (reqs.IsSequence() && reqs.size() == 0) {
        diag_.error(reqs, "requirements", "at least one requirement ID");
      }
    }
    if (const YAML::Node level = required(root, "level", diag_)) {
      if (auto text = read_string(level, "level", diag_)) {
        try {
          s.level = parse_level(*text);
        } catch (const std::invalid_argument& e) {
          diag_.error(level, "level", e.what());
        }
      }
    }
    if (const YAML::Node topics = root["topics"]) {
      static const std::regex topic_form("[a-z0-9]+(-[a-z0-9]+)*");
      s.topics = read_words(topics, "topics", topic_form, "a topic ([a-z0-9-])", diag_);
    }
  }

  // The base world plus the scenario's own world keys. False if the base is unusable.
  bool read_world(const YAML::Node& root, Scenario& s) {
    bool known = false;
    if (const YAML::Node world = required(root, "world", diag_)) {
      if (auto name = read_string(world, "world", diag_)) {
        s.base_world = *name;
        if (auto base = worlds_.find(*name)) {
          s.world = *base;
          known = true;
        } else if (!worlds_.exists(*name)) {
          diag_.error(world, "world",
                      "unknown world '" + *name + "' (known: " + worlds_.known_names() + ")");
        } else {
          diag_.error(world, "world", "the world '" + *name + "' has errors (listed with it)");
        }
      }
    }
    apply_world_delta(s.world, root, "", diag_);
    return known;
  }

  void read_needs(const YAML::Node& root, Scenario& s) {
    const YAML::Node needs = root["needs"];
    if (!needs) return;
    const auto list = read_string_list(needs, "needs", diag_);
    if (!list) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string& need = (*list)[i];
      if (find_capability(need) == nullptr) {
        std::string known;
        for (const auto& k : kCapabilityWords)
          known += (known.empty() ? "" : ", ") + std::string(k.word);
        diag_.error(needs[i], index_field("needs", i),
                    "unknown capability '" + need + "' (known: " + known + ")");
      } else if (std::find(s.needs.begin(), s.needs.end(), need) == s.needs.end()) {
        s.needs.push_back(need);
      }
    }
  }

  Diagnostics diag_;
  WorldLibrary& worlds_;
};

}  // namespace

ReadResult read_scenario_file(const std::string& path, WorldLibrary& worlds) {
  ScenarioReader reader(path, worlds);
  ReadResult result;
  result.scenario = reader.read();
  result.errors = reader.errors();
  return result;
}

}  // namespace stslab::harness::detail
