// Fault injection, the /_sim/ inspection endpoints, and concurrent use.
#include <set>
#include <thread>
#include <vector>

#include "simulators/partner_center/simulator_test_support.h"

namespace bssflow::simulators::partner_center {
namespace {

using testing::BodyJson;
using testing::ErrorBody;
using testing::MakeRequest;
using testing::NewCustomerBody;
using testing::SimulatorTest;
namespace http = boost::beast::http;

constexpr char kContosoPath[] =
    "/v1/customers/c0000000-0000-4000-8000-000000000001";

class FaultsTest : public SimulatorTest {
 protected:
  SimulatedResponse Sim(http::verb method, const std::string& target,
                        const std::string& body = "") {
    return Send(MakeRequest(method, target, body));
  }
  void Plan(const std::string& json) {
    const SimulatedResponse answer =
        Sim(http::verb::post, "/_sim/faults", json);
    ASSERT_EQ(answer.response.result(), http::status::ok)
        << answer.response.body();
  }
  std::string token_ = AppToken();
};

FaultRule Rule(FaultKind kind, std::string method, std::string path,
               int count) {
  FaultRule rule;
  rule.kind = kind;
  rule.method = std::move(method);
  rule.path = std::move(path);
  rule.count = count;
  return rule;
}

TEST_F(FaultsTest, NextNRequestsToARouteGetA503) {
  sim_->SetFaultPlan(
      {1, {Rule(FaultKind::kServerError, "POST", "/v1/customers", 2)}});
  const std::string body = NewCustomerBody("newco.onmicrosoft.com").dump();
  for (int i = 0; i < 2; ++i) {
    const SimulatedResponse answer =
        Create(NewCustomerBody("newco.onmicrosoft.com"), token_);
    EXPECT_EQ(answer.response.result(), http::status::service_unavailable);
    EXPECT_EQ(BodyJson(answer),
              ErrorBody(503,
                        "Simulated fault: Service Unavailable. Try again "
                        "later."));
    EXPECT_FALSE(answer.drop_connection);
  }
  // Other routes are not affected; the third create goes through.
  EXPECT_EQ(Call(http::verb::get, kContosoPath, token_).response.result(),
            http::status::ok);
  EXPECT_EQ(Create(NewCustomerBody("newco.onmicrosoft.com"), token_)
                .response.result(),
            http::status::created);
  EXPECT_EQ(sim_->fault_plan().rules[0].count, 0);
}

TEST_F(FaultsTest, ThrottleAnswers429WithRetryAfter) {
  Plan(R"({"faults": [{"kind": "throttle", "path": "/v1/customers/*",
                       "retryAfter": 5, "count": 1}]})");
  const SimulatedResponse answer = Call(http::verb::get, kContosoPath, token_);
  EXPECT_EQ(answer.response.result(), http::status::too_many_requests);
  EXPECT_EQ(answer.response["Retry-After"], "5");
  EXPECT_EQ(
      BodyJson(answer),
      nlohmann::json(
          {{"statusCode", 429},
           {"message", "Rate limit is exceeded. Try again in 5 seconds."}}));
  EXPECT_EQ(Call(http::verb::get, kContosoPath, token_).response.result(),
            http::status::ok);
}

TEST_F(FaultsTest, LatencyDelaysANormalAnswer) {
  Plan(R"({"faults": [{"kind": "latency", "delayMs": 250}]})");
  const SimulatedResponse answer = Call(http::verb::get, kContosoPath, token_);
  EXPECT_EQ(answer.response.result(), http::status::ok);
  EXPECT_EQ(answer.delay, std::chrono::milliseconds(250));
  EXPECT_FALSE(answer.drop_connection);
}

TEST_F(FaultsTest, DroppedConnectionsDoNotActOnTheRequest) {
  Plan(R"({"faults": [{"kind": "drop", "method": "POST",
                       "path": "/v1/customers", "count": 1, "delayMs": 100}]})");
  const SimulatedResponse answer =
      Create(NewCustomerBody("newco.onmicrosoft.com"), token_, "req-1");
  EXPECT_TRUE(answer.drop_connection);
  EXPECT_EQ(answer.delay, std::chrono::milliseconds(100));
  EXPECT_EQ(Call(http::verb::head, "/v1/domains/newco.onmicrosoft.com", token_)
                .response.result(),
            http::status::not_found);
  EXPECT_EQ(BodyJson(Sim(http::verb::get, "/_sim/calls"))["calls"][1],
            nlohmann::json({{"sequence", 2},
                            {"method", "POST"},
                            {"path", "/v1/customers"},
                            {"route", "POST /v1/customers"},
                            {"requestId", "req-1"},
                            {"status", 0},
                            {"fault", "drop"},
                            {"dropped", true}}));
}

TEST_F(FaultsTest, ACreateThatTimesOutAfterTakingTheDomain) {
  Plan(R"({"faults": [{"kind": "timeout_after_commit", "method": "POST",
                       "path": "/v1/customers", "count": 1, "delayMs": 30000}]})");
  const nlohmann::json body = NewCustomerBody("halfdone.onmicrosoft.com");
  const SimulatedResponse lost = Create(body, token_, "req-1");
  EXPECT_TRUE(lost.drop_connection);
  EXPECT_EQ(lost.delay, std::chrono::milliseconds(30000));
  // The tenant exists: the domain is taken.
  EXPECT_EQ(
      Call(http::verb::head, "/v1/domains/halfdone.onmicrosoft.com", token_)
          .response.result(),
      http::status::ok);
  // A retry with a new MS-RequestId fails the way Partner Center does...
  const SimulatedResponse fresh = Create(body, token_, "req-2");
  EXPECT_EQ(fresh.response.result(), http::status::conflict);
  EXPECT_EQ(BodyJson(fresh)["description"],
            "The domain specified during customer creation is already used by "
            "another tenant.");
  // ...and the idempotent retry gets the customer the lost answer carried.
  const SimulatedResponse retry = Create(body, token_, "req-1");
  EXPECT_FALSE(retry.drop_connection);
  EXPECT_EQ(retry.response.result(), http::status::created);
  EXPECT_EQ(retry.response.body(), lost.response.body());
  int owners = 0;
  for (const Tenant& tenant : sim_->Snapshot().tenants) {
    owners += tenant.default_domain == "halfdone.onmicrosoft.com";
  }
  EXPECT_EQ(owners, 1);
  const nlohmann::json calls =
      BodyJson(Sim(http::verb::get, "/_sim/calls?since=1"));
  ASSERT_EQ(calls["calls"].size(), 4u);
  EXPECT_EQ(calls["calls"][0]["status"], 201);
  EXPECT_EQ(calls["calls"][0]["fault"], "timeout_after_commit");
  EXPECT_EQ(calls["calls"][0]["dropped"], true);
}

TEST_F(FaultsTest, ExpiredTokensFaultRevokesEveryToken) {
  Plan(R"({"faults": [{"kind": "expire_tokens", "count": 1}]})");
  EXPECT_EQ(Call(http::verb::get, kContosoPath, token_).response.result(),
            http::status::unauthorized);
  EXPECT_EQ(Call(http::verb::get, kContosoPath, token_).response.result(),
            http::status::unauthorized);
  EXPECT_EQ(Call(http::verb::get, kContosoPath, AppToken()).response.result(),
            http::status::ok);
}

// Which of `n` GETs are throttled under a 50% rule with `seed`.
std::vector<bool> ThrottledPattern(PartnerCenterSimulator& sim,
                                   const std::string& token, std::uint64_t seed,
                                   int n) {
  FaultRule rule = Rule(FaultKind::kThrottle, "GET", "*", -1);
  rule.probability = 0.5;
  sim.SetFaultPlan({seed, {rule}});
  std::vector<bool> throttled;
  for (int i = 0; i < n; ++i) {
    const SimulatedResponse answer =
        sim.Handle(MakeRequest(http::verb::get, kContosoPath, "",
                               {{"Authorization", "Bearer " + token}}));
    throttled.push_back(answer.response.result() ==
                        http::status::too_many_requests);
  }
  return throttled;
}

TEST_F(FaultsTest, ProbabilisticFaultsFollowTheSeed) {
  const std::vector<bool> first = ThrottledPattern(*sim_, token_, 7, 40);
  const std::vector<bool> again = ThrottledPattern(*sim_, token_, 7, 40);
  const std::vector<bool> other = ThrottledPattern(*sim_, token_, 8, 40);
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  const auto hits = std::count(first.begin(), first.end(), true);
  EXPECT_GT(hits, 5);
  EXPECT_LT(hits, 35);
}

TEST_F(FaultsTest, FaultPlanEndpoints) {
  Plan(R"({"seed": 3, "faults": [{"kind": "server_error", "status": 502,
                                   "path": "/v1/customers/{id}"}]})");
  EXPECT_EQ(BodyJson(Sim(http::verb::get, "/_sim/faults")),
            nlohmann::json::parse(R"({"seed": 3, "faults": [{"kind":
              "server_error", "method": "", "path": "/v1/customers/{id}",
              "count": -1, "probability": 1.0, "status": 502, "retryAfter": 57,
              "delayMs": 0}]})"));
  // A route template matches that route only.
  EXPECT_EQ(Call(http::verb::get, kContosoPath, token_).response.result(),
            http::status::bad_gateway);
  EXPECT_EQ(Call(http::verb::get, std::string(kContosoPath) + "/users", token_)
                .response.result(),
            http::status::ok);
  const std::pair<std::string, std::string> bad[] = {
      {"{", "fault plan: the body is not valid JSON"},
      {R"({"faults": [{"kind": "boom"}]})",
       "fault plan: faults[0]: \"kind\" must be one of latency, throttle, "
       "server_error, drop, timeout_after_commit, expire_tokens"},
      {R"({"faults": [{"kind": "server_error", "status": 404}]})",
       "fault plan: faults[0]: \"status\" must be 500, 502, 503 or 504"},
      {R"({"fault": []})",
       "fault plan: unknown member \"fault\" (expected seed, faults)"},
  };
  for (const auto& [json, message] : bad) {
    const SimulatedResponse answer =
        Sim(http::verb::post, "/_sim/faults", json);
    EXPECT_EQ(answer.response.result(), http::status::bad_request) << json;
    EXPECT_EQ(BodyJson(answer), nlohmann::json({{"error", message}})) << json;
  }
  EXPECT_EQ(BodyJson(Sim(http::verb::delete_, "/_sim/faults")),
            nlohmann::json::parse(R"({"seed": 1, "faults": []})"));
  EXPECT_EQ(Call(http::verb::get, kContosoPath, token_).response.result(),
            http::status::ok);
}

TEST_F(FaultsTest, StateCallsAndReset) {
  const std::string id = BodyJson(
      Create(NewCustomerBody("newco.onmicrosoft.com"), token_, "req-9"))["id"];
  Call(http::verb::get, "/v1/nowhere", token_);
  const nlohmann::json state = BodyJson(Sim(http::verb::get, "/_sim/state"));
  EXPECT_EQ(state["mode"], "indirect");
  ASSERT_EQ(state["tenants"].size(), 6u);
  EXPECT_EQ(state["tenants"][5],
            nlohmann::json({{"id", id},
                            {"companyName", "New Co"},
                            {"domains", {"newco.onmicrosoft.com"}},
                            {"defaultDomain", "newco.onmicrosoft.com"},
                            {"accessible", true},
                            {"associatedPartnerId", ""},
                            {"users", {"admin@newco.onmicrosoft.com"}},
                            {"agreements", 0},
                            {"createdByRequestIds", {"req-9"}}}));
  EXPECT_EQ(state["tenants"][3]["accessible"], false);
  EXPECT_EQ(state["callCounts"],
            nlohmann::json({{"POST /{tenant}/oauth2/token", 1},
                            {"POST /v1/customers", 1},
                            {"unknown", 1}}));
  EXPECT_EQ(state["activeTokens"], 1);
  EXPECT_EQ(BodyJson(Sim(http::verb::get, "/_sim/calls"))["calls"].size(), 3u);

  const SimulatedResponse reset = Sim(http::verb::post, "/_sim/reset");
  EXPECT_EQ(reset.response.result(), http::status::ok);
  const nlohmann::json after = BodyJson(reset);
  EXPECT_EQ(after["tenants"].size(), 5u);
  EXPECT_EQ(after["callCounts"], nlohmann::json::object());
  EXPECT_EQ(BodyJson(Sim(http::verb::get, "/_sim/calls"))["calls"],
            nlohmann::json::array());
  // Tokens survive a reset; the same seed gives the same tenant id again.
  const SimulatedResponse again =
      Create(NewCustomerBody("newco.onmicrosoft.com"), token_, "req-9");
  EXPECT_EQ(again.response.result(), http::status::created);
  EXPECT_EQ(BodyJson(again)["id"], id);
  EXPECT_EQ(
      BodyJson(Sim(http::verb::get, "/_sim/nothing")),
      nlohmann::json({{"error",
                       "no inspection endpoint GET /_sim/nothing; try "
                       "GET /_sim/state, GET /_sim/calls, "
                       "GET|POST|DELETE /_sim/faults, POST /_sim/reset"}}));
}

TEST_F(FaultsTest, ConcurrentCreatesNeverTakeADomainTwice) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  std::vector<int> created(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &created] {
      for (int i = 0; i < kPerThread; ++i) {
        // Every thread races for the same domains.
        const std::string domain =
            "race" + std::to_string(i) + ".onmicrosoft.com";
        const SimulatedResponse answer = sim_->Handle(MakeRequest(
            http::verb::post, "/v1/customers", NewCustomerBody(domain).dump(),
            {{"Authorization", "Bearer " + token_}}));
        created[t] += answer.response.result() == http::status::created;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  int total = 0;
  for (int count : created) total += count;
  EXPECT_EQ(total, kPerThread);
  std::set<std::string> domains;
  for (const Tenant& tenant : sim_->Snapshot().tenants) {
    for (const std::string& domain : tenant.domains) {
      EXPECT_TRUE(domains.insert(domain).second) << domain;
    }
  }
}

}  // namespace
}  // namespace bssflow::simulators::partner_center
