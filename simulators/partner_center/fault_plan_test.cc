#include "simulators/partner_center/fault_plan.h"

#include <gtest/gtest.h>

namespace bssflow::simulators::partner_center {
namespace {

TEST(FaultPlanTest, ParsesEveryMember) {
  Result<FaultPlan> plan = ParseFaultPlan(nlohmann::json::parse(R"({
    "seed": 42,
    "faults": [{"kind": "throttle", "method": "GET", "path": "/v1/*",
                "count": 3, "probability": 0.25, "retryAfter": 9},
               {"kind": "timeout_after_commit", "delayMs": 1500},
               {"kind": "server_error", "status": 504}]})"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(plan.value().seed, 42u);
  ASSERT_EQ(plan.value().rules.size(), 3u);
  const FaultRule& throttle = plan.value().rules[0];
  EXPECT_EQ(throttle.kind, FaultKind::kThrottle);
  EXPECT_EQ(throttle.method, "GET");
  EXPECT_EQ(throttle.path, "/v1/*");
  EXPECT_EQ(throttle.count, 3);
  EXPECT_EQ(throttle.probability, 0.25);
  EXPECT_EQ(throttle.retry_after_seconds, 9);
  EXPECT_EQ(plan.value().rules[1].delay, std::chrono::milliseconds(1500));
  EXPECT_EQ(plan.value().rules[1].path, "*");
  EXPECT_EQ(plan.value().rules[2].status, 504);
  // And writes back what it read.
  EXPECT_EQ(FaultPlanJson(plan.value())["faults"][0]["retryAfter"], 9);
}

TEST(FaultPlanTest, ErrorsNameTheFaultAndMember) {
  const std::pair<const char*, const char*> cases[] = {
      {"[]", "fault plan: expected an object {\"seed\", \"faults\"}"},
      {R"({"seed": -1})",
       "fault plan: \"seed\" must be a non-negative integer"},
      {R"({"faults": {}})", "fault plan: \"faults\" must be an array"},
      {R"({"faults": [{"count": 1}]})",
       "fault plan: faults[0]: must be an object with a \"kind\""},
      {R"({"faults": [{"kind": "drop"}, {"kind": "drop", "count": "x"}]})",
       "fault plan: faults[1]: \"count\" must be an integer from -1 to "
       "1000000000"},
      {R"({"faults": [{"kind": "drop", "probability": 2}]})",
       "fault plan: faults[0]: \"probability\" must be a number from 0 to 1"},
      {R"({"faults": [{"kind": "server_error", "status": 501}]})",
       "fault plan: faults[0]: \"status\" must be 500, 502, 503 or 504"},
      {R"({"faults": [{"kind": "drop", "delay": 5}]})",
       "fault plan: faults[0]: unknown member \"delay\" (expected kind, "
       "method, path, count, probability, status, retryAfter, delayMs)"},
      {R"({"faults": [{"kind": "drop", "path": 5}]})",
       "fault plan: faults[0]: \"path\" must be a string"},
  };
  for (const auto& [json, message] : cases) {
    Result<FaultPlan> plan = ParseFaultPlan(nlohmann::json::parse(json));
    ASSERT_FALSE(plan.ok()) << json;
    EXPECT_EQ(plan.status().message(), message) << json;
  }
}

TEST(FaultPlanTest, PathsMatchGlobsOrRouteTemplates) {
  EXPECT_TRUE(FaultPathMatches("*", "/v1/customers", ""));
  EXPECT_TRUE(
      FaultPathMatches("/v1/customers/*", "/v1/customers/abc/users", ""));
  EXPECT_FALSE(FaultPathMatches("/v1/customers/*", "/v1/customers", ""));
  EXPECT_TRUE(FaultPathMatches("/v1/customers", "/v1/customers", ""));
  EXPECT_FALSE(FaultPathMatches("/v1/customers", "/v1/customers/abc", ""));
  EXPECT_TRUE(FaultPathMatches("/v1/customers/{id}", "/v1/customers/abc",
                               "/v1/customers/{id}"));
  EXPECT_FALSE(FaultPathMatches("/v1/customers/{id}", "/v1/customers/abc/users",
                                "/v1/customers/{id}/users"));
  EXPECT_TRUE(FaultPathMatches("*/oauth2/*", "/common/oauth2/token", ""));
}

TEST(FaultPlanTest, CountsAreSpentAndOneOutcomeWins) {
  FaultInjector injector;
  FaultRule latency;
  latency.kind = FaultKind::kLatency;
  latency.delay = std::chrono::milliseconds(10);
  FaultRule error;
  error.kind = FaultKind::kServerError;
  error.method = "POST";
  error.count = 1;
  FaultRule drop;
  drop.kind = FaultKind::kDropConnection;
  drop.count = 1;
  injector.SetPlan({1, {latency, error, drop}});

  FaultDecision first = injector.Decide("post", "/v1/customers", "");
  EXPECT_EQ(first.delay, std::chrono::milliseconds(10));
  ASSERT_TRUE(first.outcome.has_value());
  EXPECT_EQ(first.outcome->kind, FaultKind::kServerError);
  EXPECT_EQ(first.fired, "latency,server_error");
  // The drop rule did not fire, so it still has its count.
  EXPECT_EQ(injector.plan().rules[2].count, 1);

  FaultDecision second = injector.Decide("POST", "/v1/customers", "");
  ASSERT_TRUE(second.outcome.has_value());
  EXPECT_EQ(second.outcome->kind, FaultKind::kDropConnection);

  FaultDecision third = injector.Decide("POST", "/v1/customers", "");
  EXPECT_FALSE(third.outcome.has_value());
  EXPECT_EQ(third.fired, "latency");
}

TEST(FaultPlanTest, MethodMustMatchWhenGiven) {
  FaultInjector injector;
  FaultRule expire;
  expire.kind = FaultKind::kExpireTokens;
  expire.method = "GET";
  injector.SetPlan({1, {expire}});
  EXPECT_FALSE(injector.Decide("POST", "/v1/customers", "").expire_tokens);
  EXPECT_TRUE(injector.Decide("GET", "/v1/customers", "").expire_tokens);
}

}  // namespace
}  // namespace bssflow::simulators::partner_center
