#include "stslab/tlsrpt/strict_json.hpp"

#include <gtest/gtest.h>

#include "stslab/tlsrpt/input_error.hpp"

namespace stslab::tlsrpt {
namespace {

// The error of parse_strict_json, or "" if it parsed.
std::pair<std::optional<InputErrorKind>, std::string> error_of(std::string_view text) {
  try {
    parse_strict_json(text);
  } catch (const InputError& e) {
    return {e.kind(), e.what()};
  }
  return {std::nullopt, ""};
}

TEST(StrictJson, ParsesAnOrdinaryText) {
  const auto j = parse_strict_json(R"({"a": [1, {"b": "ü"}], "c": {"a": 2}})");
  EXPECT_EQ(j["a"][1]["b"], "ü");
  EXPECT_EQ(j["c"]["a"], 2);
}

TEST(StrictJson, DuplicateAtTopLevel) {
  const auto [kind, message] = error_of(R"({"a": 1, "b": 2, "a": 3})");
  EXPECT_EQ(kind, InputErrorKind::duplicate_member);
  EXPECT_NE(message.find("at /a "), std::string::npos) << message;
}

TEST(StrictJson, DuplicateDeepInsideAnArrayNamesThePointer) {
  const auto [kind, message] =
      error_of(R"({"policies": [{"x": 1}, {"summary": {"n": 1, "m": 2, "n": 3}}]})");
  EXPECT_EQ(kind, InputErrorKind::duplicate_member);
  EXPECT_NE(message.find("/policies/1/summary/n"), std::string::npos) << message;
}

TEST(StrictJson, SameNameInSiblingObjectsIsFine) {
  EXPECT_FALSE(error_of(R"([{"a": 1}, {"a": 2}, {"a": {"a": 3}}])").first);
}

TEST(StrictJson, PointerEscapesSlashAndTilde) {
  const auto [kind, message] = error_of(R"({"a/b~": 1, "a/b~": 2})");
  EXPECT_NE(message.find("/a~1b~0"), std::string::npos) << message;
}

TEST(StrictJson, InvalidUtf8IsAnError) {
  for (const std::string& bad : {std::string("{\"a\": \"\xff\"}"),
                                 std::string("{\"a\": \"\xc0\xaf\"}"),      // overlong "/"
                                 std::string("{\"a\": \"\xed\xa0\x80\"}"),  // UTF-16 surrogate
                                 std::string("{\"a\": \"\xe2\x82\"}")}) {   // cut short
    EXPECT_EQ(error_of(bad).first, InputErrorKind::invalid_utf8) << bad;
  }
}

TEST(StrictJson, FindInvalidUtf8GivesTheOffset) {
  EXPECT_EQ(find_invalid_utf8("ab\xf5xy"), 2u);
  EXPECT_EQ(find_invalid_utf8("\xf0\x9f\x98\x80 ok"), std::nullopt);
}

TEST(StrictJson, LoneSurrogateEscapeIsNotJson) {
  EXPECT_EQ(error_of(R"({"a": "\ud800"})").first, InputErrorKind::not_json);
}

TEST(StrictJson, SyntaxErrorNamesLineAndColumn) {
  const auto [kind, message] = error_of("{\n  \"a\": 1,\n}");
  EXPECT_EQ(kind, InputErrorKind::not_json);
  EXPECT_NE(message.find("line 3"), std::string::npos) << message;
}

TEST(StrictJson, NotJsonAtAll) {
  EXPECT_EQ(error_of("hello").first, InputErrorKind::not_json);
}

// Found by fuzz_tlsrpt_analyze: a valid UTF-8 text whose syntax error falls on a two-byte
// character. nlohmann's message quotes the bytes it read ("last read: '\xde'"), only the lead
// byte, so the message was invalid UTF-8 and the analysis it went into could not be dumped.
TEST(StrictJson, TheErrorQuotingACutCharacterIsValidUtf8) {
  const auto [kind, message] = error_of("{\"organization-name\": \xde\xb5oogle\"}");
  EXPECT_EQ(kind, InputErrorKind::not_json);
  EXPECT_EQ(find_invalid_utf8(message), std::nullopt) << message;
  EXPECT_NO_THROW((void)nlohmann::json(message).dump());
}

}  // namespace
}  // namespace stslab::tlsrpt
