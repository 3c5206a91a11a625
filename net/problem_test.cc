#include "net/problem.h"

#include <gtest/gtest.h>

namespace bssflow::net {
namespace {

namespace http = boost::beast::http;

TEST(ProblemTest, MinimalProblem) {
  EXPECT_EQ(ProblemJson(ProblemOf(404)),
            R"({"type":"about:blank","title":"Not Found","status":404})");
}

TEST(ProblemTest, AllMembersInOrder) {
  Problem problem;
  problem.type = "https://bssflow.dev/problems/run-not-found";
  problem.title = "Run not found";
  problem.status = 404;
  problem.detail = "no run has the id \"r-1\"";
  problem.instance = "/v1/runs/r-1";
  EXPECT_EQ(
      ProblemJson(problem),
      R"({"type":"https://bssflow.dev/problems/run-not-found",)"
      R"("title":"Run not found","status":404,)"
      R"("detail":"no run has the id \"r-1\"","instance":"/v1/runs/r-1"})");
}

TEST(ProblemTest, ReasonPhrasesAsTitles) {
  EXPECT_EQ(ProblemOf(413).title, "Payload Too Large");
  EXPECT_EQ(ProblemOf(431).title, "Request Header Fields Too Large");
  EXPECT_EQ(ProblemOf(408).title, "Request Timeout");
  EXPECT_EQ(ProblemOf(503).title, "Service Unavailable");
  EXPECT_FALSE(ProblemOf(503).detail.has_value());
  EXPECT_EQ(ProblemOf(503, "busy").detail, "busy");
}

TEST(ProblemTest, InvalidUtf8InDetailIsReplacedNotThrown) {
  EXPECT_EQ(
      ProblemJson(ProblemOf(400, "bad \xff byte")),
      "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
      "\"detail\":\"bad \xEF\xBF\xBD byte\"}");
}

TEST(ProblemTest, Response) {
  http::response<http::string_body> response =
      ProblemResponse(ProblemOf(413, "too big"), 11, false);
  EXPECT_EQ(response.result_int(), 413u);
  EXPECT_EQ(response[http::field::content_type], "application/problem+json");
  EXPECT_EQ(response.body(),
            R"({"type":"about:blank","title":"Payload Too Large","status":413,)"
            R"("detail":"too big"})");
  EXPECT_EQ(response[http::field::content_length],
            std::to_string(response.body().size()));
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(response[http::field::connection], "close");
}

}  // namespace
}  // namespace bssflow::net
