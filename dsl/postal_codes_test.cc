#include "dsl/postal_codes.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <string_view>

#include "dsl/testing/shipped_data.h"

namespace bssflow::dsl {
namespace {

// Every officially assigned ISO 3166-1 alpha-2 code (Debian iso-codes).
constexpr std::string_view kIsoCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI "
    "BJ BL BM BN "
    "BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV "
    "CW CX CY CZ "
    "DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF "
    "GG GH GI GL "
    "GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR "
    "IS IT JE JM "
    "JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY "
    "MA MC MD ME "
    "MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG "
    "NI NL NO NP "
    "NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
    "SA SB SC SD "
    "SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK "
    "TL TM TN TO "
    "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM "
    "ZW";

class ShippedRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded =
        PostalCodeRules::LoadFile(testing::ShippedPostalCodeRulesPath());
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    rules_ = loaded.value();
  }
  const PostalCodeRules& rules() const { return *rules_; }

  std::shared_ptr<const PostalCodeRules> rules_;
};

TEST_F(ShippedRulesTest, ListsExactlyTheIsoCountries) {
  std::istringstream codes{std::string(kIsoCodes)};
  std::string code;
  size_t count = 0;
  while (codes >> code) {
    ++count;
    const PostalCodeRules::Country* country = rules().Find(code);
    ASSERT_NE(country, nullptr) << code;
    EXPECT_EQ(country->code, code);
    EXPECT_FALSE(country->name.empty()) << code;
  }
  EXPECT_EQ(count, 249u);
  EXPECT_EQ(rules().countries().size(), 249u);
}

TEST_F(ShippedRulesTest, NorwayIsNotReadAsFalse) {
  ASSERT_NE(rules().Find("NO"), nullptr);
  EXPECT_EQ(rules().Find("NO")->name, "Norway");
}

TEST_F(ShippedRulesTest, EveryExampleIsValidAndEveryInvalidCodeIsNot) {
  for (const auto& [code, country] : rules().countries()) {
    if (country.requirement == PostalCodeRules::Requirement::kNone) {
      EXPECT_EQ(country.regex, nullptr) << code;
      EXPECT_TRUE(country.examples.empty()) << code;
      continue;
    }
    ASSERT_NE(country.regex, nullptr) << code;
    EXPECT_FALSE(country.examples.empty()) << code;
    EXPECT_FALSE(country.invalid.empty()) << code;
    for (const std::string& example : country.examples) {
      EXPECT_EQ(rules().IsValid(code, example), true) << code << " " << example;
    }
    for (const std::string& bad : country.invalid) {
      EXPECT_EQ(rules().IsValid(code, bad), false) << code << " " << bad;
    }
  }
}

TEST_F(ShippedRulesTest, PatternsAreAnchored) {
  for (const auto& [code, country] : rules().countries()) {
    if (country.pattern.empty()) continue;
    EXPECT_EQ(country.pattern.front(), '^') << code;
    EXPECT_EQ(country.pattern.back(), '$') << code;
  }
}

TEST_F(ShippedRulesTest, Germany) {
  EXPECT_EQ(rules().Find("DE")->requirement,
            PostalCodeRules::Requirement::kRequired);
  EXPECT_EQ(rules().IsValid("DE", "10115"), true);
  EXPECT_EQ(rules().IsValid("DE", "01067"), true);
  EXPECT_EQ(rules().IsValid("DE", "1011"), false);
  EXPECT_EQ(rules().IsValid("DE", "D-10115"), false);
  EXPECT_EQ(rules().IsValid("DE", " 10115"), false);
  EXPECT_EQ(rules().IsValid("DE", ""), false);
}

TEST_F(ShippedRulesTest, UnitedStates) {
  EXPECT_EQ(rules().IsValid("US", "98052"), true);
  EXPECT_EQ(rules().IsValid("US", "98052-6399"), true);
  EXPECT_EQ(rules().IsValid("US", "98052 6399"), false);
  EXPECT_EQ(rules().IsValid("US", "9805"), false);
}

TEST_F(ShippedRulesTest, UnitedKingdomAcceptsLowerCaseAndNoSpace) {
  EXPECT_EQ(rules().IsValid("GB", "SW1A 1AA"), true);
  EXPECT_EQ(rules().IsValid("GB", "sw1a1aa"), true);
  EXPECT_EQ(rules().IsValid("GB", "GIR 0AA"), true);
  EXPECT_EQ(rules().IsValid("GB", "SW1A 1CA"), false);
  EXPECT_EQ(rules().IsValid("GB", "SW1A"), false);
}

TEST_F(ShippedRulesTest, CanadaAndNetherlands) {
  EXPECT_EQ(rules().IsValid("CA", "K1A 0B1"), true);
  EXPECT_EQ(rules().IsValid("CA", "h3z2y7"), true);
  EXPECT_EQ(rules().IsValid("CA", "D1A 0B1"), false);
  EXPECT_EQ(rules().IsValid("NL", "1012 AB"), true);
  EXPECT_EQ(rules().IsValid("NL", "1012ab"), true);
  EXPECT_EQ(rules().IsValid("NL", "0123 AB"), false);
  EXPECT_EQ(rules().IsValid("NL", "1012-AB"), false);
}

TEST_F(ShippedRulesTest, IrelandIsOptional) {
  EXPECT_EQ(rules().Find("IE")->requirement,
            PostalCodeRules::Requirement::kOptional);
  EXPECT_EQ(rules().IsValid("IE", ""), true);
  EXPECT_EQ(rules().IsValid("IE", "D02 X285"), true);
  EXPECT_EQ(rules().IsValid("IE", "B12 3456"), false);
}

TEST_F(ShippedRulesTest, CountriesWithoutPostalCodesAcceptAnything) {
  EXPECT_EQ(rules().Find("AE")->requirement,
            PostalCodeRules::Requirement::kNone);
  EXPECT_EQ(rules().IsValid("AE", ""), true);
  EXPECT_EQ(rules().IsValid("AE", "12345"), true);
}

TEST_F(ShippedRulesTest,
       CountryCodesAreCaseInsensitiveAndUnknownOnesAreNullopt) {
  EXPECT_EQ(rules().IsValid("de", "10115"), true);
  EXPECT_EQ(rules().IsValid("De", "1011"), false);
  EXPECT_NE(rules().Find("gb"), nullptr);
  EXPECT_EQ(rules().IsValid("XX", "10115"), std::nullopt);
  EXPECT_EQ(rules().IsValid("XK", ""),
            std::nullopt);  // Kosovo is not an ISO code
  EXPECT_EQ(rules().IsValid("", ""), std::nullopt);
  EXPECT_EQ(rules().IsValid("DEU", "10115"), std::nullopt);
  EXPECT_EQ(rules().Find("XX"), nullptr);
}

// ---- Parse: small files and their errors ------------------------------------

std::string ParseError(std::string_view yaml) {
  auto result = PostalCodeRules::Parse(yaml, "rules.yaml");
  return result.ok() ? "loaded" : result.status().message();
}

constexpr std::string_view kHeader = "version: 1\ncountries:\n";

TEST(PostalCodeParseTest, MinimalFileWithEachRequirement) {
  auto result = PostalCodeRules::Parse(
      "version: 1\n"
      "countries:\n"
      "  AE: {name: United Arab Emirates, postal_code: none}\n"
      "  DE:\n"
      "    postal_code: required\n"
      "    regex: '^\\d{5}$'\n"
      "    examples: ['10115']\n"
      "    invalid: ['1011']\n"
      "  IE:\n"
      "    postal_code: optional\n"
      "    regex: '^[A-Z]\\d{2}$'\n"
      "    examples: ['D02']\n"
      "    invalid: ['02']\n",
      "rules.yaml");
  ASSERT_TRUE(result.ok()) << result.status().message();
  const PostalCodeRules& rules = *result.value();
  EXPECT_EQ(rules.countries().size(), 3u);
  EXPECT_EQ(rules.Find("AE")->name, "United Arab Emirates");
  EXPECT_EQ(rules.Find("DE")->name, "DE");  // the code when there is no name
  EXPECT_EQ(rules.Find("DE")->pattern, "^\\d{5}$");
  EXPECT_EQ(rules.Find("DE")->examples, std::vector<std::string>{"10115"});
  // Empty code: required -> invalid, optional and none -> valid.
  EXPECT_EQ(rules.IsValid("DE", ""), false);
  EXPECT_EQ(rules.IsValid("IE", ""), true);
  EXPECT_EQ(rules.IsValid("AE", ""), true);
  // A code must match as given: no trimming.
  EXPECT_EQ(rules.IsValid("IE", "D02"), true);
  EXPECT_EQ(rules.IsValid("IE", "D02 "), false);
}

TEST(PostalCodeParseTest, UnanchoredPatternsStillMatchTheWholeCode) {
  auto result = PostalCodeRules::Parse(
      std::string(kHeader) +
          "  DE: {postal_code: required, regex: '\\d{5}', "
          "examples: ['10115'], invalid: ['x10115']}\n",
      "rules.yaml");
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result.value()->IsValid("DE", "10115"), true);
  EXPECT_EQ(result.value()->IsValid("DE", "x10115"), false);
  EXPECT_EQ(result.value()->IsValid("DE", "101150"), false);
}

TEST(PostalCodeParseTest, BadRequirement) {
  EXPECT_EQ(
      ParseError(std::string(kHeader) + "  DE:\n    postal_code: sometimes\n"),
      "rules.yaml:3: country DE: postal_code must be required, optional or "
      "none, "
      "got 'sometimes'");
  EXPECT_EQ(ParseError(std::string(kHeader) + "  DE:\n    name: Germany\n"),
            "rules.yaml:3: country DE: postal_code must be required, optional "
            "or none, "
            "got ''");
}

TEST(PostalCodeParseTest, RegexPresenceMustFitTheRequirement) {
  EXPECT_EQ(
      ParseError(std::string(kHeader) + "  DE:\n    postal_code: required\n"),
      "rules.yaml:3: country DE: postal_code is required but there is no "
      "regex");
  EXPECT_EQ(
      ParseError(std::string(kHeader) + "  DE:\n    postal_code: optional\n"),
      "rules.yaml:3: country DE: postal_code is optional but there is no "
      "regex");
  EXPECT_EQ(ParseError(std::string(kHeader) +
                       "  AE:\n    postal_code: none\n    regex: 'x'\n"),
            "rules.yaml:3: country AE: postal_code is none, so there must be "
            "no regex");
}

TEST(PostalCodeParseTest, RegexThatRe2Rejects) {
  EXPECT_EQ(
      ParseError(std::string(kHeader) +
                 "  DE:\n    postal_code: required\n    regex: '^(\\d{5}$'\n"),
      "rules.yaml:3: country DE: regex '^(\\d{5}$' is invalid: missing ): "
      "^(\\d{5}$");
  // Lookarounds are Perl, not RE2.
  EXPECT_EQ(
      ParseError(
          std::string(kHeader) +
          "  DE:\n    postal_code: required\n    regex: '^(?=1)\\d{5}$'\n"),
      "rules.yaml:3: country DE: regex '^(?=1)\\d{5}$' is invalid: invalid "
      "perl "
      "operator: (?=");
}

TEST(PostalCodeParseTest, ExamplesAndInvalidCodesAreChecked) {
  std::string de = std::string(kHeader) + "  AE: {postal_code: none}\n" +
                   "  DE:\n    postal_code: required\n    regex: '^\\d{5}$'\n";
  EXPECT_EQ(ParseError(de + "    examples: ['10115']\n"),
            "rules.yaml:4: country DE: a regex needs at least one code under "
            "'examples' "
            "and one under 'invalid'");
  EXPECT_EQ(ParseError(de + "    invalid: ['1234']\n"),
            "rules.yaml:4: country DE: a regex needs at least one code under "
            "'examples' "
            "and one under 'invalid'");
  EXPECT_EQ(
      ParseError(de + "    examples: ['10115', '1234']\n    invalid: ['1']\n"),
      "rules.yaml:4: country DE: example '1234' does not match the regex");
  EXPECT_EQ(
      ParseError(de +
                 "    examples: ['10115']\n    invalid: ['1234', '12345']\n"),
      "rules.yaml:4: country DE: invalid code '12345' matches the regex");
  EXPECT_EQ(ParseError(de + "    examples: ['10115']\n    invalid: ['1234']\n"),
            "loaded");
}

TEST(PostalCodeParseTest, KeysMustBeUpperCaseAlpha2) {
  EXPECT_EQ(ParseError(std::string(kHeader) + "  de: {postal_code: none}\n"),
            "rules.yaml:3: country de: key must be an upper-case ISO 3166-1 "
            "alpha-2 code");
  EXPECT_EQ(ParseError(std::string(kHeader) + "  DEU: {postal_code: none}\n"),
            "rules.yaml:3: country DEU: key must be an upper-case ISO 3166-1 "
            "alpha-2 code");
}

TEST(PostalCodeParseTest, VersionAndCountriesAreRequired) {
  EXPECT_EQ(ParseError("countries:\n  DE: {postal_code: none}\n"),
            "rules.yaml: expected 'version: 1'");
  EXPECT_EQ(ParseError("version: 2\ncountries: {}\n"),
            "rules.yaml: expected 'version: 1'");
  EXPECT_EQ(ParseError(""), "rules.yaml: expected 'version: 1'");
  EXPECT_EQ(ParseError("version: 1\n"),
            "rules.yaml: expected a 'countries' map");
  EXPECT_EQ(ParseError("version: 1\ncountries: [1]\n"),
            "rules.yaml: expected a 'countries' map");
  EXPECT_EQ(ParseError("version: 1\ncountries: {}\n"), "loaded");
}

TEST(PostalCodeParseTest, YamlSyntaxErrorsNameLineAndColumn) {
  EXPECT_EQ(ParseError(std::string(kHeader) + "  DE: [\n"),
            "rules.yaml:4:1: end of sequence flow not found");
  EXPECT_EQ(ParseError(std::string(kHeader) +
                       "  DE:\n    postal_code: required\n   regex: 'x'\n"),
            "rules.yaml:5:4: end of map not found");
}

TEST(PostalCodeParseTest, UnreadableFileSaysHowToFixIt) {
  auto result = PostalCodeRules::LoadFile("/nonexistent/postal_codes.yaml");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(
      result.status().message(),
      "postal code rules '/nonexistent/postal_codes.yaml': cannot read the "
      "file: No such file or directory; set BSSFLOW_DATA_DIR to the "
      "directory that holds postal_codes.yaml");
}

}  // namespace
}  // namespace bssflow::dsl

namespace bssflow::dsl {
namespace {

// Regression: wrongly typed fields gave yaml-cpp's "bad conversion" without
// the country, and a country listed twice was silently ignored.
TEST(PostalCodeParseTest, WronglyTypedFieldsNameTheCountryAndField) {
  EXPECT_EQ(ParseError(std::string(kHeader) + "  DE:\n    postal_code: [a]\n"),
            "rules.yaml:3: country DE: 'postal_code' must be a single value");
  EXPECT_EQ(ParseError(std::string(kHeader) + "  DE: 5\n"),
            "rules.yaml:3: country DE: expected the fields name, postal_code, "
            "regex, ...");
  EXPECT_EQ(
      ParseError(std::string(kHeader) +
                 "  DE:\n    postal_code: required\n    regex: '^\\d{5}$'\n"
                 "    examples: '10117'\n    invalid: ['1']\n"),
      "rules.yaml:3: country DE: 'examples' must be a list of codes, e.g. "
      "['10117']");
  EXPECT_EQ(
      ParseError(std::string(kHeader) +
                 "  DE:\n    postal_code: required\n    regex: '^\\d{5}$'\n"
                 "    examples: [[1]]\n    invalid: ['1']\n"),
      "rules.yaml:3: country DE: 'examples' must hold codes only");
  EXPECT_EQ(ParseError("version: x\ncountries: {}\n"),
            "rules.yaml: expected 'version: 1'");
  EXPECT_EQ(
      ParseError(std::string(kHeader) +
                 "  AE: {postal_code: none}\n  AE: {postal_code: none}\n"),
      "rules.yaml:4: country AE is listed twice");
}

}  // namespace
}  // namespace bssflow::dsl
