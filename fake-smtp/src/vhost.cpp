#include "stslab/smtp/vhost.hpp"

#include <stdexcept>

namespace stslab::smtp {

std::string_view to_string(Stage s) {
  switch (s) {
    case Stage::banner:
      return "banner";
    case Stage::ehlo:
      return "ehlo";
    case Stage::starttls:
      return "starttls";
    case Stage::mail:
      return "mail";
    case Stage::rcpt:
      return "rcpt";
    case Stage::data:
      return "data";
    case Stage::end_of_data:
      return "end_of_data";
  }
  return "unknown";
}

Stage parse_stage(std::string_view name) {
  std::string n(name);
  for (char& c : n) {
    if (c == '-') c = '_';
  }
  for (Stage s : {Stage::banner, Stage::ehlo, Stage::starttls, Stage::mail, Stage::rcpt,
                  Stage::data, Stage::end_of_data}) {
    if (n == to_string(s)) return s;
  }
  throw std::invalid_argument("unknown SMTP stage '" + std::string(name) +
                              "' (known: banner, ehlo, starttls, mail, rcpt, data, end_of_data)");
}

}  // namespace stslab::smtp
