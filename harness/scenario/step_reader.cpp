#include "step_reader.hpp"

#include <regex>
#include <stdexcept>

#include "world_delta.hpp"

namespace stslab::harness::detail {
namespace {

const std::vector<std::string_view> bare_steps{
    "prime", "flush", "bump_id", "remove_sts_record", "clear_cache", "report"};
const std::vector<std::string_view> all_steps{
    "prime",   "send",        "flush", "change", "attack", "bump_id", "remove_sts_record",
    "advance", "clear_cache", "report"};

std::string word_list(const std::vector<std::string_view>& words) {
  std::string text;
  for (const auto w : words)
    text += (text.empty() ? "" : ", ") + std::string(w);
  return text;
}

bool contains(const std::vector<std::string_view>& words, const std::string& word) {
  for (const auto w : words) {
    if (w == word) return true;
  }
  return false;
}

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
  void read_step(const YAML::Node& node, const std::string& field) {
    Step step;
    step.where = diag_.at(node);
    std::string kind;
    YAML::Node arg;
    if (node.IsScalar()) {
      kind = node.Scalar();
      if (!contains(bare_steps, kind)) {
        diag_.error(node, field,
                    contains(all_steps, kind)
                        ? "step '" + kind + "' needs an argument ('" + kind + ": ...')"
                        : "unknown step '" + kind + "' (known: " + word_list(all_steps) + ")");
        return;
      }
    } else if (node.IsMap() && node.size() == 1) {
      const auto entry = *node.begin();
      kind = entry.first.Scalar();
      arg = entry.second;
      if (!contains(all_steps, kind)) {
        diag_.error(entry.first, field,
                    "unknown step '" + kind + "' (known: " + word_list(all_steps) + ")");
        return;
      }
      if (contains(bare_steps, kind)) {
        diag_.error(entry.first, field, "step '" + kind + "' takes no argument; write it alone");
        return;
      }
    } else {
      diag_.error(node, field,
                  "a step is a word or a map with one key, got " + std::string(kind_name(node)) +
                      (node.IsMap() ? " with " + std::to_string(node.size()) + " keys" : ""));
      return;
    }
    const std::string f = join_field(field, kind);

    if (kind == "prime") {
      if (const auto why = why_no_policy(world_); world_known_ && !why.empty()) {
        // prime waits for a 200 from the policy host; it would wait for ever.
        diag_.error(node, field,
                    "prime waits for the policy fetch, but " + why +
                        "; send an unscored message (send: warmup) instead");
        return;
      }
      step.kind = Step::Kind::prime;
      step.summary = "send a warm-up message and wait for the policy fetch";
    } else if (kind == "send") {
      if (!read_send(step, arg, f)) return;
    } else if (kind == "flush") {
      step.kind = Step::Kind::flush;
      step.summary = "ask the MTA to retry its queue now";
      timeline_.implied_needs.push_back("flush");
    } else if (kind == "report") {
      step.kind = Step::Kind::report;
      step.summary = "make the sender send its TLS-RPT reports and wait for them";
      timeline_.implied_needs.push_back("tls-rpt");
    } else if (kind == "clear_cache") {
      step.kind = Step::Kind::clear_cache;
      step.summary = "make the sender forget its cached policies";
      timeline_.implied_needs.push_back("clear-cache");
    } else if (kind == "advance") {
      const auto text = read_string(arg, f, diag_);
      if (!text) return;
      try {
        step.by = parse_duration(*text);
      } catch (const std::invalid_argument& e) {
        diag_.error(arg, f, e.what());
        return;
      }
      step.kind = Step::Kind::advance;
      step.summary = "advance the clock by " + *text;
      timeline_.implied_needs.push_back("time");
    } else if (kind == "change") {
      if (!read_change(step, arg, f)) return;
    } else if (kind == "attack") {
      if (!read_attack(step, arg, f)) return;
    } else if (kind == "bump_id") {
      const std::string old_id = world_.policy_id;
      world_.policy_id = next_policy_id(old_id);
      step.kind = Step::Kind::change;
      step.summary = "bump the policy id: " + old_id + " -> " + world_.policy_id;
    } else if (kind == "remove_sts_record") {
      world_.sts_record.reset();
      step.kind = Step::Kind::change;
      step.summary = "remove the _mta-sts TXT record";
    }
    if (step.kind == Step::Kind::change) step.change = world_;
    timeline_.steps.push_back(std::move(step));
  }

  bool read_send(Step& step, const YAML::Node& arg, const std::string& f) {
    static const std::regex message_name("[a-z0-9][a-z0-9-]{0,63}");
    const auto name = read_string(arg, f, diag_);
    if (!name) return false;
    // Remembered even when malformed, so `expect` does not add "never sent" to the error.
    const auto [it, fresh] = timeline_.sent.emplace(*name, line_of(arg));
    if (!fresh) {
      diag_.error(arg, f,
                  "message '" + *name + "' is already sent at line " + std::to_string(it->second) +
                      "; give each send its own name");
      return false;
    }
    static const std::regex prime_name("prime[0-9]+");
    if (std::regex_match(*name, prime_name)) {
      diag_.error(arg, f, "'" + *name + "' is reserved: prime steps send prime1, prime2, ...");
      return false;
    }
    if (!std::regex_match(*name, message_name)) {
      diag_.error(arg, f,
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

  bool read_change(Step& step, const YAML::Node& arg, const std::string& f) {
    if (!check_map(arg, f, world_keys(), diag_)) return false;
    if (arg.size() == 0) {
      diag_.error(arg, f, "nothing to change");
      return false;
    }
    const std::size_t errors_before = diag_.errors().size();
    WorldSpec next = world_;
    apply_world_delta(next, arg, f, diag_);
    if (diag_.errors().size() != errors_before) return false;
    world_ = std::move(next);
    step.kind = Step::Kind::change;
    step.summary = "change " + render(arg);
    return true;
  }

  // attack: {mx1: strip-starttls, mx2: "intercept-tls profile=untrusted-ca"}
  bool read_attack(Step& step, const YAML::Node& arg, const std::string& f) {
    if (!check_map(arg, f, {}, diag_)) return false;
    if (arg.size() == 0) {
      diag_.error(arg, f, "name the MX to attack: {mx1: strip-starttls}");
      return false;
    }
    const std::size_t errors_before = diag_.errors().size();
    WorldSpec next = world_;
    std::string summary;
    for (const auto& entry : arg) {
      const std::string label = entry.first.Scalar();
      const std::string lf = join_field(f, label);
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
