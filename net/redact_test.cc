#include "net/redact.h"

#include <gtest/gtest.h>

#include <string>

namespace bssflow::net {
namespace {

namespace http = boost::beast::http;

TEST(RedactHeadersTest, AuthorizationAlwaysAndListedNames) {
  http::fields headers;
  headers.set(http::field::authorization, "Bearer eyJ0eXAi");
  headers.set(http::field::content_type, "application/json");
  headers.set("X-Api-Key", "k-123");
  headers.set("Proxy-Authorization", "Basic dXNlcjpwYXNz");
  headers.set("Cookie", "session=abc");
  Redaction redaction;
  redaction.Add("x-api-key");
  std::vector<LoggedHeader> expected = {{"Authorization", "***"},
                                        {"Content-Type", "application/json"},
                                        {"X-Api-Key", "***"},
                                        {"Proxy-Authorization", "***"},
                                        {"Cookie", "***"}};
  EXPECT_EQ(RedactHeaders(redaction, headers), expected);
}

TEST(RedactHeadersTest, EmptyRedactionStillHidesAuthorization) {
  http::fields headers;
  headers.set("authorization", "secret");
  headers.set("Cookie", "visible");
  std::vector<LoggedHeader> expected = {{"authorization", "***"},
                                        {"Cookie", "visible"}};
  EXPECT_EQ(RedactHeaders(Redaction({}), headers), expected);
}

TEST(RedactJsonTest, AnyDepthAndCaseInsensitive) {
  nlohmann::json json = nlohmann::json::parse(R"({
    "user": "ann",
    "Password": "p1",
    "nested": {"tokens": [{"access_token": "a", "kind": "x"},
                          {"refresh_token": {"value": "r"}}]},
    "client_secret": 42
  })");
  EXPECT_EQ(RedactJson(Redaction(), json).dump(),
            R"({"Password":"***","client_secret":"***","nested":{"tokens":[)"
            R"({"access_token":"***","kind":"x"},{"refresh_token":"***"}]},)"
            R"("user":"ann"})");
}

TEST(RedactJsonTest, ScalarsAndArraysPassThrough) {
  EXPECT_EQ(
      RedactJson(Redaction(), nlohmann::json::parse(R"([1,"password",null])"))
          .dump(),
      R"([1,"password",null])");
}

TEST(RedactFormTest, RedactsListedFields) {
  EXPECT_EQ(RedactForm(Redaction(),
                       "grant_type=client_credentials&client_id=abc&"
                       "client_secret=s3cr%2Ft&scope=x"),
            "grant_type=client_credentials&client_id=abc&client_secret=***&"
            "scope=x");
}

TEST(RedactFormTest, PercentEncodedNamesEmptyPairsAndBareNames) {
  EXPECT_EQ(RedactForm(Redaction(), "pass%77ord=x&&password&a=1&password="),
            "pass%77ord=***&&password&a=1&password=***");
  EXPECT_EQ(RedactForm(Redaction(), ""), "");
}

TEST(RedactTargetTest, QueryOnly) {
  EXPECT_EQ(RedactTarget(Redaction(), "/token?access_token=abc&x=1"),
            "/token?access_token=***&x=1");
  EXPECT_EQ(RedactTarget(Redaction(), "/password"), "/password");
}

TEST(RedactBodyTest, ByContentType) {
  Redaction r;
  EXPECT_EQ(RedactBody(r, "application/json; charset=utf-8",
                       R"({"password":"x","a":1})"),
            R"({"a":1,"password":"***"})");
  EXPECT_EQ(
      RedactBody(r, "application/problem+json", R"({"access_token":"t"})"),
      R"({"access_token":"***"})");
  EXPECT_EQ(RedactBody(r, "application/json", "{not json"),
            "(9 bytes of invalid JSON, not shown)");
  EXPECT_EQ(
      RedactBody(r, "Application/X-WWW-Form-Urlencoded", "password=x&u=1"),
      "password=***&u=1");
  EXPECT_EQ(RedactBody(r, "text/plain", "hello"), "hello");
  EXPECT_EQ(RedactBody(r, "application/octet-stream", "\x01\x02\x03"),
            "(3 bytes of application/octet-stream, not shown)");
  EXPECT_EQ(RedactBody(r, "", "abc"), "(3 bytes of unknown type, not shown)");
  EXPECT_EQ(RedactBody(r, "application/octet-stream", ""), "");
}

TEST(RedactBodyTest, CutsLongBodies) {
  EXPECT_EQ(RedactBody(Redaction(), "text/plain", "abcdefghij", 4),
            "abcd...(10 bytes)");
}

}  // namespace
}  // namespace bssflow::net
