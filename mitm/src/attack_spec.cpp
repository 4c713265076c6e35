#include <cctype>
#include <stdexcept>

#include "stslab/mitm/attack.hpp"

namespace stslab::mitm {
namespace {

// Splits on blanks; a double-quoted stretch ("250 ok") keeps its blanks and loses its quotes.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false, quoted = false;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;
      in_word = true;
    } else if (!quoted && std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quoted)
    throw std::invalid_argument("attack spec '" + std::string(text) + "': unclosed quote");
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace

AttackSpec AttackSpec::parse(std::string_view text) {
  auto words = words_of(text);
  if (words.empty()) throw std::invalid_argument("empty attack spec");
  AttackSpec spec;
  spec.name = words.front();
  for (std::size_t i = 1; i < words.size(); ++i) {
    const auto& word = words[i];
    auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw std::invalid_argument("attack '" + spec.name + "': parameter '" + word +
                                  "' is not key=value");
    }
    spec.params[word.substr(0, eq)] = word.substr(eq + 1);
  }
  return spec;
}

std::string AttackSpec::to_string() const {
  std::string out = name;
  for (const auto& [k, v] : params) {
    const bool quote = v.find_first_of(" \t") != std::string::npos || v.empty();
    out += " " + k + "=" + (quote ? "\"" + v + "\"" : v);
  }
  return out;
}

nlohmann::json AttackSpec::to_json() const {
  return {{"name", name}, {"params", params}};
}

}  // namespace stslab::mitm
