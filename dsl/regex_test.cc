#include "dsl/regex.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>

namespace bssflow::dsl {
namespace {

std::shared_ptr<const Regex> MustCompile(const std::string& pattern) {
  auto compiled = Regex::Compile(pattern);
  EXPECT_TRUE(compiled.ok()) << pattern << ": " << compiled.status().message();
  return compiled.ok() ? compiled.value() : nullptr;
}

TEST(RegexTest, InvalidPatternsReportRe2Errors) {
  auto compiled = Regex::Compile("a(b");
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.status().message(), "missing ): a(b");
  EXPECT_FALSE(Regex::Compile("a{2,1}").ok());
  EXPECT_FALSE(Regex::Compile("(?<=a)b").ok());
}

TEST(RegexTest, SubsetPatternsGetADfa) {
  for (const char* pattern :
       {"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$",
        "^\\d{5}(-\\d{4})?$", "ubb", "gr(a|e)y", "ba(na)*",
        "^\\+?[0-9 ()./-]{7,20}$", "[^a-c]x", "a.c", "(?:ab|cd)+?e",
        "\\w+\\s\\S"}) {
    EXPECT_TRUE(MustCompile(pattern)->has_dfa()) << pattern;
  }
}

TEST(RegexTest, OtherPatternsFallBackToRe2) {
  for (const char* pattern :
       {"(?i)abc", "\\bword\\b", "^a|b$", "a$|b", "[[:alpha:]]+", "\\pL", "é+",
        "x{1,100}", "a^b", "(?P<n>x)"}) {
    auto regex = MustCompile(pattern);
    ASSERT_NE(regex, nullptr);
    EXPECT_FALSE(regex->has_dfa()) << pattern;
  }
}

TEST(RegexTest, NonAsciiTextUsesRe2Semantics) {
  auto dot = MustCompile("^a.c$");
  EXPECT_TRUE(dot->PartialMatch("abc"));
  EXPECT_TRUE(
      dot->PartialMatch("a\xc3\xa9"
                        "c"));  // one code point, two bytes
  auto negated = MustCompile("^[^x]$");
  EXPECT_TRUE(negated->PartialMatch("\xf0\x9f\x98\x80"));
}

// The DFA must agree with RE2 everywhere: many patterns, many texts drawn
// from the characters the patterns mention plus a few others.
TEST(RegexTest, DfaAgreesWithRe2) {
  const std::vector<std::string> patterns = {
      "^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$",
      "^\\d{5}(-\\d{4})?$",
      "ubb",
      "gr(a|e)y",
      "ba(na)*",
      "^\\+?[0-9 ()./-]{7,20}$",
      "[^a-c]x",
      "a.c",
      "(?:ab|cd)+?e",
      "\\w+\\s\\S",
      "^$",
      "",
      "a*",
      "^(a|b)*c$",
      "x{2,3}$",
      "^x{0,2}y",
      "(a|)b",
      "[a-]z",
      "[-a]z",
      "\\.\\*",
      "\\D\\W",
      "^[A-Z]{2}\\d{2} ?\\d{4}$",
      "a|b|c",
      "(a*)*b",
      "[\\d.]+",
      "\\t|\\n"};
  const std::string alphabet = "abcexyzAZ09.@-+ ()/\n\t_%*";
  std::mt19937 random(20261123);
  for (const std::string& pattern : patterns) {
    auto regex = MustCompile(pattern);
    ASSERT_NE(regex, nullptr);
    for (int i = 0; i < 400; ++i) {
      std::string text;
      size_t length = random() % 12;
      for (size_t k = 0; k < length; ++k)
        text.push_back(alphabet[random() % alphabet.size()]);
      EXPECT_EQ(regex->PartialMatch(text), regex->PartialMatchWithRe2(text))
          << "pattern " << pattern << " text '" << text << "'";
    }
  }
}

TEST(RegexTest, KnownAnswers) {
  EXPECT_TRUE(MustCompile("ubb")->PartialMatch("hubba"));
  EXPECT_FALSE(MustCompile("foo|bar")->PartialMatch(""));
  EXPECT_TRUE(MustCompile("^\\d{5}(-\\d{4})?$")->PartialMatch("98052-6399"));
  EXPECT_FALSE(MustCompile("^\\d{5}(-\\d{4})?$")->PartialMatch("98052 6399"));
  EXPECT_FALSE(MustCompile("^\\d{5}$")->PartialMatch("12345\n"));
}

}  // namespace
}  // namespace bssflow::dsl
