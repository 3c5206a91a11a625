// The BSS simulator: fault injection and the /_sim/ endpoints.
#include <gtest/gtest.h>

#include "simulators/bss/bss_test_fixture.h"

namespace bssflow::simulators::bss {
namespace {

using nlohmann::json;

class FaultTest : public BssSimulatorTest {
 protected:
  SimulatedResponse Sim(http::verb method, const std::string& target,
                        const std::string& body = "") {
    return sim_->Handle(Request(method, target, body, false));
  }
  void AddFaults(const std::string& plan) {
    Token();  // obtained before the faults, which could hit /oauth/token
    SimulatedResponse response = Sim(http::verb::post, "/_sim/faults", plan);
    ASSERT_EQ(Status(response), 200) << response.response.body();
  }
};

TEST_F(FaultTest, ThrottleAnswers429WithRetryAfterForCountRequests) {
  AddFaults(R"({"Rules": [{"Method": "GET", "Path": "/api/Accounts/*",
      "Kind": "Throttle", "Count": 2, "RetryAfterSeconds": 7}]})");
  for (int i = 0; i < 2; ++i) {
    SimulatedResponse response = Send(http::verb::get, "/api/Accounts/1001");
    EXPECT_EQ(Status(response), 429);
    EXPECT_EQ(Header(response, http::field::retry_after), "7");
    json expected = Problem("rate-limited", "Too many requests", 429,
                            "Rate limit exceeded. Try again in 7 seconds.",
                            "/api/Accounts/1001");
    expected["RetryAfter"] = 7;
    EXPECT_EQ(Body(response), expected);
  }
  EXPECT_EQ(Status(Send(http::verb::get, "/api/Accounts/1001")), 200);
}

TEST_F(FaultTest, SkipLetsRequestsThroughBeforeTheFault) {
  AddFaults(R"({"Rules": [{"Path": "/api/accounts/1001", "Kind": "ServerError",
      "Skip": 1, "Status": 502}]})");
  EXPECT_EQ(Status(Send(http::verb::get, "/api/Accounts/1001")), 200);
  SimulatedResponse failed = Send(http::verb::get, "/api/Accounts/1001");
  EXPECT_EQ(Status(failed), 502);
  EXPECT_EQ(Body(failed), Problem("server-error", "Bad Gateway", 502,
                                  "The BSS failed to answer (simulated fault).",
                                  "/api/Accounts/1001"));
  EXPECT_EQ(Status(Send(http::verb::get, "/api/Accounts/1001")), 200);
  EXPECT_EQ(Status(Send(http::verb::get, "/api/Accounts/1002")), 200);
}

TEST_F(FaultTest, LatencyDelaysANormalAnswer) {
  AddFaults(
      R"({"Rules": [{"Kind": "Latency", "LatencyMs": 250, "Count": -1}]})");
  SimulatedResponse response = Send(http::verb::get, "/api/Accounts/1001");
  EXPECT_EQ(Status(response), 200);
  EXPECT_EQ(response.delay, std::chrono::milliseconds(250));
  EXPECT_FALSE(response.drop_connection);
  EXPECT_EQ(Send(http::verb::get, "/api/Accounts/1001").delay,
            std::chrono::milliseconds(250));
}

TEST_F(FaultTest, DropBeforeProcessingChangesNothing) {
  AddFaults(R"({"Rules": [{"Method": "PUT", "Path": "*/customercode",
      "Kind": "DropConnection", "LatencyMs": 40000}]})");
  SimulatedResponse response =
      Send(http::verb::put, "/api/Accounts/1001/customercode",
           R"({"CustomerCode": "t-1"})");
  EXPECT_TRUE(response.drop_connection);
  EXPECT_EQ(response.delay, std::chrono::milliseconds(40000));
  EXPECT_EQ(sim_->Snapshot().accounts.at(1001).customer_code, "");
}

TEST_F(FaultTest, DropAfterProcessingThenResendSendsOnce) {
  AddFaults(R"({"Rules": [{"Method": "POST", "Path": "/api/Notifications",
      "Kind": "DropConnection", "AfterProcessing": true}]})");
  HttpRequest request =
      Request(http::verb::post, "/api/Notifications",
              R"({"To": "it@northwind.example", "Subject": "s", "Body": "b"})");
  request.set("Idempotency-Key", "k-1");
  SimulatedResponse dropped = sim_->Handle(request);
  EXPECT_TRUE(dropped.drop_connection);
  EXPECT_EQ(sim_->Snapshot().notifications.size(), 1u);
  SimulatedResponse resent = sim_->Handle(request);
  EXPECT_FALSE(resent.drop_connection);
  EXPECT_EQ(Status(resent), 200);
  EXPECT_EQ(Body(resent)["ID"], 1);
  EXPECT_EQ(sim_->Snapshot().notifications.size(), 1u);
}

TEST_F(FaultTest, ExpireTokenMakesThatTokenFailFromNowOn) {
  AddFaults(R"({"Rules": [{"Kind": "ExpireToken", "Path": "/api/*"}]})");
  SimulatedResponse response = Send(http::verb::get, "/api/Accounts/1001");
  EXPECT_EQ(Status(response), 401);
  EXPECT_EQ(Body(response)["type"], "urn:bss:problem:token-expired");
  EXPECT_EQ(Body(response)["detail"],
            "The access token expired at 2024-05-01T12:00:00Z; get a new one "
            "from POST /oauth/token.");
  EXPECT_EQ(Status(Send(http::verb::get, "/api/Accounts/1001")), 401);
  token_.clear();
  EXPECT_EQ(Status(Send(http::verb::get, "/api/Accounts/1001")), 200);
}

TEST_F(FaultTest, SeededProbabilityIsRepeatable) {
  const std::string plan = R"({"Seed": 42, "Rules": [{"Kind": "ServerError",
      "Path": "/api/*", "Probability": 0.5, "Count": -1}]})";
  auto run = [&] {
    Restart(DemoSeed());
    AddFaults(plan);
    std::string statuses;
    for (int i = 0; i < 40; ++i) {
      statuses += Status(Send(http::verb::get, "/api/Accounts/1001")) == 200
                      ? '.'
                      : 'x';
    }
    return statuses;
  };
  std::string first = run();
  EXPECT_EQ(run(), first);
  EXPECT_NE(first.find('x'), std::string::npos);
  EXPECT_NE(first.find('.'), std::string::npos);
}

TEST_F(FaultTest, FaultsNeverTouchSimEndpointsAndCanBeCleared) {
  AddFaults(R"({"Rules": [{"Kind": "ServerError", "Count": -1}]})");
  EXPECT_EQ(Status(Sim(http::verb::get, "/_sim/state")), 200);
  EXPECT_EQ(Status(Send(http::verb::get, "/api/Accounts/1001")), 503);
  json listed = Body(Sim(http::verb::get, "/_sim/faults"));
  EXPECT_EQ(listed, json::parse(R"({"Rules": [{"Method": "*", "Path": "*",
      "Kind": "ServerError", "Skip": 0, "Count": -1, "Probability": 1.0,
      "LatencyMs": 0, "RetryAfterSeconds": 1, "Status": 503,
      "AfterProcessing": false, "Seen": 1, "Hits": 1}]})"));
  EXPECT_EQ(Body(Sim(http::verb::delete_, "/_sim/faults")),
            json::parse(R"({"Rules": []})"));
  EXPECT_EQ(Status(Send(http::verb::get, "/api/Accounts/1001")), 200);
}

TEST_F(FaultTest, InvalidFaultPlansAreRefusedWithTheReason) {
  auto detail = [&](const std::string& plan) {
    SimulatedResponse response = Sim(http::verb::post, "/_sim/faults", plan);
    EXPECT_EQ(Status(response), 400);
    EXPECT_EQ(Body(response)["type"], "urn:bss:problem:invalid-fault-plan");
    return Body(response)["detail"].get<std::string>();
  };
  EXPECT_EQ(detail(R"({"Rules": [{"Kind": "Boom"}]})"),
            "The fault plan was not added: Rules[0].Kind: expected one of "
            "Latency, Throttle, ServerError, DropConnection, ExpireToken, got "
            "\"Boom\".");
  EXPECT_EQ(detail(R"({"Rules": [{"Kind": "Throttle", "Count": "2"}]})"),
            "The fault plan was not added: Rules[0].Count: expected an "
            "integer, got \"2\".");
  EXPECT_EQ(detail(R"({"Rules": [{"Kind": "ServerError", "Status": 404}]})"),
            "The fault plan was not added: Rules[0].Status: must be between "
            "500 and 599.");
  EXPECT_EQ(detail(R"({"Rules": [{}]})"),
            "The fault plan was not added: Rules[0].Kind: missing.");
  EXPECT_EQ(detail("{}"),
            "The fault plan was not added: Rules: expected an array of rules.");
  EXPECT_EQ(detail("nope"),
            "The fault plan was not added: the body is not valid JSON.");
}

TEST_F(FaultTest, CallsLogWhatHappened) {
  AddFaults(
      R"({"Rules": [{"Kind": "DropConnection", "Path": "/api/Accounts/1002"}]})");
  Send(http::verb::get, "/api/Accounts/1001");
  Send(http::verb::get, "/api/Accounts/1002");
  json calls = Body(Sim(http::verb::get, "/_sim/calls"));
  EXPECT_EQ(calls["TotalCount"], 3);  // the token request, then two calls
  EXPECT_EQ(calls["Items"][0]["Target"], "/oauth/token");
  EXPECT_EQ(calls["Items"][1], json::parse(R"({"Seq": 2,
      "At": "2024-05-01T12:00:00Z", "Method": "GET",
      "Target": "/api/Accounts/1001", "Status": 200, "Fault": null,
      "Dropped": false, "DelayMs": 0, "IdempotencyKey": null})"));
  EXPECT_EQ(calls["Items"][2]["Status"], nullptr);
  EXPECT_EQ(calls["Items"][2]["Fault"], "DropConnection");
  EXPECT_EQ(calls["Items"][2]["Dropped"], true);
}

TEST_F(FaultTest, ResetRestoresTheInitialState) {
  AddFaults(R"({"Rules": [{"Kind": "Latency", "LatencyMs": 5, "Count": -1}]})");
  Send(http::verb::put, "/api/Accounts/1001/customercode",
       R"({"CustomerCode": "t-1"})");
  EXPECT_EQ(Body(Sim(http::verb::post, "/_sim/reset")),
            json::parse(R"({"Reset": true})"));
  json state = Body(Sim(http::verb::get, "/_sim/state"));
  EXPECT_EQ(state["Accounts"][0]["CustomerCode"], nullptr);
  EXPECT_EQ(state["Accounts"].size(), 15u);
  EXPECT_EQ(state["Tokens"], json::array());  // tokens are state too
  EXPECT_EQ(Body(Sim(http::verb::get, "/_sim/faults"))["Rules"], json::array());
  EXPECT_EQ(Body(Sim(http::verb::get, "/_sim/calls"))["TotalCount"], 0);
}

TEST_F(FaultTest, StateShowsEverything) {
  Token();
  json state = Body(Sim(http::verb::get, "/_sim/state"));
  EXPECT_EQ(state["ProvisioningSystems"].size(), 4u);
  EXPECT_EQ(state["SyncOptionDefinitions"].size(), 3u);
  EXPECT_EQ(state["SyncStatuses"].size(), 1u);
  EXPECT_EQ(state["NotificationTemplates"].size(), 2u);
  EXPECT_EQ(state["Notifications"], json::array());
  EXPECT_EQ(state["SyncOptionValues"][0],
            json::parse(R"({"AccountID": 1001, "SystemCode": "MSCSP",
                "Code": "Username", "Value": "admin"})"));
  ASSERT_EQ(state["Tokens"].size(), 1u);
  EXPECT_EQ(state["Tokens"][0]["Token"], token_);
  EXPECT_EQ(state["Tokens"][0]["Expired"], false);
  SimulatedResponse missing = Sim(http::verb::get, "/_sim/nothing");
  EXPECT_EQ(Status(missing), 404);
  EXPECT_EQ(Body(missing)["detail"],
            "No simulator endpoint answers GET /_sim/nothing.");
}

}  // namespace
}  // namespace bssflow::simulators::bss
