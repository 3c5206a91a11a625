// The bss connector against the BSS simulator over loopback: the simulator
// runs on the SimulatorHost's thread, the connector on an io_context run by
// the test thread.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "connectors/bss/bss_connector.h"
#include "dsl/json_value.h"
#include "simulators/bss/bss_simulator.h"
#include "simulators/host/simulator_host.h"

namespace bssflow::connectors::bss {
namespace {

namespace asio = boost::asio;
namespace sim = simulators::bss;
using engine::ActionOutcome;
using std::chrono::milliseconds;

class BssConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::string> url = host_.Add(
        [this](const simulators::HttpRequest& r) { return sim_.Handle(r); });
    ASSERT_TRUE(url.ok()) << url.status().message();
    ASSERT_TRUE(host_.Start().ok());
    config_.base_url = url.value();
    config_.client_key = "bssflow-demo-client";
    config_.client_secret = "bssflow-demo-secret";
    config_.username = "integration@bss.example";
    config_.password = "demo-password";
    config_.call_timeout = milliseconds(2'000);
  }
  void TearDown() override {
    connector_.reset();
    host_.Stop();
  }

  BssConnector& Connector() {
    if (!connector_) {
      BssEnvironment env;
      env.log = [this](const net::LogLine& line) {
        log_ += net::FormatLogLine(line) + "\n";
      };
      auto made = BssConnector::Create(io_.get_executor(), config_, env);
      EXPECT_TRUE(made.ok()) << made.status().message();
      connector_ = std::move(made).value();
    }
    return *connector_;
  }

  // Runs the calls concurrently on io_, returns their outcomes in order.
  std::vector<ActionOutcome> RunAll(
      const std::vector<std::pair<std::string, nlohmann::json>>& calls,
      const std::string& key = "") {
    std::vector<std::optional<ActionOutcome>> outcomes(calls.size());
    for (size_t i = 0; i < calls.size(); ++i) {
      engine::CallContext ctx{"run-1", "step-" + std::to_string(i), 1, key};
      dsl::Value args = dsl::ValueFromJson(calls[i].second).value();
      std::string action = "bss." + calls[i].first;
      asio::co_spawn(
          io_,
          [&, i, action, args, ctx]() -> asio::awaitable<void> {
            ActionOutcome outcome = co_await Connector().Call(action, args, ctx);
            outcomes[i] = std::move(outcome);
          },
          asio::detached);
    }
    io_.restart();
    io_.run();
    std::vector<ActionOutcome> done;
    for (auto& outcome : outcomes) done.push_back(outcome.value());
    return done;
  }

  ActionOutcome Run(const std::string& action, nlohmann::json args,
                    const std::string& key = "") {
    return RunAll({{action, std::move(args)}}, key)[0];
  }

  // The result as JSON; fails the test when the call failed.
  static nlohmann::json Ok(const ActionOutcome& outcome) {
    EXPECT_TRUE(outcome.result.has_value())
        << outcome.error->kind << " " << outcome.error->code << " "
        << outcome.error->message;
    if (!outcome.result.has_value()) return nullptr;
    return nlohmann::json::parse(dsl::ValueToJson(*outcome.result).dump());
  }

  static engine::ActionError Err(const ActionOutcome& outcome) {
    EXPECT_TRUE(outcome.error.has_value());
    if (!outcome.error.has_value())
      return {"(none)", "", "(the call succeeded)", std::nullopt};
    return *outcome.error;
  }

  void AddFault(sim::FaultKind kind, std::string method, std::string path,
                int retry_after_seconds = 1) {
    sim::FaultRule rule;
    rule.kind = kind;
    rule.method = std::move(method);
    rule.path = std::move(path);
    rule.retry_after_seconds = retry_after_seconds;
    sim_.AddFaults(sim::FaultPlan{std::nullopt, {rule}});
  }

  sim::BssSimulator sim_;
  simulators::SimulatorHost host_;
  BssConfig config_;
  asio::io_context io_;
  std::unique_ptr<BssConnector> connector_;
  std::string log_;
};

TEST_F(BssConnectorTest, GetAccountWithReseller) {
  nlohmann::json account =
      Ok(Run("get_account", {{"id", 2001}, {"include", "reseller"}}));
  EXPECT_EQ(account["ID"], 2001);
  EXPECT_EQ(account["Name"], "Adatum Corporation");
  EXPECT_EQ(account["ParentAccountID"], 2000);
  EXPECT_TRUE(account["BillingAddress"].is_null());
  EXPECT_EQ(account["Reseller"]["ID"], 2000);
  EXPECT_EQ(account["Reseller"]["Email"], "partners@litware.example");
  EXPECT_EQ(account["Reseller"]["MpnID"], "1234567");
  EXPECT_EQ(account["Reseller"]["BillingAddress"]["PostalCode"], "98033");
}

TEST_F(BssConnectorTest, FindByCustomerCode) {
  nlohmann::json found = Ok(Run(
      "find_accounts",
      {{"customer_code", std::string(sim::kContosoTenantId)}}));
  EXPECT_EQ(found["TotalCount"], 1);
  ASSERT_EQ(found["Items"].size(), 1u);
  EXPECT_EQ(found["Items"][0]["ID"], 4003);
  nlohmann::json none =
      Ok(Run("find_accounts", {{"customer_code", "no-such-tenant"}}));
  EXPECT_EQ(none, nlohmann::json::parse(R"({"TotalCount":0,"Items":[]})"));
}

TEST_F(BssConnectorTest, EnsureDefinitionsTwiceChangesNothingTheSecondTime) {
  nlohmann::json args = {{"system_code", "MSCSP-DIRECT"}};
  nlohmann::json first = Ok(Run("ensure_sync_option_definitions", args));
  EXPECT_EQ(first["Created"],
            nlohmann::json::parse(R"(["Username","DomainPrefix"])"));
  size_t definitions = sim_.Snapshot().definitions.size();
  nlohmann::json second = Ok(Run("ensure_sync_option_definitions", args));
  EXPECT_EQ(second["Created"], nlohmann::json::array());
  EXPECT_EQ(second["Definitions"], first["Definitions"]);
  EXPECT_EQ(sim_.Snapshot().definitions.size(), definitions);
}

TEST_F(BssConnectorTest, EnsureDefinitionsCreatesTheCodesGiven) {
  nlohmann::json args = {
      {"system_code", "MSCSP-DIRECT"},
      {"codes", nlohmann::json::array({"Username", "DomainPrefix"})}};
  nlohmann::json first = Ok(Run("ensure_sync_option_definitions", args));
  ASSERT_EQ(sim_.Calls().back().status.value_or(0), 201);
  EXPECT_EQ(first["SystemCode"], "MSCSP-DIRECT");
  EXPECT_EQ(first["Created"],
            nlohmann::json::parse(R"(["Username","DomainPrefix"])"));
  ASSERT_EQ(first["Definitions"].size(), 2u);
  EXPECT_EQ(first["Definitions"][0]["Code"], "Username");
  EXPECT_EQ(first["Definitions"][1]["Code"], "DomainPrefix");

  nlohmann::json second = Ok(Run("ensure_sync_option_definitions", args));
  EXPECT_EQ(sim_.Calls().back().status.value_or(0), 200);
  EXPECT_EQ(second["Created"], nlohmann::json::array());
  EXPECT_EQ(second["Definitions"], first["Definitions"]);

  args["codes"] =
      nlohmann::json::array({"Username", "DomainPrefix", "ResellerMpnID"});
  engine::ActionError refused =
      Err(Run("ensure_sync_option_definitions", args));
  EXPECT_EQ(refused.kind, "invalid");
  EXPECT_EQ(refused.code, "invalid-request");
  EXPECT_EQ(refused.message,
            "MSCSP-DIRECT is a DirectProvider organisation: it has no "
            "Reseller (MPN ID) sync option.");
  EXPECT_EQ(sim_.Calls().back().status.value_or(0), 400);
  EXPECT_EQ(sim_.Snapshot().definitions.size(), 5u);  // MSCSP's 3, these 2
}

TEST_F(BssConnectorTest, TreyResearchIsUnlinked) {
  nlohmann::json account = Ok(Run("get_account", {{"id", 4004}}));
  EXPECT_EQ(account["Name"], "Trey Research");
  EXPECT_TRUE(account["CustomerCode"].is_null());
  nlohmann::json options = Ok(Run("get_sync_options", {{"account_id", 4004}}));
  ASSERT_EQ(options.size(), 3u);
  EXPECT_EQ(options[0]["Value"], "admin");
  EXPECT_EQ(options[1]["Value"], "treyresearch");
  nlohmann::json none =
      Ok(Run("find_accounts",
             {{"customer_code", std::string(sim::kTreyResearchTenantId)}}));
  EXPECT_EQ(none, nlohmann::json::parse(R"({"TotalCount":0,"Items":[]})"));
}

TEST_F(BssConnectorTest, SetSyncStatus) {
  nlohmann::json status = Ok(Run(
      "set_sync_status",
      {{"account_id", 1002},
       {"status", "failed"},
       {"message", "The billing address has no valid postal code for DE."}}));
  EXPECT_EQ(status["AccountID"], 1002);
  EXPECT_EQ(status["SystemCode"], "MSCSP");
  EXPECT_EQ(status["Status"], "Failed");
  EXPECT_EQ(status["Message"],
            "The billing address has no valid postal code for DE.");
  auto statuses = sim_.Snapshot().sync_statuses;
  ASSERT_EQ(statuses.count({1002, "MSCSP"}), 1u);
}

TEST_F(BssConnectorTest, SharedCustomerCodeNeedsAllowShared) {
  nlohmann::json args = {{"account_id", 4001},
                         {"customer_code", std::string(sim::kContosoTenantId)}};
  engine::ActionError conflict = Err(Run("set_customer_code", args));
  EXPECT_EQ(conflict.kind, "conflict");
  EXPECT_EQ(conflict.code, "customer-code-shared");
  EXPECT_EQ(conflict.message,
            "Account 4003 is already linked to customer code "
            "c0000000-0000-4000-8000-000000000001; send AllowShared: true "
            "once the user has confirmed.");
  args["allow_shared"] = true;
  nlohmann::json account = Ok(Run("set_customer_code", args));
  EXPECT_EQ(account["ID"], 4001);
  EXPECT_EQ(account["CustomerCode"], std::string(sim::kContosoTenantId));
  nlohmann::json cleared = Ok(Run("clear_customer_code", {{"account_id", 4001}}));
  EXPECT_TRUE(cleared["CustomerCode"].is_null());
}

TEST_F(BssConnectorTest, ResentNotificationIsSentOnce) {
  nlohmann::json args = {{"to", "it@northwind.example"},
                         {"subject", "Your tenant is ready"},
                         {"body", "Sign in with the password Xy7!pass2024."},
                         {"template_id", "welcome-office365"},
                         {"account_id", 1001}};
  nlohmann::json first = Ok(Run("send_notification", args, "key-1"));
  nlohmann::json again = Ok(Run("send_notification", args, "key-1"));
  EXPECT_EQ(first["ID"], 1);
  EXPECT_EQ(first["IdempotencyKey"], "key-1");
  EXPECT_EQ(again, first);
  auto notifications = sim_.Snapshot().notifications;
  ASSERT_EQ(notifications.size(), 1u);
  EXPECT_EQ(notifications[0].to, "it@northwind.example");
  EXPECT_EQ(notifications[0].idempotency_key, "key-1");
  // The body (a password) and the credentials never reach the log.
  EXPECT_EQ(log_.find("Xy7!pass2024"), std::string::npos) << log_;
  EXPECT_EQ(log_.find("demo-password"), std::string::npos) << log_;
  EXPECT_EQ(log_.find("bssflow-demo-secret"), std::string::npos) << log_;
  for (const auto& [token, unused] : sim_.Snapshot().tokens)
    EXPECT_EQ(log_.find(token), std::string::npos) << log_;
  EXPECT_NE(log_.find("POST"), std::string::npos) << log_;
}

TEST_F(BssConnectorTest, UnknownAccountIsNotFound) {
  engine::ActionError error = Err(Run("get_account", {{"id", 9999}}));
  EXPECT_EQ(error.kind, "not_found");
  EXPECT_EQ(error.code, "account-not-found");
  EXPECT_EQ(error.message, "No account has the ID 9999.");
}

TEST_F(BssConnectorTest, ThrottledCarriesRetryAfter) {
  AddFault(sim::FaultKind::kThrottle, "GET", "/api/Accounts/*", 7);
  engine::ActionError error = Err(Run("get_account", {{"id", 1001}}));
  EXPECT_EQ(error.kind, "throttled");
  EXPECT_EQ(error.code, "rate-limited");
  ASSERT_TRUE(error.retry_after.has_value());
  EXPECT_EQ(*error.retry_after, milliseconds(7000));
  // The rule is spent: the next call goes through.
  EXPECT_EQ(Ok(Run("get_account", {{"id", 1001}}))["ID"], 1001);
}

TEST_F(BssConnectorTest, SlowAnswerIsTimeout) {
  config_.call_timeout = milliseconds(300);
  EXPECT_EQ(Ok(Run("get_account", {{"id", 1001}}))["ID"], 1001);
  sim::FaultRule rule;
  rule.kind = sim::FaultKind::kLatency;
  rule.path = "/api/Accounts/*";
  rule.latency = milliseconds(1'000);
  sim_.AddFaults(sim::FaultPlan{std::nullopt, {rule}});
  engine::ActionError error = Err(Run("get_account", {{"id", 1001}}));
  EXPECT_EQ(error.kind, "timeout") << error.message;
}

TEST_F(BssConnectorTest, ExpiredTokenIsRefreshedTransparently) {
  EXPECT_EQ(Ok(Run("get_account", {{"id", 1001}}))["ID"], 1001);
  EXPECT_EQ(Connector().token_requests(), 1u);
  AddFault(sim::FaultKind::kExpireToken, "GET", "/api/Accounts/*");
  EXPECT_EQ(Ok(Run("get_account", {{"id", 1002}}))["ID"], 1002);
  EXPECT_EQ(Connector().token_requests(), 2u);
  // The refused call, the new token, the call again.
  auto calls = sim_.Calls();
  ASSERT_GE(calls.size(), 3u);
  std::vector<std::string> last;
  for (size_t i = calls.size() - 3; i < calls.size(); ++i) {
    last.push_back(calls[i].method + " " + calls[i].target + " " +
                   std::to_string(calls[i].status.value_or(0)));
  }
  EXPECT_EQ(last, (std::vector<std::string>{"GET /api/Accounts/1002 401",
                                            "POST /oauth/token 200",
                                            "GET /api/Accounts/1002 200"}));
}

TEST_F(BssConnectorTest, TokensRefusedInARowAreRenewedEachTime) {
  EXPECT_EQ(Ok(Run("get_account", {{"id", 1001}}))["ID"], 1001);
  AddFault(sim::FaultKind::kExpireToken, "GET", "/api/Accounts/*");
  AddFault(sim::FaultKind::kExpireToken, "GET", "/api/Accounts/*");
  EXPECT_EQ(Ok(Run("get_account", {{"id", 1002}}))["ID"], 1002);
  EXPECT_EQ(Connector().token_requests(), 3u);
}

TEST_F(BssConnectorTest, ATokenRefusedAfterEveryRenewalIsAuth) {
  EXPECT_EQ(Ok(Run("get_account", {{"id", 1001}}))["ID"], 1001);
  for (int i = 0; i <= kTokenRenewals; ++i)
    AddFault(sim::FaultKind::kExpireToken, "GET", "/api/Accounts/*");
  engine::ActionError error = Err(Run("get_account", {{"id", 1002}}));
  EXPECT_EQ(error.kind, "auth") << error.message;
  EXPECT_EQ(Connector().token_requests(), 1u + kTokenRenewals);
}

TEST_F(BssConnectorTest, ConcurrentCallsShareOneTokenRequest) {
  std::vector<std::pair<std::string, nlohmann::json>> calls;
  for (int id : {1001, 1002, 1003, 1004, 1005})
    calls.push_back({"get_account", {{"id", id}}});
  for (const ActionOutcome& outcome : RunAll(calls)) Ok(outcome);
  EXPECT_EQ(Connector().token_requests(), 1u);
}

TEST_F(BssConnectorTest, WrongPasswordIsAuth) {
  config_.password = "wrong";
  engine::ActionError error = Err(Run("get_account", {{"id", 1001}}));
  EXPECT_EQ(error.kind, "auth");
  EXPECT_EQ(error.code, "invalid-grant");
  EXPECT_EQ(log_.find("wrong"), std::string::npos) << log_;
}

}  // namespace
}  // namespace bssflow::connectors::bss
