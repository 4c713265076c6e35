// junit.xml in the dialect GitLab, Jenkins and the GitHub test-report actions all read: one
// <testsuite> per run, one <testcase> per scenario; FAIL -> <failure>, ERROR -> <error>,
// INCONCLUSIVE / UNSUPPORTED -> <skipped>, PASS / WARN / INFO pass (WARN and INFO say so in
// <system-out> and a property).
#include <cstdio>
#include <sstream>

#include "stslab/harness/result.hpp"
#include "summary.hpp"
#include "text_escape.hpp"

namespace stslab::harness {
namespace {

struct Counts {
  std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  std::chrono::milliseconds time{0};

  void add(const Counts& other) {
    tests += other.tests, failures += other.failures, errors += other.errors;
    skipped += other.skipped, time += other.time;
  }
};

Counts count(const RunResult& run) {
  const auto verdicts = count_verdicts(run);
  return {
      .tests = run.results.size(),
      .failures = verdicts.at(Verdict::fail),
      .errors = verdicts.at(Verdict::error),
      .skipped = verdicts.at(Verdict::inconclusive) + verdicts.at(Verdict::unsupported),
      .time = run.duration,
  };
}

std::string seconds(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

std::string count_attributes(const Counts& c) {
  return "tests=\"" + std::to_string(c.tests) + "\" failures=\"" + std::to_string(c.failures) +
         "\" errors=\"" + std::to_string(c.errors) + "\" skipped=\"" + std::to_string(c.skipped) +
         "\" time=\"" + seconds(c.time) + "\"";
}

// The Ant schema wants "YYYY-MM-DDTHH:MM:SS" without a zone; our RFC 3339 UTC stamps start so.
std::string junit_timestamp(const std::string& rfc3339) {
  return rfc3339.size() >= 19 ? rfc3339.substr(0, 19) : rfc3339;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items)
    out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string outcomes(const std::vector<Outcome>& list) {
  std::vector<std::string> words;
  for (Outcome o : list)
    words.emplace_back(to_string(o));
  return join(words);
}

std::string outcome_word(const std::optional<Outcome>& o) {
  return o ? std::string(to_string(*o)) : "not observed";
}

void property(std::ostream& x, const char* indent, const std::string& name,
              const std::string& value) {
  x << indent << "<property name=\"" << text::xml_attr(name) << "\" value=\""
    << text::xml_attr(value) << "\"/>\n";
}

// What a person reading the CI page needs first: what was expected, what happened, per message.
std::string details(const ScenarioResult& r) {
  std::string d =
      r.title + "\nlevel: " + std::string(to_string(r.level)) +
      "\nrequirements: " + join(r.requirements) + "\nexpected: " + outcomes(r.expected) +
      "\noutcome: " + outcome_word(r.outcome) + (r.reported ? " (reported)" : "") +
      "\nverdict: " + std::string(to_string(r.verdict)) + "\nreason: " + r.reason + "\n";
  for (const auto& m : r.messages) {
    d += "message " + m.name + " <" + m.recipient + ">: expected " + outcomes(m.expected) +
         ", outcome " + outcome_word(m.outcome) + ", " + std::string(to_string(m.verdict)) + ": " +
         m.reason + "\n";
  }
  return d;
}

void testcase(std::ostream& x, const std::string& classname, const ScenarioResult& r) {
  x << "    <testcase classname=\"" << text::xml_attr(classname) << "\" name=\""
    << text::xml_attr(r.scenario) << "\" time=\"" << seconds(r.duration) << "\">\n";
  x << "      <properties>\n";
  const char* indent = "        ";
  property(x, indent, "title", r.title);
  property(x, indent, "level", std::string(to_string(r.level)));
  property(x, indent, "requirements", join(r.requirements));
  property(x, indent, "topics", join(r.topics));
  property(x, indent, "expected", outcomes(r.expected));
  property(x, indent, "outcome", outcome_word(r.outcome));
  property(x, indent, "reported", r.reported ? "true" : "false");
  property(x, indent, "verdict", std::string(to_string(r.verdict)));
  property(x, indent, "harness_overhead_ms", std::to_string(r.harness_overhead.count()));
  if (r.verdict == Verdict::warn) property(x, indent, "warning", r.reason);
  x << "      </properties>\n";

  switch (r.verdict) {
    case Verdict::fail:
      x << "      <failure message=\"" << text::xml_attr(r.reason) << "\" type=\"FAIL\">"
        << text::xml_text(details(r)) << "</failure>\n";
      break;
    case Verdict::error:
      x << "      <error message=\"" << text::xml_attr(r.reason) << "\" type=\"ERROR\">"
        << text::xml_text(details(r)) << "</error>\n";
      break;
    case Verdict::inconclusive:
    case Verdict::unsupported:
      x << "      <skipped message=\"" << text::xml_attr(r.reason) << "\"/>\n";
      break;
    case Verdict::pass:
    case Verdict::warn:
    case Verdict::info:
      break;
  }

  // The verdict line first so a WARN stands out, then the full story and the evidence.
  std::string out = std::string(to_string(r.verdict)) + ": " + r.reason + "\n\n" + details(r) +
                    "\nevidence:\n" +
                    r.evidence.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  x << "      <system-out>" << text::xml_text(out) << "</system-out>\n";
  x << "    </testcase>\n";
}

void testsuite(std::ostream& x, std::size_t id, const RunResult& run) {
  x << "  <testsuite name=\"" << text::xml_attr(run.target.adapter) << "\" id=\"" << id << "\" "
    << count_attributes(count(run));
  if (!run.started_at.empty()) {
    x << " timestamp=\"" << text::xml_attr(junit_timestamp(run.started_at)) << "\"";
  }
  x << ">\n";
  x << "    <properties>\n";
  const char* indent = "      ";
  property(x, indent, "adapter", run.target.adapter);
  for (const auto& [program, version] : run.target.versions.items()) {
    property(x, indent, "version." + program,
             version.is_string()
                 ? version.get<std::string>()
                 : version.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  property(x, indent, "summary", summary_line(run));
  x << "    </properties>\n";
  for (const auto& r : run.results)
    testcase(x, run.target.adapter, r);
  x << "  </testsuite>\n";
}

}  // namespace

std::string render_junit(const std::vector<RunResult>& runs) {
  Counts total;
  for (const auto& run : runs)
    total.add(count(run));
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x << "<testsuites name=\"stslab\" " << count_attributes(total) << ">\n";
  for (std::size_t i = 0; i < runs.size(); ++i)
    testsuite(x, i, runs[i]);
  x << "</testsuites>\n";
  return x.str();
}

}  // namespace stslab::harness
