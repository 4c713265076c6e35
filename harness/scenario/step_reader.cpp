#include "step_reader.hpp"

#include <array>
#include <regex>
#include <stdexcept>

#include "world_delta.hpp"

namespace stslab::harness::detail {
namespace {

// A flow-style rendering of a change for the evidence timeline: "{policy: {mode: testing}}".
std::string render(const YAML::Node& node) {
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out.SetNullFormat(YAML::LowerNull);
  out << node;
  return out.c_str();
}

// Why the policy host cannot serve a policy in this world ("" if it can).
std::string why_no_policy(const WorldSpec& world) {
  if (!world.sts_record) return "the world has no _mta-sts TXT record";
  if (!world.policy) return "the world has no policy (its path answers 404)";
  if (!world.policy_host.up) return "the policy host is down";
  if (world.policy_host.status != 200) {
    return "the policy host answers " + std::to_string(world.policy_host.status);
  }
  return {};
}

class StepReader {
 public:
  StepReader(const WorldSpec& world, bool world_known, Diagnostics& diag)
      : world_(world), world_known_(world_known), diag_(diag) {}

  Timeline read(const YAML::Node& list) {
    if (!list.IsSequence() || list.size() == 0) {
      diag_.error(
          list, "steps",
          list.IsSequence() ? "no steps" : "expected a list, got " + std::string(kind_name(list)));
      return std::move(timeline_);
    }
    for (std::size_t i = 0; i < list.size(); ++i)
      read_step(list[i], index_field("steps", i));
    return std::move(timeline_);
  }

 private:
  // Where a step stands: the whole step, its argument (null for a bare word), its field
  // ("steps[2]") and its argument's field ("steps[2].send").
  struct StepSite {
    const YAML::Node& node;
    const YAML::Node& arg;
    const std::string& field;
    std::string f;
  };
  // A reader of one step word: fills `step`; false after recording an error.
  using WordReader = bool (StepReader::*)(Step& step, const StepSite& at);
  // The step words: whether a word takes an argument, the capabilities it implies the target
  // has (capability_words.hpp; docs/scenario-format.md, `needs`), and its reader. The one list
  // of steps.
  struct StepWord {
    std::string_view word;
    bool takes_argument;
    std::array<std::string_view, 2> implied_needs;  // capability words; empty ones unused
    WordReader read;
  };
  static const std::array<StepWord, 10> kWords;

  static const StepWord* find_word(const std::string& word) {
    for (const auto& w : kWords) {
      if (w.word == word) return &w;
    }
    return nullptr;
  }

  static std::string known_words() {
    std::string text;
    for (const auto& w : kWords)
      text += (text.empty() ? "" : ", ") + std::string(w.word);
    return text;
  }

  // The word of a step and its argument, or nullptr after recording why the shape is wrong.
  const StepWord* read_word(const YAML::Node& node, const std::string& field, YAML::Node& arg) {
    if (!node.IsScalar() && !(node.IsMap() && node.size() == 1)) {
      diag_.error(node, field,
                  "a step is a word or a map with one key, got " + std::string(kind_name(node)) +
                      (node.IsMap() ? " with " + std::to_string(node.size()) + " keys" : ""));
      return nullptr;
    }
    const YAML::Node key = node.IsScalar() ? node : YAML::Node((*node.begin()).first);
    const std::string kind = key.Scalar();
    const StepWord* word = find_word(kind);
    if (word == nullptr) {
      diag_.error(key, field, "unknown step '" + kind + "' (known: " + known_words() + ")");
    } else if (node.IsScalar() && word->takes_argument) {
      diag_.error(node, field, "step '" + kind + "' needs an argument ('" + kind + ": ...')");
      word = nullptr;
    } else if (node.IsMap() && !word->takes_argument) {
      diag_.error(key, field, "step '" + kind + "' takes no argument; write it alone");
      word = nullptr;
    } else if (node.IsMap()) {
      arg = (*node.begin()).second;
    }
    return word;
  }

  void read_step(const YAML::Node& node, const std::string& field) {
    YAML::Node arg;
    const StepWord* word = read_word(node, field, arg);
    if (word == nullptr) return;
    Step step;
    step.where = diag_.at(node);
    const StepSite at{node, arg, field, join_field(field, std::string(word->word))};
    if (!(this->*word->read)(step, at)) return;
    for (const auto need : word->implied_needs) {
      if (!need.empty()) timeline_.implied_needs.emplace_back(need);
    }
    if (step.kind == Step::Kind::change) step.change = world_;
    timeline_.steps.push_back(std::move(step));
  }

  bool read_prime(Step& step, const StepSite& at) {
    if (const auto why = why_no_policy(world_); world_known_ && !why.empty()) {
      // prime waits for a 200 from the policy host; it would wait for ever.
      diag_.error(at.node, at.field,
                  "prime waits for the policy fetch, but " + why +
                      "; send an unscored message (send: warmup) instead");
      return false;
    }
    step.kind = Step::Kind::prime;
    step.summary = "send a warm-up message and wait for the policy fetch";
    return true;
  }

  bool read_flush(Step& step, const StepSite&) {
    step.kind = Step::Kind::flush;
    step.summary = "ask the MTA to retry its queue now";
    return true;
  }

  bool read_report(Step& step, const StepSite&) {
    step.kind = Step::Kind::report;
    step.summary = "make the sender send its TLS-RPT reports and wait for them";
    return true;
  }

  bool read_clear_cache(Step& step, const StepSite&) {
    step.kind = Step::Kind::clear_cache;
    step.summary = "make the sender forget its cached policies";
    return true;
  }

  bool read_advance(Step& step, const StepSite& at) {
    const auto text = read_string(at.arg, at.f, diag_);
    if (!text) return false;
    try {
      step.by = parse_duration(*text);
    } catch (const std::invalid_argument& e) {
      diag_.error(at.arg, at.f, e.what());
      return false;
    }
    step.kind = Step::Kind::advance;
    step.summary = "advance the clock by " + *text;
    return true;
  }

  bool read_bump_id(Step& step, const StepSite&) {
    const std::string old_id = world_.policy_id;
    world_.policy_id = next_policy_id(old_id);
    step.kind = Step::Kind::change;
    step.summary = "bump the policy id: " + old_id + " -> " + world_.policy_id;
    return true;
  }

  bool read_remove_sts_record(Step& step, const StepSite&) {
    world_.sts_record.reset();
    step.kind = Step::Kind::change;
    step.summary = "remove the _mta-sts TXT record";
    return true;
  }

  bool read_send(Step& step, const StepSite& at) {
    static const std::regex message_name("[a-z0-9][a-z0-9-]{0,63}");
    const auto name = read_string(at.arg, at.f, diag_);
    if (!name) return false;
    // Remembered even when malformed, so `expect` does not add "never sent" to the error.
    const auto [it, fresh] = timeline_.sent.emplace(*name, line_of(at.arg));
    if (!fresh) {
      diag_.error(at.arg, at.f,
                  "message '" + *name + "' is already sent at line " + std::to_string(it->second) +
                      "; give each send its own name");
      return false;
    }
    static const std::regex prime_name("prime[0-9]+");
    if (std::regex_match(*name, prime_name)) {
      diag_.error(at.arg, at.f,
                  "'" + *name + "' is reserved: prime steps send prime1, prime2, ...");
      return false;
    }
    if (!std::regex_match(*name, message_name)) {
      diag_.error(at.arg, at.f,
                  "a message name is lowercase letters, digits and '-' (it becomes the local "
                  "part of the recipient), got '" +
                      *name + "'");
      return false;
    }
    step.kind = Step::Kind::send;
    step.message = *name;
    step.summary = "send " + *name;
    return true;
  }

  bool read_change(Step& step, const StepSite& at) {
    if (!check_map(at.arg, at.f, world_keys(), diag_)) return false;
    if (at.arg.size() == 0) {
      diag_.error(at.arg, at.f, "nothing to change");
      return false;
    }
    const std::size_t errors_before = diag_.errors().size();
    WorldSpec next = world_;
    apply_world_delta(next, at.arg, at.f, diag_);
    if (diag_.errors().size() != errors_before) return false;
    world_ = std::move(next);
    step.kind = Step::Kind::change;
    step.summary = "change " + render(at.arg);
    return true;
  }

  // attack: {mx1: strip-starttls, mx2: "intercept-tls profile=untrusted-ca"}
  bool read_attack(Step& step, const StepSite& at) {
    if (!check_map(at.arg, at.f, {}, diag_)) return false;
    if (at.arg.size() == 0) {
      diag_.error(at.arg, at.f, "name the MX to attack: {mx1: strip-starttls}");
      return false;
    }
    const std::size_t errors_before = diag_.errors().size();
    WorldSpec next = world_;
    std::string summary;
    for (const auto& entry : at.arg) {
      const std::string label = entry.first.Scalar();
      const std::string lf = join_field(at.f, label);
      MxSpec* mx = find_mx(next, label);
      if (mx == nullptr) {
        if (world_known_) {
          diag_.error(entry.first, lf,
                      "no MX '" + label + "' in the world (known: " + mx_labels(next) + ")");
        }
        continue;
      }
      set_attack(*mx, entry.second, lf, diag_);
      summary += (summary.empty() ? "" : "; ") + label + ": " +
                 (entry.second.IsScalar() ? entry.second.Scalar() : std::string("?"));
    }
    if (diag_.errors().size() != errors_before) return false;
    world_ = std::move(next);
    step.kind = Step::Kind::change;
    step.summary = "attack " + summary;
    return true;
  }

  WorldSpec world_;
  bool world_known_;
  Diagnostics& diag_;
  Timeline timeline_;
};

const std::array<StepReader::StepWord, 10> StepReader::kWords{{
    {"prime", false, {}, &StepReader::read_prime},
    {"send", true, {}, &StepReader::read_send},
    {"flush", false, {"flush"}, &StepReader::read_flush},
    {"change", true, {}, &StepReader::read_change},
    {"attack", true, {}, &StepReader::read_attack},
    {"bump_id", false, {}, &StepReader::read_bump_id},
    {"remove_sts_record", false, {}, &StepReader::read_remove_sts_record},
    {"advance", true, {"time"}, &StepReader::read_advance},
    {"clear_cache", false, {"clear-cache"}, &StepReader::read_clear_cache},
    {"report", false, {"tls-rpt", "report-trigger"}, &StepReader::read_report},
}};

}  // namespace

Timeline read_steps(const YAML::Node& list, const WorldSpec& world, bool world_known,
                    Diagnostics& diag) {
  return StepReader(world, world_known, diag).read(list);
}

std::string next_policy_id(const std::string& id) {
  std::size_t digits = id.size();
  while (digits > 0 && id[digits - 1] >= '0' && id[digits - 1] <= '9')
    --digits;
  if (digits == id.size()) return id + "2";
  // Count the trailing number up as text, so ids longer than any integer work too.
  std::string next = id;
  std::size_t i = next.size();
  while (i > digits) {
    --i;
    if (next[i] != '9') {
      ++next[i];
      return next;
    }
    next[i] = '0';
  }
  next.insert(digits, "1");
  return next;
}

}  // namespace stslab::harness::detail

namespace stslab::harness {

std::string_view to_string(Step::Kind kind) {
  switch (kind) {
    case Step::Kind::prime:
      return "prime";
    case Step::Kind::send:
      return "send";
    case Step::Kind::flush:
      return "flush";
    case Step::Kind::change:
      return "change";
    case Step::Kind::advance:
      return "advance";
    case Step::Kind::clear_cache:
      return "clear_cache";
    case Step::Kind::report:
      return "report";
  }
  return "?";
}

}  // namespace stslab::harness
