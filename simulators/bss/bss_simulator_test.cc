// The BSS simulator: OAuth2 tokens and their expiry, routing, accounts and
// customer codes. Sync options, notifications, faults and /_sim/ have their
// own test files.
#include "simulators/bss/bss_simulator.h"

#include <gtest/gtest.h>

#include <string>

#include "simulators/bss/bss_test_fixture.h"

namespace bssflow::simulators::bss {
namespace {

using nlohmann::json;

constexpr const char* kContoso = "c0000000-0000-4000-8000-000000000001";

TEST_F(BssSimulatorTest, PasswordGrantIssuesAnHourLongToken) {
  SimulatedResponse response =
      sim_->Handle(TokenRequest(kDemoBasic, kDemoForm));
  ASSERT_EQ(Status(response), 200);
  EXPECT_EQ(Header(response, http::field::content_type),
            "application/json; charset=utf-8");
  EXPECT_EQ(Header(response, http::field::cache_control), "no-store");
  json body = Body(response);
  std::string token = body["access_token"];
  EXPECT_EQ(token.rfind("bss-", 0), 0u);
  EXPECT_EQ(token.size(), 36u);
  body.erase("access_token");
  EXPECT_EQ(body, json::parse(R"({"token_type": "bearer", "expires_in": 3600,
      "userName": "integration@bss.example",
      ".expires": "2024-05-01T13:00:00Z"})"));
  EXPECT_NE(
      Body(sim_->Handle(TokenRequest(kDemoBasic, kDemoForm)))["access_token"],
      token);
}

TEST_F(BssSimulatorTest, WrongClientSecretIsInvalidClient) {
  // base64("bssflow-demo-client:wrong")
  SimulatedResponse response = sim_->Handle(
      TokenRequest("YnNzZmxvdy1kZW1vLWNsaWVudDp3cm9uZw==", kDemoForm));
  EXPECT_EQ(Status(response), 401);
  EXPECT_EQ(Header(response, http::field::content_type),
            "application/problem+json");
  EXPECT_EQ(Header(response, http::field::www_authenticate),
            "Basic realm=\"bss\"");
  const char* detail =
      "Send the client key and secret as HTTP Basic credentials; these were "
      "missing or wrong.";
  json expected = Problem("invalid-client", "Client authentication failed", 401,
                          detail, "/oauth/token");
  expected["error"] = "invalid_client";
  expected["error_description"] = detail;
  EXPECT_EQ(Body(response), expected);
}

TEST_F(BssSimulatorTest, WrongPasswordIsInvalidGrant) {
  SimulatedResponse response = sim_->Handle(TokenRequest(
      kDemoBasic,
      "grant_type=password&username=integration%40bss.example&password=x"));
  EXPECT_EQ(Status(response), 400);
  json body = Body(response);
  EXPECT_EQ(body["type"], "urn:bss:problem:invalid-grant");
  EXPECT_EQ(body["error"], "invalid_grant");
  EXPECT_EQ(body["error_description"],
            "The user name or password is incorrect.");
}

TEST_F(BssSimulatorTest, OnlyThePasswordGrantIsSupported) {
  SimulatedResponse response =
      sim_->Handle(TokenRequest(kDemoBasic, "grant_type=client_credentials"));
  EXPECT_EQ(Status(response), 400);
  EXPECT_EQ(Body(response)["error"], "unsupported_grant_type");
  EXPECT_EQ(Body(response)["detail"], "grant_type must be \"password\".");
}

TEST_F(BssSimulatorTest, ApiWithoutTokenIs401) {
  SimulatedResponse response =
      sim_->Handle(Request(http::verb::get, "/api/Accounts/1001", "", false));
  EXPECT_EQ(Status(response), 401);
  EXPECT_EQ(Header(response, http::field::www_authenticate),
            "Bearer realm=\"bss\"");
  EXPECT_EQ(Body(response),
            Problem("missing-token", "Authentication required", 401,
                    "Send \"Authorization: Bearer <token>\" with a token from "
                    "POST /oauth/token.",
                    "/api/Accounts/1001"));
}

TEST_F(BssSimulatorTest, UnknownTokenIs401InvalidToken) {
  HttpRequest request =
      Request(http::verb::get, "/api/Accounts/1001", "", false);
  request.set(http::field::authorization, "Bearer bss-made-up");
  SimulatedResponse response = sim_->Handle(request);
  EXPECT_EQ(Status(response), 401);
  EXPECT_EQ(Header(response, http::field::www_authenticate),
            "Bearer realm=\"bss\", error=\"invalid_token\", "
            "error_description=\"The access token is not valid\"");
  EXPECT_EQ(Body(response)["type"], "urn:bss:problem:invalid-token");
}

TEST_F(BssSimulatorTest, TokenExpiresAfterItsLifetime) {
  Token();
  now_ += std::chrono::seconds(3599);
  EXPECT_EQ(Status(Send(http::verb::get, "/api/Accounts/1001")), 200);
  now_ += std::chrono::seconds(1);
  SimulatedResponse response = Send(http::verb::get, "/api/Accounts/1001");
  EXPECT_EQ(Status(response), 401);
  EXPECT_EQ(Header(response, http::field::www_authenticate),
            "Bearer realm=\"bss\", error=\"invalid_token\", "
            "error_description=\"The access token expired\"");
  EXPECT_EQ(Body(response),
            Problem("token-expired", "Access token expired", 401,
                    "The access token expired at 2024-05-01T13:00:00Z; get a "
                    "new one from POST /oauth/token.",
                    "/api/Accounts/1001"));
  token_.clear();  // a new token works again
  EXPECT_EQ(Status(Send(http::verb::get, "/api/Accounts/1001")), 200);
}

TEST_F(BssSimulatorTest, UnknownRouteIs404AndWrongMethodIs405) {
  SimulatedResponse missing = Send(http::verb::get, "/api/Nothing");
  EXPECT_EQ(Status(missing), 404);
  EXPECT_EQ(Body(missing),
            Problem("route-not-found", "No such endpoint", 404,
                    "No endpoint answers /api/Nothing.", "/api/Nothing"));
  SimulatedResponse wrong =
      Send(http::verb::post, "/api/Accounts/1001/customercode", "{}");
  EXPECT_EQ(Status(wrong), 405);
  EXPECT_EQ(Header(wrong, http::field::allow), "PUT, DELETE");
  EXPECT_EQ(Body(wrong)["detail"],
            "/api/Accounts/1001/customercode accepts PUT, DELETE.");
}

TEST_F(BssSimulatorTest, GetAccountReturnsTheWholeAccount) {
  SimulatedResponse response = Send(http::verb::get, "/api/Accounts/1001");
  ASSERT_EQ(Status(response), 200);
  EXPECT_EQ(Body(response), json::parse(R"({
      "ID": 1001, "Name": "Northwind Traders", "ParentAccountID": null,
      "IsReseller": false, "MpnID": null, "Phone": "+1 425 555 0100",
      "Email": "it@northwind.example", "CustomerCode": null,
      "PrimaryContact": {"FirstName": "Alex", "LastName": "Wilber"},
      "BillingAddress": {"AddressLine1": "1 Microsoft Way",
        "AddressLine2": "", "City": "Redmond", "State": "WA",
        "PostalCode": "98052", "Country": "US"}})"));
  // Path literals ignore case, as in the known API.
  EXPECT_EQ(Body(Send(http::verb::get, "/API/accounts/1001")), Body(response));
}

TEST_F(BssSimulatorTest, IncludeResellerEmbedsTheParentAccount) {
  json adatum =
      Body(Send(http::verb::get, "/api/Accounts/2001?include=Reseller"));
  EXPECT_EQ(adatum["ParentAccountID"], 2000);
  EXPECT_EQ(adatum["BillingAddress"], nullptr);
  EXPECT_EQ(adatum["Reseller"],
            Body(Send(http::verb::get, "/api/Accounts/2000")));
  EXPECT_EQ(adatum["Reseller"]["IsReseller"], true);
  EXPECT_EQ(adatum["Reseller"]["MpnID"], "1234567");
  EXPECT_EQ(adatum["Reseller"]["Email"], "partners@litware.example");
  json northwind =
      Body(Send(http::verb::get, "/api/Accounts/1001?include=reseller"));
  EXPECT_EQ(northwind["Reseller"], nullptr);
  SimulatedResponse bad = Send(http::verb::get, "/api/Accounts/1001?include=x");
  EXPECT_EQ(Status(bad), 400);
  EXPECT_EQ(Body(bad)["detail"],
            "include accepts only \"Reseller\", not \"x\".");
}

TEST_F(BssSimulatorTest, UnknownAccountIs404) {
  for (const char* id : {"9999", "abc", "-1"}) {
    SimulatedResponse response =
        Send(http::verb::get, std::string("/api/Accounts/") + id);
    EXPECT_EQ(Status(response), 404);
    EXPECT_EQ(Body(response),
              Problem("account-not-found", "Account not found", 404,
                      std::string("No account has the ID ") + id + ".",
                      std::string("/api/Accounts/") + id));
  }
}

TEST_F(BssSimulatorTest, FindAccountsByCustomerCodeIgnoresCase) {
  std::string upper = "C0000000-0000-4000-8000-000000000001";
  json found =
      Body(Send(http::verb::get, "/api/Accounts?customerCode=" + upper));
  EXPECT_EQ(found["TotalCount"], 1);
  ASSERT_EQ(found["Items"].size(), 1u);
  EXPECT_EQ(found["Items"][0]["ID"], 4003);
  EXPECT_EQ(found["Items"][0]["CustomerCode"], kContoso);
  json none = Body(Send(http::verb::get, "/api/Accounts?customerCode=nobody"));
  EXPECT_EQ(none, json::parse(R"({"TotalCount": 0, "Items": []})"));
}

TEST_F(BssSimulatorTest, ListAccountsFiltersByParentAndPages) {
  json litware =
      Body(Send(http::verb::get, "/api/Accounts?parentAccountID=2000"));
  EXPECT_EQ(litware["TotalCount"], 2);
  EXPECT_EQ(litware["Items"][0]["ID"], 2001);
  EXPECT_EQ(litware["Items"][1]["ID"], 2002);
  json page = Body(Send(http::verb::get, "/api/Accounts?skip=2&take=3"));
  EXPECT_EQ(page["TotalCount"], 15);
  ASSERT_EQ(page["Items"].size(), 3u);
  EXPECT_EQ(page["Items"][0]["ID"], 1003);
  EXPECT_EQ(page["Items"][2]["ID"], 1005);
  SimulatedResponse bad = Send(http::verb::get, "/api/Accounts?take=0");
  EXPECT_EQ(Status(bad), 400);
  EXPECT_EQ(Body(bad)["detail"],
            "parentAccountID must be a positive integer, skip an integer >= 0 "
            "and take an integer from 1 to 500.");
}

TEST_F(BssSimulatorTest, LinkingToACodeAnotherAccountHoldsNeedsAllowShared) {
  std::string body = std::string(R"({"CustomerCode": ")") + kContoso + "\"}";
  SimulatedResponse refused =
      Send(http::verb::put, "/api/Accounts/4001/customercode", body);
  EXPECT_EQ(Status(refused), 409);
  json expected = Problem(
      "customer-code-shared",
      "An Account with the same Customer Code already exists in BSS", 409,
      std::string("Account 4003 is already linked to customer code ") +
          kContoso + "; send AllowShared: true once the user has confirmed.",
      "/api/Accounts/4001/customercode");
  expected["AccountIDs"] = {4003};
  EXPECT_EQ(Body(refused), expected);
  EXPECT_EQ(sim_->Snapshot().accounts.at(4001).customer_code, "");

  std::string shared = std::string(R"({"CustomerCode": ")") + kContoso +
                       R"(", "AllowShared": true})";
  SimulatedResponse linked =
      Send(http::verb::put, "/api/Accounts/4001/customercode", shared);
  EXPECT_EQ(Status(linked), 200);
  EXPECT_EQ(Body(linked)["CustomerCode"], kContoso);
  json found = Body(Send(
      http::verb::get, std::string("/api/Accounts?customerCode=") + kContoso));
  EXPECT_EQ(found["TotalCount"], 2);
  // Linking again to the same code changes nothing and succeeds.
  EXPECT_EQ(
      Status(Send(http::verb::put, "/api/Accounts/4001/customercode", body)),
      200);
}

TEST_F(BssSimulatorTest, LinkingALinkedAccountElsewhereIs409UntilUnlinked) {
  const char* other = R"({"CustomerCode": "other-tenant"})";
  SimulatedResponse refused =
      Send(http::verb::put, "/api/Accounts/4003/customercode", other);
  EXPECT_EQ(Status(refused), 409);
  EXPECT_EQ(Body(refused)["type"], "urn:bss:problem:customer-code-conflict");
  EXPECT_EQ(Body(refused)["detail"],
            std::string("Account 4003 is already linked to customer code ") +
                kContoso +
                "; unlink it first (DELETE /api/Accounts/4003/customercode).");
  SimulatedResponse unlinked =
      Send(http::verb::delete_, "/api/Accounts/4003/customercode");
  EXPECT_EQ(Status(unlinked), 200);
  EXPECT_EQ(Body(unlinked)["CustomerCode"], nullptr);
  SimulatedResponse relinked =
      Send(http::verb::put, "/api/Accounts/4003/customercode", other);
  EXPECT_EQ(Status(relinked), 200);
  EXPECT_EQ(Body(relinked)["CustomerCode"], "other-tenant");
}

TEST_F(BssSimulatorTest, CustomerCodeBodyIsChecked) {
  for (const char* body :
       {"", "[]", "{}", R"({"CustomerCode": ""})", R"({"CustomerCode": 5})",
        R"({"CustomerCode": "x", "AllowShared": "yes"})"}) {
    SimulatedResponse response =
        Send(http::verb::put, "/api/Accounts/1001/customercode", body);
    EXPECT_EQ(Status(response), 400) << body;
  }
  EXPECT_EQ(Body(Send(http::verb::put, "/api/Accounts/1001/customercode", "{")),
            Problem("invalid-request", "The request is invalid", 400,
                    "The request body is not valid JSON.",
                    "/api/Accounts/1001/customercode"));
}

TEST_F(BssSimulatorTest, DemoWithoutContosoCodeLeavesTheTenantUnlinked) {
  DemoSeedOptions options;
  options.contoso_customer_code = "";
  Restart(DemoSeed(options));
  json found = Body(Send(
      http::verb::get, std::string("/api/Accounts?customerCode=") + kContoso));
  EXPECT_EQ(found["TotalCount"], 0);
  std::string body = std::string(R"({"CustomerCode": ")") + kContoso + "\"}";
  EXPECT_EQ(
      Status(Send(http::verb::put, "/api/Accounts/4001/customercode", body)),
      200);
}

TEST_F(BssSimulatorTest, TreyResearchIsAnUnlinkedDirectCustomer) {
  EXPECT_EQ(Body(Send(http::verb::get, "/api/Accounts/4004?include=Reseller")),
            json::parse(R"({
      "ID": 4004, "Name": "Trey Research", "ParentAccountID": null,
      "IsReseller": false, "MpnID": null, "Phone": "+1 206 555 0404",
      "Email": "it@treyresearch.example", "CustomerCode": null,
      "PrimaryContact": {"FirstName": "Alex", "LastName": "Wilber"},
      "BillingAddress": {"AddressLine1": "1 Research Way",
        "AddressLine2": "", "City": "Seattle", "State": "WA",
        "PostalCode": "98101", "Country": "US"},
      "Reseller": null})"));
  json options =
      Body(Send(http::verb::get, "/api/Accounts/4004/syncoptions/MSCSP"));
  ASSERT_EQ(options.size(), 3u);
  EXPECT_EQ(options[0]["Value"], "admin");
  EXPECT_EQ(options[1]["Value"], "treyresearch");
  EXPECT_EQ(options[2]["Value"], nullptr);
  EXPECT_EQ(Body(Send(http::verb::get, "/api/Accounts/4004/syncstatus/MSCSP")),
            json::parse(R"({"AccountID": 4004, "SystemCode": "MSCSP",
                "Status": "NotSynchronized", "Message": "",
                "CustomerCode": null, "UpdatedAt": null})"));
  // Nobody holds its tenant, so linking it needs no AllowShared.
  const std::string trey(kTreyResearchTenantId);
  EXPECT_EQ(Body(Send(http::verb::get, "/api/Accounts?customerCode=" + trey)),
            json::parse(R"({"TotalCount": 0, "Items": []})"));
  SimulatedResponse linked =
      Send(http::verb::put, "/api/Accounts/4004/customercode",
           R"({"CustomerCode": ")" + trey + "\"}");
  EXPECT_EQ(Status(linked), 200);
  EXPECT_EQ(Body(linked)["CustomerCode"], trey);
}

TEST_F(BssSimulatorTest, DemoResellerMpnIdIsConfigurable) {
  DemoSeedOptions options;
  options.reseller_mpn_id = "7654321";
  Restart(DemoSeed(options));
  EXPECT_EQ(Body(Send(http::verb::get, "/api/Accounts/2000"))["MpnID"],
            "7654321");
  EXPECT_EQ(Body(Send(http::verb::get,
                      "/api/Accounts/2001/syncoptions/MSCSP"))[2]["Value"],
            "7654321");
}

}  // namespace
}  // namespace bssflow::simulators::bss
