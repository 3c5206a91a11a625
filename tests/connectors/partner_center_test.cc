// The partner_center connector against the Partner Center simulator over
// loopback: the simulator runs on the SimulatorHost's thread, the connector
// on an io_context run by the test thread.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/partner_center/partner_center_connector.h"
#include "dsl/json_value.h"
#include "simulators/host/simulator_host.h"
#include "simulators/partner_center/partner_center_simulator.h"

namespace bssflow::connectors::partner_center {
namespace {

namespace asio = boost::asio;
namespace sim = simulators::partner_center;
using engine::ActionOutcome;
using std::chrono::milliseconds;

constexpr char kTokenRoute[] = "POST /{tenant}/oauth2/token";

class PartnerCenterConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::string> url = host_.Add(
        [this](const simulators::HttpRequest& r) { return sim_.Handle(r); });
    ASSERT_TRUE(url.ok()) << url.status().message();
    url_ = url.value();
    ASSERT_TRUE(host_.Start().ok());
    config_.api_base_url = url_;
    config_.login_base_url = url_;
    config_.client_id = std::string(sim::kDemoClientId);
    config_.client_secret = std::string(sim::kDemoClientSecret);
    config_.call_timeout = milliseconds(2'000);
  }
  void TearDown() override {
    connector_.reset();
    host_.Stop();
  }

  PartnerCenterConnector& Connector() {
    if (!connector_) {
      PartnerCenterEnvironment env;
      env.now = [this] { return std::chrono::system_clock::now() + skew_; };
      env.log = [this](const net::LogLine& line) {
        log_ += net::FormatLogLine(line) + "\n";
      };
      auto made = PartnerCenterConnector::Create(io_.get_executor(), config_,
                                                 std::move(env));
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
      std::string action = "partner_center." + calls[i].first;
      asio::co_spawn(
          io_,
          [&, i, action, args, ctx]() -> asio::awaitable<void> {
            outcomes[i] = co_await Connector().Call(action, args, ctx);
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

  uint64_t Count(const std::string& route) {
    auto counts = sim_.Snapshot().call_counts;
    auto it = counts.find(route);
    return it == counts.end() ? 0 : it->second;
  }

  void SetFault(sim::FaultRule rule) { sim_.SetFaultPlan({1, {rule}}); }

  static nlohmann::json NewCustomer(const std::string& prefix) {
    return {{"domain_prefix", prefix},
            {"company_name", "New Co"},
            {"email", "owner@newco.com"},
            {"first_name", "Jane"},
            {"last_name", "Doe"},
            {"phone", "4255550101"},
            {"address",
             {{"line1", "1 Microsoft Way"},
              {"city", "Redmond"},
              {"state", "WA"},
              {"postal_code", "98052"},
              {"country", "US"}}}};
  }

  sim::PartnerCenterSimulator sim_;
  simulators::SimulatorHost host_;
  std::string url_;
  PartnerCenterConfig config_;
  asio::io_context io_;
  std::chrono::seconds skew_{0};
  std::string log_;
  std::unique_ptr<PartnerCenterConnector> connector_;
};

TEST_F(PartnerCenterConnectorTest, TokenIsFetchedOnceForConcurrentCalls) {
  std::vector<ActionOutcome> outcomes = RunAll(
      {{"check_domain", {{"domain", "newco"}}},
       {"check_domain", {{"domain", "tailspin.onmicrosoft.com"}}},
       {"get_customer", {{"customer_id", "c0000000-0000-4000-8000-000000000003"}}},
       {"agreement_status", {{"mpn_id", 1234567}}}});
  EXPECT_EQ(Ok(outcomes[0]),
            nlohmann::json::parse(
                R"({"domain": "newco.onmicrosoft.com", "available": true})"));
  EXPECT_EQ(Ok(outcomes[1])["available"], false);
  EXPECT_EQ(Ok(outcomes[2])["companyProfile"]["domain"],
            "contosobikes.onmicrosoft.com");
  EXPECT_EQ(Ok(outcomes[3])["isAgreementSigned"], true);
  EXPECT_EQ(Count(kTokenRoute), 1u);
  Ok(Run("check_domain", {{"domain", "fabrikam.onmicrosoft.com"}}));
  EXPECT_EQ(Count(kTokenRoute), 1u);
  EXPECT_EQ(Connector().token_requests(), 1u);
}

TEST_F(PartnerCenterConnectorTest, SecretsNeverReachTheLog) {
  nlohmann::json customer =
      Ok(Run("create_customer", NewCustomer("logco"), "key-log"));
  std::string password = customer["userCredentials"]["password"];
  ASSERT_FALSE(password.empty());
  EXPECT_NE(log_.find("oauth2/token"), std::string::npos);
  EXPECT_EQ(log_.find(sim::kDemoClientSecret), std::string::npos);
  EXPECT_EQ(log_.find(password), std::string::npos);
  EXPECT_EQ(log_.find("Bearer "), std::string::npos);
}

TEST_F(PartnerCenterConnectorTest, TokenRefreshedBeforeExpiry) {
  Ok(Run("check_domain", {{"domain", "newco"}}));
  skew_ = std::chrono::seconds(3599 - 299);  // inside the 5 min margin
  Ok(Run("check_domain", {{"domain", "newco"}}));
  EXPECT_EQ(Count(kTokenRoute), 2u);
}

TEST_F(PartnerCenterConnectorTest, RevokedTokenIsRefreshedOnceTransparently) {
  Ok(Run("check_domain", {{"domain", "newco"}}));
  SetFault({sim::FaultKind::kExpireTokens, "", "/v1/*", 1});
  std::vector<ActionOutcome> outcomes =
      RunAll({{"get_customer", {{"customer_id", "c0000000-0000-4000-8000-000000000001"}}},
              {"check_domain", {{"domain", "contoso.com"}}},
              {"country_rules", {{"country", "us"}}}});
  EXPECT_EQ(Ok(outcomes[0])["companyProfile"]["companyName"], "Contoso Ltd");
  EXPECT_EQ(Ok(outcomes[1])["available"], false);
  EXPECT_EQ(Ok(outcomes[2])["postalCodeRegex"], "^\\d{5}(-\\d{4})?$");
  EXPECT_EQ(Count(kTokenRoute), 2u);
}

TEST_F(PartnerCenterConnectorTest, TokensRevokedInARowAreRenewedEachTime) {
  Ok(Run("check_domain", {{"domain", "newco"}}));
  SetFault({sim::FaultKind::kExpireTokens, "", "/v1/domains/*", 2});
  EXPECT_EQ(Ok(Run("check_domain", {{"domain", "contoso.com"}}))["available"],
            false);
  EXPECT_EQ(Count(kTokenRoute), 3u);
}

TEST_F(PartnerCenterConnectorTest, ATokenRefusedAfterEveryRenewalIsAuth) {
  Ok(Run("check_domain", {{"domain", "newco"}}));
  SetFault({sim::FaultKind::kExpireTokens, "", "/v1/domains/*", -1});
  engine::ActionError error = Err(Run("check_domain", {{"domain", "contoso.com"}}));
  EXPECT_EQ(error.kind, "auth") << error.message;
  EXPECT_EQ(error.code, "401");
  // The first token, then one new token per refusal, kTokenRenewals times.
  EXPECT_EQ(Count(kTokenRoute), 1u + kTokenRenewals);
}

TEST_F(PartnerCenterConnectorTest, FindCustomerByDomainMatchesExactlyAcrossPages) {
  config_.search_page_size = 1;
  Ok(Run("create_customer", NewCustomer("newcoextra"), "key-e"));
  Ok(Run("create_customer", NewCustomer("newco"), "key-n"));
  uint64_t searches = Count("GET /v1/customers");
  nlohmann::json newco =
      Ok(Run("find_customer_by_domain", {{"domain", "NEWCO.onmicrosoft.com"}}));
  EXPECT_EQ(newco["found"], true);
  EXPECT_EQ(newco["customer"]["companyProfile"]["domain"], "newco.onmicrosoft.com");
  EXPECT_EQ(Count("GET /v1/customers") - searches, 2u);  // newcoextra came first

  nlohmann::json bikes =
      Ok(Run("find_customer_by_domain", {{"domain", "ContosoBikes.onmicrosoft.com"}}));
  EXPECT_EQ(bikes["found"], true);
  EXPECT_EQ(bikes["customer"]["id"], "c0000000-0000-4000-8000-000000000003");
  // "contoso" finds Contoso Ltd (contoso.com) first, one per page.
  nlohmann::json initial =
      Ok(Run("find_customer_by_domain", {{"domain", "contoso.onmicrosoft.com"}}));
  EXPECT_EQ(initial["found"], false);  // its default domain is contoso.com

  nlohmann::json alias = Ok(Run("find_customer_by_domain", {{"domain", "contoso.com"}}));
  EXPECT_EQ(alias["customer"]["companyProfile"]["companyName"], "Contoso Ltd");

  nlohmann::json none =
      Ok(Run("find_customer_by_domain", {{"domain", "tailspin.onmicrosoft.com"}}));
  EXPECT_EQ(none, nlohmann::json::parse(R"({"found": false, "customer": null})"));
  nlohmann::json prefix_only = Ok(Run("find_customer_by_domain", {{"domain", "contoso.co"}}));
  EXPECT_EQ(prefix_only["found"], false);
}

TEST_F(PartnerCenterConnectorTest, CreateCustomerIsIdempotentByKey) {
  size_t tenants = sim_.Snapshot().tenants.size();
  nlohmann::json first = Ok(Run("create_customer", NewCustomer("NewCo"), "key-1"));
  EXPECT_EQ(first["companyProfile"]["domain"], "newco.onmicrosoft.com");
  EXPECT_EQ(first["userCredentials"]["userName"], "admin");
  EXPECT_FALSE(first["userCredentials"]["password"].get<std::string>().empty());
  nlohmann::json again = Ok(Run("create_customer", NewCustomer("NewCo"), "key-1"));
  EXPECT_EQ(again["id"], first["id"]);
  EXPECT_EQ(again["userCredentials"], first["userCredentials"]);
  EXPECT_EQ(sim_.Snapshot().tenants.size(), tenants + 1);
  EXPECT_EQ(sim_.Snapshot().calls.back().request_id, "key-1");

  engine::ActionError taken =
      Err(Run("create_customer", NewCustomer("newco"), "key-2"));
  EXPECT_EQ(taken.kind, "conflict");
  EXPECT_EQ(taken.code, "2003");
  EXPECT_EQ(taken.message,
            "The domain specified during customer creation is already used by "
            "another tenant.");
}

TEST_F(PartnerCenterConnectorTest, TimeoutAfterCommitThenResendGetsTheCustomer) {
  sim::FaultRule rule{sim::FaultKind::kTimeoutAfterCommit, "POST", "/v1/customers", 1};
  rule.delay = milliseconds(4'000);
  SetFault(rule);
  size_t tenants = sim_.Snapshot().tenants.size();
  engine::ActionError lost =
      Err(Run("create_customer", NewCustomer("halfway"), "key-t"));
  EXPECT_EQ(lost.kind, "timeout");
  EXPECT_EQ(lost.message, "POST " + url_ +
                              "/v1/customers: no response within the total "
                              "timeout of 2000 ms");
  nlohmann::json resent = Ok(Run("create_customer", NewCustomer("halfway"), "key-t"));
  EXPECT_EQ(resent["companyProfile"]["domain"], "halfway.onmicrosoft.com");
  EXPECT_FALSE(resent["userCredentials"]["password"].get<std::string>().empty());
  sim::PartnerCenterState state = sim_.Snapshot();
  EXPECT_EQ(state.tenants.size(), tenants + 1);
  EXPECT_EQ(state.created_by_request_id["customer|key-t"], resent["id"]);
}

TEST_F(PartnerCenterConnectorTest, ThrottledWithRetryAfter) {
  sim::FaultRule rule{sim::FaultKind::kThrottle, "", "/v1/customers/*", 1};
  rule.retry_after_seconds = 7;
  SetFault(rule);
  engine::ActionError error = Err(
      Run("get_customer", {{"customer_id", "c0000000-0000-4000-8000-000000000001"}}));
  EXPECT_EQ(error.kind, "throttled");
  EXPECT_EQ(error.code, "429");
  EXPECT_EQ(error.message, "Rate limit is exceeded. Try again in 7 seconds.");
  EXPECT_EQ(error.retry_after, milliseconds(7'000));
  EXPECT_EQ(Count("GET /v1/customers/{id}"), 1u);  // the client did not retry
}

TEST_F(PartnerCenterConnectorTest, ServiceUnavailableIsRetryable) {
  sim::FaultRule rule{sim::FaultKind::kServerError, "POST", "/v1/customers", 1};
  rule.status = 503;
  SetFault(rule);
  engine::ActionError error =
      Err(Run("create_customer", NewCustomer("unavail"), "key-503"));
  EXPECT_EQ(error.kind, "retryable");
  EXPECT_EQ(error.code, "503");
  EXPECT_EQ(error.message,
            "Simulated fault: Service Unavailable. Try again later.");
  EXPECT_EQ(Count("POST /v1/customers"), 1u);
  Ok(Run("create_customer", NewCustomer("unavail"), "key-503"));
}

TEST_F(PartnerCenterConnectorTest, ValidationErrorIsInvalidWithCode) {
  nlohmann::json args = NewCustomer("ivanco");
  args.erase("phone");
  args["address"] = {{"line1", "Tverskaya 1"}, {"city", "Moscow"},
                     {"postal_code", "101000"}, {"country", "RU"}};
  engine::ActionError error = Err(Run("create_customer", args, "key-ru"));
  EXPECT_EQ(error.kind, "invalid");
  EXPECT_EQ(error.code, "600051");
  EXPECT_EQ(error.message,
            "defaultAddress.phoneNumber is required for customers in RU.");
  engine::ActionError missing =
      Err(Run("create_customer", {{"domain_prefix", "x"}}, "key-x"));
  EXPECT_EQ(missing.kind, "invalid");
  EXPECT_EQ(missing.message,
            "partner_center.create_customer: argument 'email' is required");
}

TEST_F(PartnerCenterConnectorTest, MpnLookups) {
  engine::ActionError unknown =
      Err(Run("get_mpn_profile", {{"mpn_id", "1111111"}}));
  EXPECT_EQ(unknown.kind, "not_found");
  EXPECT_EQ(unknown.code, "3000");
  EXPECT_EQ(unknown.message, "The partner with MPN ID '1111111' was not found.");
  EXPECT_EQ(Ok(Run("get_mpn_profile", nlohmann::json::object()))["mpnId"], "9999999");

  nlohmann::json adatum = Ok(Run("find_indirect_reseller", {{"mpn_id", 1234567}}));
  EXPECT_EQ(adatum["id"], "a0000000-0000-4000-8000-000000000001");
  engine::ActionError not_reseller =
      Err(Run("find_indirect_reseller", {{"mpn_id", "5555555"}}));
  EXPECT_EQ(not_reseller.kind, "not_found");
  EXPECT_EQ(not_reseller.message,
            "no indirect reseller with MPN ID 5555555 has a relationship with "
            "this partner");
  EXPECT_EQ(Ok(Run("agreement_status", {{"mpn_id", "7654321"}}))["isAgreementSigned"],
            false);
}

TEST_F(PartnerCenterConnectorTest, AddressesAndCountryRules) {
  nlohmann::json verified = Ok(Run(
      "validate_address",
      {{"address", {{"line1", "1 Microsoft Way"}, {"city", "Redmond"},
                    {"state", "WA"}, {"postal_code", "98052"}, {"country", "US"}}}}));
  EXPECT_EQ(verified["status"], "Verified");
  nlohmann::json bad = Ok(Run(
      "validate_address",
      {{"address", {{"line1", "1 Microsoft Way"}, {"city", "Redmond"},
                    {"state", "WA"}, {"postal_code", "9805"}, {"country", "US"}}}}));
  EXPECT_EQ(bad["status"], "None");
  engine::ActionError no_rule = Err(Run("country_rules", {{"country", "ZZ"}}));
  EXPECT_EQ(no_rule.kind, "not_found");
}

TEST_F(PartnerCenterConnectorTest, AppPlusUserCreatesUsersAndAcceptsAgreement) {
  config_.refresh_token = std::string(sim::kDemoRefreshToken);
  nlohmann::json customer = Ok(Run("create_customer", NewCustomer("userco"), "key-c"));
  std::string id = customer["id"];
  nlohmann::json user = Ok(Run("create_user",
                               {{"customer_id", id},
                                {"user_principal_name", "jane@userco.onmicrosoft.com"},
                                {"first_name", "Jane"}, {"last_name", "Doe"},
                                {"usage_location", "US"}, {"password", "Str0ng-Pass"}},
                               "key-u"));
  EXPECT_EQ(user["state"], "active");
  // A password the workflow gave is not reported back (the simulator
  // echoes none).
  EXPECT_FALSE(user.contains("passwordProfile"));
  nlohmann::json users = Ok(Run("list_users", {{"customer_id", id}}));
  EXPECT_EQ(users["totalCount"], users["items"].size());
  EXPECT_GE(users["items"].size(), 1u);
  nlohmann::json agreement = Ok(Run("accept_customer_agreement",
                                    {{"customer_id", id}, {"first_name", "Jane"},
                                     {"last_name", "Doe"}, {"email", "jane@newco.com"}},
                                    "key-a"));
  EXPECT_EQ(agreement["templateId"], "117a1e3c-7f3c-4dd4-8b37-5a6c3b0f6c2e");
  EXPECT_EQ(sim_.Snapshot().FindTenant(id)->agreements.size(), 1u);
}

// The rule a derived password meets: 16 characters from the readable,
// mail-safe set, with an upper-case letter, a lower-case one, a digit and a
// symbol.
bool MeetsPasswordRule(const std::string& password) {
  auto has = [&password](std::string_view set) {
    return password.find_first_of(set) != std::string::npos;
  };
  return password.size() == 16 &&
         password.find_first_not_of(
             "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
             "!@#$%*-_+=?") == std::string::npos &&
         has("ABCDEFGHJKLMNPQRSTUVWXYZ") && has("abcdefghijkmnopqrstuvwxyz") &&
         has("23456789") && has("!@#$%*-_+=?");
}

TEST_F(PartnerCenterConnectorTest, CreateUserWithoutPasswordDerivesAndReplaysIt) {
  config_.refresh_token = std::string(sim::kDemoRefreshToken);
  const std::string id = "c0000000-0000-4000-8000-000000000001";  // Contoso
  nlohmann::json args = {{"customer_id", id},
                         {"user_principal_name", "GlobalAdmin@contoso.onmicrosoft.com"},
                         {"first_name", "Grace"}, {"last_name", "Admin"},
                         {"usage_location", "gb"}};
  size_t users = sim_.Snapshot().FindTenant(id)->users.size();
  nlohmann::json user = Ok(Run("create_user", args, "key-admin"));
  // HMAC-SHA256(demo-client-secret, "create_user:key-admin"), as
  // initial_password_test.cc pins it.
  const std::string password = "2pZnYdSR?fM@EN=5";
  EXPECT_TRUE(MeetsPasswordRule(user["passwordProfile"]["password"].get<std::string>()));
  EXPECT_EQ(user, nlohmann::json({{"id", user["id"]},
                                  {"userPrincipalName", "globaladmin@contoso.onmicrosoft.com"},
                                  {"firstName", "Grace"},
                                  {"lastName", "Admin"},
                                  {"displayName", "Grace Admin"},
                                  {"usageLocation", "GB"},
                                  {"state", "active"},
                                  {"userDomainType", "none"},
                                  {"attributes", {{"objectType", "CustomerUser"}}},
                                  {"passwordProfile", {{"password", password}}}}));
  EXPECT_EQ(log_.find(password), std::string::npos);

  sim::PartnerCenterState state = sim_.Snapshot();
  const sim::Tenant* tenant = state.FindTenant(id);
  ASSERT_EQ(tenant->users.size(), users + 1);
  EXPECT_EQ(tenant->users.back().id, user["id"]);
  EXPECT_EQ(tenant->users.back().user_principal_name,
            "globaladmin@contoso.onmicrosoft.com");
  EXPECT_EQ(tenant->users.back().display_name, "Grace Admin");
  EXPECT_EQ(tenant->users.back().usage_location, "GB");
  EXPECT_EQ(state.created_by_request_id["user|" + id + "|key-admin"], user["id"]);
  EXPECT_EQ(state.calls.back().route, "POST /v1/customers/{id}/users");
  EXPECT_EQ(state.calls.back().request_id, "key-admin");
  EXPECT_EQ(state.calls.back().status, 200);

  // The resend after a crash: same key, so the simulator replays the user
  // and the connector reports the same password.
  nlohmann::json again = Ok(Run("create_user", args, "key-admin"));
  EXPECT_EQ(again, user);
  EXPECT_EQ(sim_.Snapshot().FindTenant(id)->users.size(), users + 1);
  EXPECT_EQ(Count("POST /v1/customers/{id}/users"), 2u);
}

TEST_F(PartnerCenterConnectorTest, CreateUserWithoutPasswordNeedsAClientSecret) {
  config_.client_secret = "";
  engine::ActionError error = Err(Run(
      "create_user",
      {{"customer_id", "c0000000-0000-4000-8000-000000000001"},
       {"user_principal_name", "globaladmin@contoso.onmicrosoft.com"},
       {"first_name", "Grace"}, {"last_name", "Admin"}, {"usage_location", "GB"}},
      "key-admin"));
  EXPECT_EQ(error.kind, "fatal");
  EXPECT_EQ(error.message,
            "partner_center.create_user: cannot derive an initial password: "
            "the connector has no client_secret to key it with; configure "
            "client_secret, or give the 'password' argument");
  EXPECT_EQ(Count("POST /v1/customers/{id}/users"), 0u);
}

TEST_F(PartnerCenterConnectorTest, WrongSecretIsAuth) {
  config_.client_secret = "wrong";
  engine::ActionError error = Err(Run("check_domain", {{"domain", "x"}}));
  EXPECT_EQ(error.kind, "auth");
  EXPECT_EQ(error.code, "invalid_client");
}

TEST_F(PartnerCenterConnectorTest, UnknownActionIsFatal) {
  engine::ActionError error = Err(Run("delete_everything", nlohmann::json::object()));
  EXPECT_EQ(error.kind, "fatal");
  EXPECT_EQ(error.message,
            "the partner_center connector has no action "
            "'partner_center.delete_everything'");
}

TEST(PartnerCenterManifestTest, NamesAndSecrets) {
  engine::ActionCatalog catalog;
  for (engine::ActionSpec& spec : Manifest())
    ASSERT_TRUE(catalog.Add(std::move(spec)).ok());
  EXPECT_EQ(catalog.Names().size(), 12u);
  const engine::ActionSpec* create = catalog.Find("partner_center.create_customer");
  ASSERT_NE(create, nullptr);
  EXPECT_EQ(create->secret_fields, std::vector<std::string>{"userCredentials.password"});
  const engine::ActionSpec* user = catalog.Find("partner_center.create_user");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->secret_fields, std::vector<std::string>{"passwordProfile.password"});
  std::vector<std::string> required;
  for (const engine::ActionArgument& argument : user->arguments)
    if (argument.required) required.push_back(argument.name);
  EXPECT_EQ(required, (std::vector<std::string>{"customer_id", "user_principal_name",
                                                "first_name", "last_name",
                                                "usage_location"}));
}

}  // namespace
}  // namespace bssflow::connectors::partner_center
