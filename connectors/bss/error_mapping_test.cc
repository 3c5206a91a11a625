#include "connectors/bss/error_mapping.h"

#include <gtest/gtest.h>

namespace bssflow::connectors::bss {
namespace {

using std::chrono::milliseconds;
const auto kNow = std::chrono::system_clock::time_point(std::chrono::seconds(
    1714564800));  // 2024-05-01T12:00:00Z

TEST(ErrorKindOfStatus, MapsTheContractStatuses) {
  EXPECT_EQ(ErrorKindOfStatus(400), "invalid");
  EXPECT_EQ(ErrorKindOfStatus(422), "invalid");
  EXPECT_EQ(ErrorKindOfStatus(401), "auth");
  EXPECT_EQ(ErrorKindOfStatus(403), "auth");
  EXPECT_EQ(ErrorKindOfStatus(404), "not_found");
  EXPECT_EQ(ErrorKindOfStatus(409), "conflict");
  EXPECT_EQ(ErrorKindOfStatus(429), "throttled");
  EXPECT_EQ(ErrorKindOfStatus(500), "retryable");
  EXPECT_EQ(ErrorKindOfStatus(503), "retryable");
  EXPECT_EQ(ErrorKindOfStatus(599), "retryable");
  EXPECT_EQ(ErrorKindOfStatus(405), "fatal");
  EXPECT_EQ(ErrorKindOfStatus(302), "fatal");
}

TEST(ProblemSlug, StripsTheBssPrefix) {
  EXPECT_EQ(ProblemSlug("urn:bss:problem:account-not-found"),
            "account-not-found");
  EXPECT_EQ(ProblemSlug("https://example/x"), "https://example/x");
  EXPECT_EQ(ProblemSlug("about:blank"), "");
  EXPECT_EQ(ProblemSlug(""), "");
}

TEST(ErrorFromResponse, NotFoundProblem) {
  engine::ActionError error = ErrorFromResponse(
      404,
      R"({"type":"urn:bss:problem:account-not-found","title":"Account not found",)"
      R"("status":404,"detail":"No account has the ID 9999.","instance":"/api/Accounts/9999"})",
      "", "GET account 9999", kNow);
  EXPECT_EQ(error.kind, "not_found");
  EXPECT_EQ(error.code, "account-not-found");
  EXPECT_EQ(error.message, "No account has the ID 9999.");
  EXPECT_FALSE(error.retry_after.has_value());
}

TEST(ErrorFromResponse, TitleWhenNoDetail) {
  engine::ActionError error = ErrorFromResponse(
      409, R"({"type":"urn:bss:problem:customer-code-shared","title":"Shared"})",
      "", "PUT", kNow);
  EXPECT_EQ(error.kind, "conflict");
  EXPECT_EQ(error.code, "customer-code-shared");
  EXPECT_EQ(error.message, "Shared");
}

TEST(ErrorFromResponse, NotAProblem) {
  engine::ActionError error =
      ErrorFromResponse(502, "<html>bad gateway</html>", "", "GET x", kNow);
  EXPECT_EQ(error.kind, "retryable");
  EXPECT_EQ(error.code, "502");
  EXPECT_EQ(error.message, "GET x: HTTP 502");
}

TEST(ErrorFromResponse, ThrottledTakesRetryAfterHeader) {
  engine::ActionError error = ErrorFromResponse(
      429,
      R"({"type":"urn:bss:problem:rate-limited","title":"Too many requests","RetryAfter":3})",
      "7", "GET x", kNow);
  EXPECT_EQ(error.kind, "throttled");
  EXPECT_EQ(error.code, "rate-limited");
  ASSERT_TRUE(error.retry_after.has_value());
  EXPECT_EQ(*error.retry_after, milliseconds(7000));
}

TEST(ErrorFromResponse, ThrottledFallsBackToRetryAfterMember) {
  engine::ActionError error = ErrorFromResponse(
      429, R"({"type":"urn:bss:problem:rate-limited","RetryAfter":3})", "",
      "GET x", kNow);
  ASSERT_TRUE(error.retry_after.has_value());
  EXPECT_EQ(*error.retry_after, milliseconds(3000));
}

TEST(ErrorFromResponse, AHugeRetryAfterMemberSaturates) {
  // Seconds beyond what milliseconds hold (found by http_response_fuzzer).
  engine::ActionError error = ErrorFromResponse(
      429, R"({"type":"urn:bss:problem:rate-limited","RetryAfter":99999999999999999})",
      "", "GET x", kNow);
  ASSERT_TRUE(error.retry_after.has_value());
  EXPECT_EQ(*error.retry_after, milliseconds(1'000'000'000'000));
}

TEST(ErrorFromTokenResponse, BadCredentialsAreAuth) {
  engine::ActionError grant = ErrorFromTokenResponse(
      400,
      R"({"type":"urn:bss:problem:invalid-grant","detail":"The user name or password is incorrect."})",
      "", kNow);
  EXPECT_EQ(grant.kind, "auth");
  EXPECT_EQ(grant.code, "invalid-grant");
  EXPECT_EQ(grant.message, "The user name or password is incorrect.");
  engine::ActionError client = ErrorFromTokenResponse(
      401, R"({"type":"urn:bss:problem:invalid-client"})", "", kNow);
  EXPECT_EQ(client.kind, "auth");
  EXPECT_EQ(client.code, "invalid-client");
  EXPECT_EQ(ErrorFromTokenResponse(503, "", "", kNow).kind, "retryable");
}

TEST(ErrorFromTransport, TimeoutOrRetryable) {
  engine::ActionError timeout = ErrorFromTransport(Status::Error(
      "GET http://127.0.0.1:1/api: sending the request timed out after 5 ms"));
  EXPECT_EQ(timeout.kind, "timeout");
  EXPECT_EQ(timeout.message,
            "GET http://127.0.0.1:1/api: sending the request timed out after 5 ms");
  EXPECT_EQ(ErrorFromTransport(
                Status::Error("GET x: no response within the read timeout "
                              "of 300 ms"))
                .kind,
            "timeout");
  EXPECT_EQ(ErrorFromTransport(Status::Error("GET x: connection refused")).kind,
            "retryable");
}

}  // namespace
}  // namespace bssflow::connectors::bss
