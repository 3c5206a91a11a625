#include "connectors/partner_center/token_cache.h"

#include <gtest/gtest.h>

namespace bssflow::connectors::partner_center {
namespace {

using std::chrono::seconds;
const std::chrono::system_clock::time_point kNow{seconds(1'700'000'000)};

TEST(ParseTokenResponseTest, ExpiresInAsString) {
  Result<AccessToken> token = ParseTokenResponse(
      R"({"token_type": "Bearer", "expires_in": "3599", "ext_expires_in": "3599",
          "expires_on": "1700003599", "access_token": "abc", "resource": "r"})",
      kNow, seconds(300));
  ASSERT_TRUE(token.ok()) << token.status().message();
  EXPECT_EQ(token.value().value, "abc");
  EXPECT_EQ(token.value().expires_at, kNow + seconds(3599));
  EXPECT_EQ(token.value().refresh_at, kNow + seconds(3299));
}

TEST(ParseTokenResponseTest, ExpiresInAsNumber) {
  Result<AccessToken> token = ParseTokenResponse(
      R"({"access_token": "abc", "expires_in": 600})", kNow, seconds(300));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token.value().refresh_at, kNow + seconds(300));
}

TEST(ParseTokenResponseTest, ShortLivedTokenIsUsedForHalfItsLife) {
  Result<AccessToken> token = ParseTokenResponse(
      R"({"access_token": "abc", "expires_in": "120"})", kNow, seconds(300));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token.value().refresh_at, kNow + seconds(60));
}

TEST(ParseTokenResponseTest, ALifeOverADayIsADay) {
  // Lives beyond what the clock holds overflowed (found by
  // http_response_fuzzer); no token is kept longer than a day.
  Result<AccessToken> token = ParseTokenResponse(
      R"({"access_token": "abc", "expires_in": "99999999999999"})", kNow,
      seconds(300));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token.value().expires_at, kNow + std::chrono::hours(24));
  EXPECT_EQ(token.value().refresh_at, kNow + std::chrono::hours(24) - seconds(300));
}

TEST(ParseTokenResponseTest, Errors) {
  EXPECT_EQ(ParseTokenResponse("nope", kNow, seconds(300)).status().message(),
            "token response: the body is not a JSON object");
  EXPECT_EQ(ParseTokenResponse(R"({"expires_in": "3599"})", kNow, seconds(300))
                .status()
                .message(),
            "token response: 'access_token' is missing");
  EXPECT_EQ(
      ParseTokenResponse(R"({"access_token": "a", "expires_in": "soon"})",
                         kNow, seconds(300))
          .status()
          .message(),
      "token response: 'expires_in' must be a number of seconds, got \"soon\"");
  EXPECT_EQ(ParseTokenResponse(R"({"access_token": "a"})", kNow, seconds(300))
                .status()
                .message(),
            "token response: 'expires_in' must be a number of seconds, got "
            "nothing");
}

TEST(TokenRequestFormTest, ClientCredentials) {
  PartnerCenterConfig config;
  config.client_id = "app-1";
  config.client_secret = "s&cret=1";
  EXPECT_EQ(TokenRequestForm(config),
            "grant_type=client_credentials&client_id=app-1&client_secret="
            "s%26cret%3D1&resource=https%3A%2F%2Fapi.partnercenter.microsoft."
            "com");
}

TEST(TokenRequestFormTest, RefreshTokenForAppPlusUser) {
  PartnerCenterConfig config;
  config.client_id = "app-1";
  config.refresh_token = "rt-1";
  EXPECT_EQ(TokenRequestForm(config),
            "grant_type=refresh_token&refresh_token=rt-1&client_id=app-1&"
            "resource=https%3A%2F%2Fapi.partnercenter.microsoft.com");
}

}  // namespace
}  // namespace bssflow::connectors::partner_center
