// The simulator's HTTP plumbing and fault rule matching, without a simulator.
#include "simulators/bss/rest_io.h"

#include <gtest/gtest.h>

#include "simulators/bss/fault_plan.h"

namespace bssflow::simulators::bss {
namespace {

namespace http = boost::beast::http;

TEST(ParseTargetTest, SplitsAndDecodes) {
  ParsedTarget target = ParseTarget(
      "/api/Accounts/%34001/?customerCode=a%2Bb&Take=5&x=1+2&bad=%zz");
  EXPECT_EQ(target.path, "/api/Accounts/%34001/");
  EXPECT_EQ(target.segments,
            (std::vector<std::string>{"api", "Accounts", "4001"}));
  EXPECT_EQ(target.query,
            (std::map<std::string, std::string>{{"customercode", "a+b"},
                                                {"take", "5"},
                                                {"x", "1 2"},
                                                {"bad", "%zz"}}));
}

TEST(MatchRouteTest, LiteralsIgnoreCaseAndBracesCapture) {
  auto captures = MatchRoute("api/Accounts/{}/syncoptions/{}",
                             {"API", "accounts", "7", "SyncOptions", "MSCSP"});
  ASSERT_TRUE(captures);
  EXPECT_EQ(*captures, (std::vector<std::string>{"7", "MSCSP"}));
  EXPECT_FALSE(MatchRoute("api/Accounts/{}", {"api", "Accounts"}));
  EXPECT_FALSE(MatchRoute("api/Accounts/{}", {"api", "Account", "7"}));
}

TEST(CredentialsTest, ReadsBearerAndBasic) {
  HttpRequest request{http::verb::get, "/", 11};
  EXPECT_FALSE(BearerToken(request));
  request.set(http::field::authorization, "bearer  abc");
  EXPECT_EQ(BearerToken(request), "abc");
  EXPECT_FALSE(BasicCredentials(request));
  request.set(http::field::authorization, "Basic a2V5OnNlOmNyZXQ=");
  EXPECT_EQ(BasicCredentials(request),
            std::make_pair(std::string("key"), std::string("se:cret")));
  request.set(http::field::authorization, "Basic bm9jb2xvbg==");  // "nocolon"
  EXPECT_FALSE(BasicCredentials(request));
  request.set(http::field::authorization, "Basic !!!");
  EXPECT_FALSE(BasicCredentials(request));
}

TEST(GlobTest, StarMatchesAnyRunIgnoringCase) {
  EXPECT_TRUE(GlobMatches("*", "/api/Accounts/1"));
  EXPECT_TRUE(GlobMatches("/api/accounts/*", "/api/Accounts/1/syncoptions/X"));
  EXPECT_TRUE(GlobMatches("*/customercode", "/api/Accounts/1/customercode"));
  EXPECT_TRUE(
      GlobMatches("/api/*/syncoptions/*", "/api/Accounts/1/syncoptions/X"));
  EXPECT_FALSE(GlobMatches("/api/Accounts/*", "/api/Accounts"));
  EXPECT_FALSE(GlobMatches("/api/Accounts", "/api/Accounts/1"));
  EXPECT_TRUE(GlobMatches("", ""));
}

TEST(FaultInjectorTest, LatencyAddsUpAndTheFirstOtherRuleWins) {
  FaultInjector injector;
  FaultPlan plan;
  FaultRule slow;
  slow.kind = FaultKind::kLatency;
  slow.latency = std::chrono::milliseconds(10);
  slow.count = -1;
  FaultRule throttle;
  throttle.kind = FaultKind::kThrottle;
  throttle.latency = std::chrono::milliseconds(5);
  FaultRule error;  // not consulted while the throttle hits first
  plan.rules = {slow, throttle, error};
  injector.Add(plan);
  FaultDecision first = injector.Decide("GET", "/api/x");
  EXPECT_EQ(first.delay, std::chrono::milliseconds(15));
  ASSERT_TRUE(first.fault);
  EXPECT_EQ(first.fault->kind, FaultKind::kThrottle);
  FaultDecision second = injector.Decide("GET", "/api/x");
  EXPECT_EQ(second.delay, std::chrono::milliseconds(10));
  ASSERT_TRUE(second.fault);
  EXPECT_EQ(second.fault->kind, FaultKind::kServerError);
  FaultDecision third = injector.Decide("GET", "/api/x");
  EXPECT_FALSE(third.fault);
  EXPECT_EQ(injector.ToJson()["Rules"][2]["Seen"], 1);
}

TEST(FaultInjectorTest, MethodMustMatch) {
  FaultInjector injector;
  FaultPlan plan;
  FaultRule rule;
  rule.method = "post";
  plan.rules = {rule};
  injector.Add(plan);
  EXPECT_FALSE(injector.Decide("GET", "/api/x").fault);
  EXPECT_TRUE(injector.Decide("POST", "/api/x").fault);
}

}  // namespace
}  // namespace bssflow::simulators::bss
