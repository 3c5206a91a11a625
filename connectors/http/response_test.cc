#include "connectors/http/response.h"

#include <gtest/gtest.h>

#include <string>

#include "dsl/json_value.h"

namespace bssflow::connectors::http {
namespace {

using std::chrono::milliseconds;
const auto kNow = std::chrono::system_clock::time_point(
    std::chrono::seconds(1714564800));  // 2024-05-01T12:00:00Z

HttpEndpoint Endpoint(std::optional<std::vector<ResultField>> result = {}) {
  HttpEndpoint endpoint;
  endpoint.name = "crm_account";
  endpoint.accept = {200, 201};
  endpoint.result = std::move(result);
  return endpoint;
}

Answer Reply(unsigned status, std::string_view body,
             std::string_view retry_after = "") {
  return Answer{"GET https://crm.example/api/accounts/A-1", status, body,
                retry_after, kNow};
}

std::string ResultJson(const engine::ActionOutcome& outcome) {
  if (!outcome.result.has_value())
    return "(error) " + outcome.error->kind + ": " + outcome.error->message;
  return dsl::ValueToJson(*outcome.result).dump();
}

engine::ActionError ErrorOf(const engine::ActionOutcome& outcome) {
  EXPECT_TRUE(outcome.error.has_value());
  if (!outcome.error.has_value()) return {"(none)", "", "", std::nullopt};
  return *outcome.error;
}

TEST(ErrorKindOfStatus, MapsLikeTheOtherConnectors) {
  EXPECT_EQ(ErrorKindOfStatus(400), "invalid");
  EXPECT_EQ(ErrorKindOfStatus(422), "invalid");
  EXPECT_EQ(ErrorKindOfStatus(401), "auth");
  EXPECT_EQ(ErrorKindOfStatus(403), "auth");
  EXPECT_EQ(ErrorKindOfStatus(404), "not_found");
  EXPECT_EQ(ErrorKindOfStatus(408), "timeout");
  EXPECT_EQ(ErrorKindOfStatus(409), "conflict");
  EXPECT_EQ(ErrorKindOfStatus(412), "conflict");
  EXPECT_EQ(ErrorKindOfStatus(429), "throttled");
  EXPECT_EQ(ErrorKindOfStatus(500), "retryable");
  EXPECT_EQ(ErrorKindOfStatus(503), "retryable");
  EXPECT_EQ(ErrorKindOfStatus(405), "fatal");
  EXPECT_EQ(ErrorKindOfStatus(410), "fatal");
  EXPECT_EQ(ErrorKindOfStatus(204), "fatal");
  EXPECT_EQ(ErrorKindOfStatus(302), "fatal");
}

TEST(ResponseSummary, PrefersTheProblemMembers) {
  EXPECT_EQ(ResponseSummary(R"({"title":"T","detail":"D"})"), "D");
  EXPECT_EQ(ResponseSummary(R"({"title":"T","message":"M"})"), "M");
  EXPECT_EQ(ResponseSummary(R"({"error":"x","error_description":"E"})"), "E");
  EXPECT_EQ(ResponseSummary(R"({"title":"T","detail":""})"), "T");
  EXPECT_EQ(ResponseSummary(R"({"code":7})"), R"({"code":7})");
  EXPECT_EQ(ResponseSummary(""), "");
}

TEST(ResponseSummary, CutsOtherBodiesAt200BytesOnACharacter) {
  EXPECT_EQ(ResponseSummary("<html>\n  <b>Bad gateway</b>\n</html>\n"),
            "<html> <b>Bad gateway</b> </html>");
  std::string long_body = std::string(199, 'a') + "\xC3\xBC" + "tail";
  EXPECT_EQ(ResponseSummary(long_body), std::string(199, 'a'));
  EXPECT_EQ(ResponseSummary(std::string(300, 'b')), std::string(200, 'b'));
  EXPECT_EQ(ResponseSummary(std::string("\xFF\xFE\x00x", 4)),
            "(4 bytes that are not text)");
}

TEST(ErrorFromAnswer, StatusKindCodeAndMessage) {
  engine::ActionError error = ErrorFromAnswer(
      Endpoint(), Reply(404, R"({"detail":"No account A-1."})"));
  EXPECT_EQ(error.kind, "not_found");
  EXPECT_EQ(error.code, "404");
  EXPECT_EQ(error.message,
            "GET https://crm.example/api/accounts/A-1: HTTP 404: No account "
            "A-1.");
  EXPECT_FALSE(error.retry_after.has_value());
  EXPECT_EQ(ErrorFromAnswer(Endpoint(), Reply(503, "")).message,
            "GET https://crm.example/api/accounts/A-1: HTTP 503");
}

TEST(ErrorFromAnswer, ThrottledTakesRetryAfter) {
  engine::ActionError seconds =
      ErrorFromAnswer(Endpoint(), Reply(429, "slow down", "7"));
  EXPECT_EQ(seconds.kind, "throttled");
  EXPECT_EQ(seconds.retry_after, milliseconds(7000));
  EXPECT_EQ(seconds.message,
            "GET https://crm.example/api/accounts/A-1: HTTP 429: slow down");
  engine::ActionError date = ErrorFromAnswer(
      Endpoint(), Reply(429, "", "Wed, 01 May 2024 12:00:30 GMT"));
  EXPECT_EQ(date.retry_after, milliseconds(30'000));
  EXPECT_FALSE(ErrorFromAnswer(Endpoint(), Reply(429, "")).retry_after);
  EXPECT_FALSE(ErrorFromAnswer(Endpoint(), Reply(503, "", "5")).retry_after);
}

TEST(OutcomeOf, AStatusNotAcceptedIsAnError) {
  engine::ActionError error = ErrorOf(OutcomeOf(Endpoint(), Reply(204, "")));
  EXPECT_EQ(error.kind, "fatal");
  EXPECT_EQ(error.code, "204");
  EXPECT_EQ(error.message,
            "GET https://crm.example/api/accounts/A-1: HTTP 204 is not an "
            "accepted status (accept: 200, 201)");
  HttpEndpoint accepts_404 = Endpoint();
  accepts_404.accept = {200, 404};
  EXPECT_EQ(ResultJson(OutcomeOf(accepts_404, Reply(404, R"({"a":1})"))),
            R"({"a":1})");
}

TEST(OutcomeOf, WithoutResultTheWholeBody) {
  EXPECT_EQ(ResultJson(OutcomeOf(Endpoint(), Reply(200, R"({"id":"A-1"})"))),
            R"({"id":"A-1"})");
  EXPECT_EQ(ResultJson(OutcomeOf(Endpoint(), Reply(201, ""))), "null");
  EXPECT_EQ(ResultJson(OutcomeOf(Endpoint(), Reply(200, "OK\n"))), R"("OK\n")");
  engine::ActionError error =
      ErrorOf(OutcomeOf(Endpoint(), Reply(200, "\xFF\xFE")));
  EXPECT_EQ(error.kind, "fatal");
  EXPECT_EQ(error.code, "200");
  EXPECT_EQ(error.message,
            "GET https://crm.example/api/accounts/A-1: HTTP 200: the body is "
            "neither JSON nor text (2 bytes)");
}

TEST(OutcomeOf, ResultMapsPointers) {
  HttpEndpoint endpoint =
      Endpoint(std::vector<ResultField>{{"id", "/id"},
                                        {"owner", "/owner/email"},
                                        {"first_tag", "/tags/0"},
                                        {"missing", "/nothing/here"},
                                        {"bad_index", "/tags/x"},
                                        {"all", ""}});
  EXPECT_EQ(
      ResultJson(OutcomeOf(
          endpoint,
          Reply(
              200,
              R"({"id":"A-1","owner":{"email":"a@x.example"},"tags":["t"]})"))),
      R"({"id":"A-1","owner":"a@x.example","first_tag":"t","missing":null,)"
      R"("bad_index":null,"all":{"id":"A-1","owner":{"email":"a@x.example"},)"
      R"("tags":["t"]}})");
  EXPECT_EQ(ResultJson(OutcomeOf(endpoint, Reply(200, ""))),
            R"({"id":null,"owner":null,"first_tag":null,"missing":null,)"
            R"("bad_index":null,"all":null})");
}

TEST(OutcomeOf, ResultNeedsJson) {
  HttpEndpoint endpoint = Endpoint(std::vector<ResultField>{{"id", "/id"}});
  engine::ActionError error =
      ErrorOf(OutcomeOf(endpoint, Reply(200, "<html>maintenance</html>")));
  EXPECT_EQ(error.kind, "fatal");
  EXPECT_EQ(error.code, "200");
  EXPECT_EQ(error.message,
            "GET https://crm.example/api/accounts/A-1: HTTP 200: the body is "
            "not JSON, but 'result' reads JSON pointers from it: "
            "<html>maintenance</html>");
}

TEST(OutcomeOf, ABodyNestedTooDeepIsFatal) {
  std::string deep = std::string(150, '[') + std::string(150, ']');
  engine::ActionError error = ErrorOf(OutcomeOf(Endpoint(), Reply(200, deep)));
  EXPECT_EQ(error.kind, "fatal");
  EXPECT_EQ(error.message.rfind("GET https://crm.example/api/accounts/A-1: "
                                "HTTP 200: ",
                                0),
            0u);
}

TEST(ErrorFromTransport, TimeoutOrRetryable) {
  engine::ActionError timeout = ErrorFromTransport(Status::Error(
      "GET http://127.0.0.1:9/x: no response within the read timeout of "
      "100 ms"));
  EXPECT_EQ(timeout.kind, "timeout");
  EXPECT_EQ(timeout.code, "");
  EXPECT_EQ(timeout.message,
            "GET http://127.0.0.1:9/x: no response within the read timeout "
            "of 100 ms");
  EXPECT_EQ(ErrorFromTransport(Status::Error("GET http://127.0.0.1:9/x: "
                                             "connection refused"))
                .kind,
            "retryable");
}

}  // namespace
}  // namespace bssflow::connectors::http
