#include "test_support.hpp"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace stslab::tlsrpt::testing {

nlohmann::json clean_report() {
  return nlohmann::json::parse(R"({
    "organization-name": "Reporter Inc.",
    "date-range": {"start-datetime": "2026-03-31T00:00:00Z",
                   "end-datetime": "2026-04-01T00:00:00Z"},
    "contact-info": "tlsrpt@reporter.example",
    "report-id": "r1@reporter.example",
    "policies": [{
      "policy": {
        "policy-type": "sts",
        "policy-string": ["version: STSv1", "mode: testing", "mx: mx1.example.net",
                          "mx: *.mx.example.net", "max_age: 86400"],
        "policy-domain": "example.net",
        "mx-host": ["mx1.example.net", "*.mx.example.net"]
      },
      "summary": {"total-successful-session-count": 5, "total-failure-session-count": 3},
      "failure-details": [{
        "result-type": "starttls-not-supported",
        "sending-mta-ip": "192.0.2.1",
        "receiving-mx-hostname": "mx1.example.net",
        "receiving-mx-helo": "mx1.example.net",
        "receiving-ip": "2001:db8::25",
        "failed-session-count": 3,
        "failure-reason-code": "STARTTLS not offered"
      }]
    }]
  })");
}

std::string fixture(const std::string& name) {
  const std::string path = std::string(STSLAB_TLSRPT_DATA) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string base64(const std::string& bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t line = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
    if ((line += 4) == 76) {
      out += "\r\n";
      line = 0;
    }
  }
  return out + "\r\n";
}

bool has_finding(const std::vector<Finding>& findings, const std::string& id, Severity severity,
                 const std::string& where) {
  for (const auto& f : findings) {
    if (f.id == id && f.severity == severity && (where.empty() || f.where == where)) return true;
  }
  return false;
}

std::string describe(const std::vector<Finding>& findings) {
  std::string out;
  for (const auto& f : findings) {
    out +=
        f.id + " " + std::string(to_string(f.severity)) + " " + f.where + ": " + f.message + "\n";
  }
  return out.empty() ? "(no findings)\n" : out;
}

void set(nlohmann::json& j, const std::string& pointer, nlohmann::json value) {
  j[nlohmann::json::json_pointer(pointer)] = std::move(value);
}

void erase(nlohmann::json& j, const std::string& pointer) {
  const nlohmann::json::json_pointer p(pointer);
  j.at(p.parent_pointer()).erase(p.back());
}

}  // namespace stslab::tlsrpt::testing
