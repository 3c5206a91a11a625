#include "connectors/partner_center/error_mapping.h"

#include <gtest/gtest.h>

namespace bssflow::connectors::partner_center {
namespace {

using std::chrono::milliseconds;
const std::chrono::system_clock::time_point kNow{};

TEST(ErrorMappingTest, PartnerCenterBodyGivesCodeAndDescription) {
  engine::ActionError error = ErrorFromResponse(
      400,
      R"({"code": 600051, "description": "Phone number is required.",
          "data": [], "source": "PartnerFD"})",
      "", "create customer", kNow);
  EXPECT_EQ(error.kind, "invalid");
  EXPECT_EQ(error.code, "600051");
  EXPECT_EQ(error.message, "Phone number is required.");
  EXPECT_FALSE(error.retry_after.has_value());
}

TEST(ErrorMappingTest, ThrottlingBodyAndRetryAfter) {
  engine::ActionError error = ErrorFromResponse(
      429,
      R"({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 57 seconds."})",
      "57", "get customer", kNow);
  EXPECT_EQ(error.kind, "throttled");
  EXPECT_EQ(error.code, "429");
  EXPECT_EQ(error.message, "Rate limit is exceeded. Try again in 57 seconds.");
  EXPECT_EQ(error.retry_after, milliseconds(57'000));
}

TEST(ErrorMappingTest, ThrottlingWithoutRetryAfterHasNoDelay) {
  engine::ActionError error = ErrorFromResponse(429, "", "", "x", kNow);
  EXPECT_EQ(error.kind, "throttled");
  EXPECT_FALSE(error.retry_after.has_value());
}

TEST(ErrorMappingTest, RetryAfterIgnoredOnOtherStatuses) {
  engine::ActionError error = ErrorFromResponse(503, "", "5", "x", kNow);
  EXPECT_FALSE(error.retry_after.has_value());
}

TEST(ErrorMappingTest, BodyWithoutCodeUsesStatusAndWhat) {
  engine::ActionError error =
      ErrorFromResponse(502, "<html>bad gateway</html>", "", "get customer c1",
                        kNow);
  EXPECT_EQ(error.kind, "retryable");
  EXPECT_EQ(error.code, "502");
  EXPECT_EQ(error.message, "get customer c1: HTTP 502");
}

TEST(ErrorMappingTest, KindsOfStatuses) {
  EXPECT_EQ(ErrorKindOfStatus(400), "invalid");
  EXPECT_EQ(ErrorKindOfStatus(401), "auth");
  EXPECT_EQ(ErrorKindOfStatus(403), "auth");
  EXPECT_EQ(ErrorKindOfStatus(404), "not_found");
  EXPECT_EQ(ErrorKindOfStatus(408), "timeout");
  EXPECT_EQ(ErrorKindOfStatus(409), "conflict");
  EXPECT_EQ(ErrorKindOfStatus(412), "conflict");
  EXPECT_EQ(ErrorKindOfStatus(429), "throttled");
  for (unsigned status : {500u, 502u, 503u, 504u})
    EXPECT_EQ(ErrorKindOfStatus(status), "retryable") << status;
  EXPECT_EQ(ErrorKindOfStatus(501), "fatal");
  EXPECT_EQ(ErrorKindOfStatus(418), "fatal");
}

TEST(ErrorMappingTest, TokenEndpointErrorsAreAuth) {
  engine::ActionError error = ErrorFromTokenResponse(
      401,
      R"({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided.", "error_codes": [7000215]})",
      "", kNow);
  EXPECT_EQ(error.kind, "auth");
  EXPECT_EQ(error.code, "invalid_client");
  EXPECT_EQ(error.message,
            "token request: AADSTS7000215: Invalid client secret provided.");
}

TEST(ErrorMappingTest, TransportTimeoutAndOtherFailures) {
  engine::ActionError timeout = ErrorFromTransport(Status::Error(
      "POST http://127.0.0.1:1/v1/customers: no response within the read "
      "timeout of 500 ms"));
  EXPECT_EQ(timeout.kind, "timeout");
  EXPECT_EQ(timeout.message,
            "POST http://127.0.0.1:1/v1/customers: no response within the "
            "read timeout of 500 ms");
  engine::ActionError refused = ErrorFromTransport(Status::Error(
      "GET http://127.0.0.1:1/v1/customers: connection refused"));
  EXPECT_EQ(refused.kind, "retryable");
  EXPECT_EQ(refused.code, "");
}

}  // namespace
}  // namespace bssflow::connectors::partner_center
