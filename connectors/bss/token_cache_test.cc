#include "connectors/bss/token_cache.h"

#include <gtest/gtest.h>

namespace bssflow::connectors::bss {
namespace {

using std::chrono::seconds;
const auto kNow = std::chrono::system_clock::time_point(seconds(1714564800));

TEST(ParseTokenResponse, RefreshesMarginBeforeExpiry) {
  Result<AccessToken> token = ParseTokenResponse(
      R"({"access_token":"bss-1","token_type":"bearer","expires_in":3600})",
      kNow, seconds(60));
  ASSERT_TRUE(token.ok()) << token.status().message();
  EXPECT_EQ(token.value().value, "bss-1");
  EXPECT_EQ(token.value().expires_at, kNow + seconds(3600));
  EXPECT_EQ(token.value().refresh_at, kNow + seconds(3540));
}

TEST(ParseTokenResponse, ShortLivedTokenIsUsedForHalfItsLife) {
  Result<AccessToken> token = ParseTokenResponse(
      R"({"access_token":"bss-1","expires_in":100})", kNow, seconds(300));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token.value().refresh_at, kNow + seconds(50));
}

TEST(ParseTokenResponse, ALifeOverADayIsADay) {
  Result<AccessToken> token = ParseTokenResponse(
      R"({"access_token":"bss-1","expires_in":99999999999999})", kNow,
      seconds(60));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token.value().expires_at, kNow + std::chrono::hours(24));
}

TEST(ParseTokenResponse, ErrorsNameTheMember) {
  EXPECT_EQ(ParseTokenResponse("nope", kNow, seconds(1)).status().message(),
            "token response: the body is not a JSON object");
  EXPECT_EQ(ParseTokenResponse(R"({"expires_in":1})", kNow, seconds(1))
                .status()
                .message(),
            "token response: 'access_token' is missing");
  EXPECT_EQ(ParseTokenResponse(R"({"access_token":"secret-x","expires_in":"1"})",
                               kNow, seconds(1))
                .status()
                .message(),
            "token response: 'expires_in' must be a number of seconds, got "
            "\"1\"");
}

}  // namespace
}  // namespace bssflow::connectors::bss
