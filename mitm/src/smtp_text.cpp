#include "stslab/mitm/smtp_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace stslab::mitm {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && upper(s.substr(0, prefix.size())) == prefix;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool has_code(std::string_view line) {
  return line.size() >= 3 && is_digit(line[0]) && is_digit(line[1]) && is_digit(line[2]);
}

// The EHLO keyword of an extension line: "250-SIZE 1000" -> "SIZE".
std::string keyword_of(std::string_view line) {
  if (line.size() <= 4) return "";
  std::string_view rest = line.substr(4);
  auto end = rest.find_first_of(" \t");
  return upper(rest.substr(0, end));
}

}  // namespace

std::string_view to_string(Phase p) {
  return p == Phase::plaintext ? "plaintext" : "intercepted-tls";
}

bool Command::is_mail_from() const {
  return verb == "MAIL" && starts_with_nocase(argument, "FROM:");
}

bool Command::is_rcpt_to() const {
  return verb == "RCPT" && starts_with_nocase(argument, "TO:");
}

Command parse_command(std::string_view line, Phase phase) {
  Command c;
  c.line = std::string(line);
  c.phase = phase;
  auto space = line.find(' ');
  c.verb = upper(line.substr(0, space));
  if (space != std::string_view::npos) c.argument = std::string(line.substr(space + 1));
  return c;
}

std::string recipient_domain(const Command& rcpt) {
  if (!rcpt.is_rcpt_to()) return "";
  std::string_view path = std::string_view(rcpt.argument).substr(3);
  while (!path.empty() && path.front() == ' ')
    path.remove_prefix(1);
  if (!path.empty() && path.front() == '<') {
    path.remove_prefix(1);
    path = path.substr(0, path.find('>'));
  } else {
    path = path.substr(0, path.find(' '));
  }
  auto at = path.rfind('@');
  if (at == std::string_view::npos) return "";
  std::string domain(path.substr(at + 1));
  for (auto& ch : domain)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return domain;
}

std::optional<std::size_t> bdat_size(const Command& bdat) {
  if (bdat.verb != "BDAT") return std::nullopt;
  std::string_view arg = bdat.argument;
  auto end = arg.find(' ');
  std::string_view digits = arg.substr(0, end);
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::size_t n = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return n;
}

int Reply::code() const {
  if (lines.empty() || !has_code(lines.front())) return 0;
  const auto& l = lines.front();
  return (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
}

std::string Reply::text() const {
  std::string out;
  for (const auto& l : lines) {
    out += l;
    out += "\r\n";
  }
  return out;
}

bool is_continuation_line(std::string_view line) {
  return has_code(line) && line.size() >= 4 && line[3] == '-';
}

bool strip_ehlo_keyword(Reply& reply, std::string_view keyword) {
  if (reply.code() != 250 || reply.lines.size() < 2) return false;
  const std::string wanted = upper(keyword);
  auto first_extension = reply.lines.begin() + 1;
  auto removed = std::remove_if(first_extension, reply.lines.end(), [&](const std::string& line) {
    return keyword_of(line) == wanted;
  });
  if (removed == reply.lines.end()) return false;
  reply.lines.erase(removed, reply.lines.end());
  // Re-mark: "ddd-" on every line but the last, "ddd " on the last.
  for (std::size_t i = 0; i < reply.lines.size(); ++i) {
    auto& line = reply.lines[i];
    const char marker = i + 1 < reply.lines.size() ? '-' : ' ';
    if (line.size() == 3) {
      line += marker;
    } else if (line.size() > 3 && (line[3] == '-' || line[3] == ' ')) {
      line[3] = marker;
    }
  }
  return true;
}

bool ehlo_offers(const Reply& reply, std::string_view keyword) {
  if (reply.code() != 250) return false;
  const std::string wanted = upper(keyword);
  for (std::size_t i = 1; i < reply.lines.size(); ++i) {
    if (keyword_of(reply.lines[i]) == wanted) return true;
  }
  return false;
}

std::optional<std::size_t> DataEndScanner::feed(std::string_view chunk) {
  for (std::size_t i = 0; i < chunk.size() && state_ != kDone; ++i) {
    const char c = chunk[i];
    switch (state_) {
      case 2:
        state_ = c == '.' ? 3 : (c == '\r' ? 1 : 0);
        break;
      case 3:
        state_ = c == '\r' ? 4 : 0;
        break;
      case 1:
        state_ = c == '\n' ? 2 : (c == '\r' ? 1 : 0);
        break;
      case 4:
        if (c == '\n') {
          state_ = kDone;
          return i + 1;
        }
        state_ = c == '\r' ? 1 : 0;
        break;
      default:
        state_ = c == '\r' ? 1 : 0;
        break;
    }
  }
  return std::nullopt;
}

}  // namespace stslab::mitm
