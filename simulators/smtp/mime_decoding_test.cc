#include "simulators/smtp/mime_decoding.h"

#include <gtest/gtest.h>

namespace bssflow::simulators::smtp {
namespace {

TEST(DecodeBase64Test, DecodesWithPadding) {
  EXPECT_EQ(DecodeBase64("AHVzZXIAcGFzcw=="), std::string("\0user\0pass", 10));
  EXPECT_EQ(DecodeBase64("R3LDvMOfZQ=="),
            "Gr\xC3\xBC\xC3\x9F"
            "e");
  EXPECT_EQ(DecodeBase64("YWJj"), "abc");
  EXPECT_EQ(DecodeBase64("YWI="), "ab");
  EXPECT_EQ(DecodeBase64(""), "");
}

TEST(DecodeBase64Test, RefusesMalformedText) {
  EXPECT_EQ(DecodeBase64("YWJ"), std::nullopt);
  EXPECT_EQ(DecodeBase64("YW=j"), std::nullopt);
  EXPECT_EQ(DecodeBase64("Y!Jj"), std::nullopt);
  EXPECT_EQ(DecodeBase64("YQ==YWJj"), std::nullopt);
}

TEST(DecodeQuotedPrintableTest, UndoesEscapesAndSoftBreaks) {
  EXPECT_EQ(DecodeQuotedPrintable("Gr=C3=BC=c3=9Fe=3D1"),
            "Gr\xC3\xBC\xC3\x9F"
            "e=1");
  EXPECT_EQ(DecodeQuotedPrintable("long=\r\nline=20\r\nnext"),
            "longline \r\nnext");
  EXPECT_EQ(DecodeQuotedPrintable("a=\nb"), "ab");
  EXPECT_EQ(DecodeQuotedPrintable("a=zz"), "a=zz");
  EXPECT_EQ(DecodeQuotedPrintable("end="), "end=");
}

TEST(DecodeHeaderValueTest, DecodesEncodedWords) {
  EXPECT_EQ(DecodeHeaderValue("=?UTF-8?B?R3LDvMOfZQ==?="),
            "Gr\xC3\xBC\xC3\x9F"
            "e");
  EXPECT_EQ(DecodeHeaderValue("=?utf-8?q?caf=C3=A9_au_lait?="),
            "caf\xC3\xA9 au lait");
  EXPECT_EQ(DecodeHeaderValue("Hi =?UTF-8?B?w6k=?= there"),
            "Hi \xC3\xA9 there");
}

TEST(DecodeHeaderValueTest, JoinsAdjacentWordsAndUnfolds) {
  EXPECT_EQ(DecodeHeaderValue("=?UTF-8?B?w6nDqQ==?=\r\n =?UTF-8?B?w6k=?="),
            "\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_EQ(DecodeHeaderValue("plain\r\n folded"), "plain folded");
}

TEST(DecodeHeaderValueTest, KeepsMalformedWords) {
  EXPECT_EQ(DecodeHeaderValue("=?UTF-8?X?abc?="), "=?UTF-8?X?abc?=");
  EXPECT_EQ(DecodeHeaderValue("=?UTF-8?B?!!?="), "=?UTF-8?B?!!?=");
  EXPECT_EQ(DecodeHeaderValue("=? not a word"), "=? not a word");
}

}  // namespace
}  // namespace bssflow::simulators::smtp
