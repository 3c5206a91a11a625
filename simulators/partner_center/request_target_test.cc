#include "simulators/partner_center/request_target.h"

#include <gtest/gtest.h>

namespace bssflow::simulators::partner_center {
namespace {

TEST(RequestTargetTest, SplitsPathSegmentsAndQuery) {
  const RequestTarget target = ParseRequestTarget(
      "/v1/"
      "customers?size=10&Filter=%7B%22Field%22%3A%22Domain%22%7D&seekOperation="
      "Next");
  EXPECT_EQ(target.path, "/v1/customers");
  EXPECT_EQ(target.segments, (std::vector<std::string>{"v1", "customers"}));
  EXPECT_EQ(target.query, (FormFields{{"size", "10"},
                                      {"filter", "{\"Field\":\"Domain\"}"},
                                      {"seekoperation", "Next"}}));
}

TEST(RequestTargetTest, DecodesSegmentsButNotPlusInPaths) {
  const RequestTarget target = ParseRequestTarget("//v1/domains/a%2Bb+c.com/");
  EXPECT_EQ(target.segments,
            (std::vector<std::string>{"v1", "domains", "a+b+c.com"}));
  EXPECT_TRUE(target.query.empty());
}

TEST(RequestTargetTest, FormFieldsDecodePlusAndKeepTheFirstValue) {
  EXPECT_EQ(ParseFormFields("a=two+words&A=second&b&&c=%41%zz%4"),
            (FormFields{{"a", "two words"}, {"b", ""}, {"c", "A%zz%4"}}));
}

TEST(RequestTargetTest, PercentEncodeRoundTrips) {
  const std::string text = "{\"Value\": \"contoso ltd/é\"}";
  EXPECT_EQ(PercentEncode("a b/c"), "a%20b%2Fc");
  EXPECT_EQ(PercentDecode(PercentEncode(text), true), text);
}

TEST(RequestTargetTest, CaseHelpers) {
  EXPECT_TRUE(EqualsIgnoreCase("Contoso.COM", "contoso.com"));
  EXPECT_FALSE(EqualsIgnoreCase("contoso", "contoso.com"));
  EXPECT_TRUE(StartsWithIgnoreCase("contosobikes.onmicrosoft.com", "CONTOSO"));
  EXPECT_FALSE(StartsWithIgnoreCase("con", "contoso"));
  EXPECT_EQ(AsciiLower("MiXeD-1"), "mixed-1");
}

}  // namespace
}  // namespace bssflow::simulators::partner_center
