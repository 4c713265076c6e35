#include "text_escape.hpp"

#include <gtest/gtest.h>

namespace stslab::harness::text {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(ValidUtf8, KeepsWellFormedText) {
  const std::string s = "ascii, \xC3\xA9, \xE2\x82\xAC, \xF0\x9F\x93\xAE, \xF4\x8F\xBF\xBF";
  EXPECT_EQ(valid_utf8(s), s);
}

TEST(ValidUtf8, ReplacesEachMaximalSubpartOnce) {
  EXPECT_EQ(valid_utf8("a\xFF"
                       "b"),
            "a" + kFffd + "b");
  EXPECT_EQ(valid_utf8("\xC3("), kFffd + "(");                   // truncated 2-byte sequence
  EXPECT_EQ(valid_utf8("\xE2\x82"), kFffd);                      // truncated at the end
  EXPECT_EQ(valid_utf8("\xF0\x9F\x93"), kFffd);                  // one subpart, one U+FFFD
  EXPECT_EQ(valid_utf8("\xC0\xAF"), kFffd + kFffd);              // overlong: two bad bytes
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // UTF-16 surrogate
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);  // > U+10FFFF
  EXPECT_EQ(valid_utf8("\x80"), kFffd);                                      // lone trailer
}

TEST(ValidUtf8, CleansStringsAndKeysInsideJson) {
  const nlohmann::json dirty = {{"k\xFF", {"v\xC3", 1, nullptr, {{"x", "\xE2"}}}}};
  const nlohmann::json clean = valid_utf8_json(dirty);
  EXPECT_NO_THROW((void)clean.dump());
  EXPECT_EQ(clean, nlohmann::json({{"k" + kFffd, {"v" + kFffd, 1, nullptr, {{"x", kFffd}}}}}));
}

TEST(XmlEscape, EscapesMarkupAndShowsForbiddenCharacters) {
  EXPECT_EQ(xml_text("a<b>&c\"'"), "a&lt;b&gt;&amp;c\"'");
  EXPECT_EQ(xml_text("x\x01y\x1F\tz\n\r"), "x\\x01y\\x1F\tz\n&#13;");
  EXPECT_EQ(xml_text("\xEF\xBF\xBE\xEF\xBF\xBF"), "\\uFFFE\\uFFFF");
  EXPECT_EQ(xml_text("]]>"), "]]&gt;");
  EXPECT_EQ(xml_attr("\"'\t\n\r<"), "&quot;&apos;&#9;&#10;&#13;&lt;");
  EXPECT_EQ(xml_text("bad\xFF"), "bad" + kFffd);
}

TEST(MarkdownCell, OneLineWithPunctuationEscaped) {
  EXPECT_EQ(markdown_cell("a|b\nc\r\nd\te"), "a\\|b c  d e");
  EXPECT_EQ(markdown_cell("*x* _y_ `z` [l](u) <b> & ~s~ \\"),
            "\\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\<b\\> \\& \\~s\\~ \\\\");
  EXPECT_EQ(markdown_cell("c\x01\x7F"
                          "d\xFF"),
            "c" + kFffd + kFffd + "d" + kFffd);
}

TEST(MarkdownCell, CutsAtMaxCharactersCountingCodePoints) {
  EXPECT_EQ(markdown_cell("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3), "\xC3\xA9\xC3\xA9\xC3\xA9…");
  EXPECT_EQ(markdown_cell("abc", 3), "abc");
}

}  // namespace
}  // namespace stslab::harness::text
