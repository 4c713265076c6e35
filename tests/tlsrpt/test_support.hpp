// Shared by the tlsrpt tests: a clean report to mutate, fixtures, and finding matchers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stslab/tlsrpt/finding.hpp"

namespace stslab::tlsrpt::testing {

// A report that passes every check without a single finding (notes included).
nlohmann::json clean_report();

// A file of tests/tlsrpt/data, bytes as they are.
std::string fixture(const std::string& name);

// RFC 4648 base64 with CRLF every 76 characters, for building mails by hand.
std::string base64(const std::string& bytes);

// True if some finding has this id, severity and (when non-empty) `where`.
bool has_finding(const std::vector<Finding>& findings, const std::string& id, Severity severity,
                 const std::string& where = "");

// The findings, one per line, for failure messages.
std::string describe(const std::vector<Finding>& findings);

// JSON pointer helpers for mutations.
void set(nlohmann::json& j, const std::string& pointer, nlohmann::json value);
void erase(nlohmann::json& j, const std::string& pointer);

}  // namespace stslab::tlsrpt::testing
