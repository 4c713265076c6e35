#include "stslab/sender/smtp_reply.hpp"

namespace stslab::sender {
namespace {

// A hostile server must not make us buffer forever.
constexpr std::size_t kMaxReplyLines = 200;
constexpr std::size_t kMaxReplyBytes = 64 * 1024;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

}  // namespace

std::string SmtpReply::summary() const {
  std::string out = std::to_string(code);
  if (!lines.empty() && !lines.front().empty()) out += " " + lines.front();
  return out;
}

ReplyStatus take_reply(std::string& buffer, SmtpReply& out) {
  SmtpReply reply;
  std::size_t pos = 0;
  while (true) {
    const std::size_t lf = buffer.find('\n', pos);
    if (lf == std::string::npos) {
      return buffer.size() > kMaxReplyBytes ? ReplyStatus::malformed : ReplyStatus::incomplete;
    }
    std::string_view line(buffer.data() + pos, lf - pos);
    if (line.ends_with('\r')) line.remove_suffix(1);
    pos = lf + 1;
    if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) {
      return ReplyStatus::malformed;
    }
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (reply.lines.empty()) {
      reply.code = code;
    } else if (code != reply.code) {
      return ReplyStatus::malformed;
    }
    const char sep = line.size() > 3 ? line[3] : ' ';
    if (sep != ' ' && sep != '-') return ReplyStatus::malformed;
    reply.lines.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view());
    if (sep == ' ') break;
    if (reply.lines.size() > kMaxReplyLines || pos > kMaxReplyBytes) return ReplyStatus::malformed;
  }
  buffer.erase(0, pos);
  out = std::move(reply);
  return ReplyStatus::complete;
}

bool ehlo_offers(const SmtpReply& ehlo, std::string_view keyword) {
  // The first line is the greeting, not an extension.
  for (std::size_t i = 1; i < ehlo.lines.size(); ++i) {
    std::string_view line = ehlo.lines[i];
    const std::string_view word = line.substr(0, line.find(' '));
    if (word.size() != keyword.size()) continue;
    bool same = true;
    for (std::size_t k = 0; k < word.size() && same; ++k)
      same = lower(word[k]) == lower(keyword[k]);
    if (same) return true;
  }
  return false;
}

void forget_plaintext_after_starttls(std::string& pending, const DefectSet& defects) {
  if (!defects.has(Defect::keep_injected_plaintext)) pending.clear();
}

std::string data_payload(std::string_view message) {
  std::string out;
  out.reserve(message.size() + message.size() / 50 + 8);
  bool line_start = true;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const char c = message[i];
    if (c == '\r' && i + 1 < message.size() && message[i + 1] == '\n') continue;  // CRLF -> LF
    if (c == '\n' || c == '\r') {
      out += "\r\n";
      line_start = true;
      continue;
    }
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = false;
  }
  if (!line_start) out += "\r\n";
  out += ".\r\n";
  return out;
}

}  // namespace stslab::sender
