#include "connectors/bss/requests.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace bssflow::connectors::bss {
namespace {

TEST(TokenRequest, PasswordGrantFormAndBasicCredentials) {
  BssConfig config;
  config.username = "integration@bss.example";
  config.password = "demo pass&word";
  EXPECT_EQ(TokenRequestForm(config),
            "grant_type=password&username=integration%40bss.example"
            "&password=demo%20pass%26word");
  EXPECT_EQ(BasicAuthorization("bssflow-demo-client", "bssflow-demo-secret"),
            "Basic YnNzZmxvdy1kZW1vLWNsaWVudDpic3NmbG93LWRlbW8tc2VjcmV0");
}

TEST(Requests, GetAccount) {
  ApiRequest with = GetAccountRequest("2001", true);
  EXPECT_EQ(with.method, "GET");
  EXPECT_EQ(with.target, "/api/Accounts/2001?include=Reseller");
  EXPECT_FALSE(with.body.has_value());
  EXPECT_EQ(GetAccountRequest("20/01", false).target, "/api/Accounts/20%2F01");
}

TEST(Requests, FindAccounts) {
  EXPECT_EQ(FindAccountsRequest("c0000000-0000-4000-8000-000000000001", "")
                .target,
            "/api/Accounts?customerCode=c0000000-0000-4000-8000-000000000001");
  EXPECT_EQ(FindAccountsRequest("", "2000").target,
            "/api/Accounts?parentAccountID=2000");
  EXPECT_EQ(FindAccountsRequest("a b", "2000").target,
            "/api/Accounts?customerCode=a%20b&parentAccountID=2000");
}

TEST(Requests, CustomerCodeSendsAllowSharedOnlyWhenTrue) {
  ApiRequest plain = SetCustomerCodeRequest("4001", "c0", false);
  EXPECT_EQ(plain.method, "PUT");
  EXPECT_EQ(plain.target, "/api/Accounts/4001/customercode");
  EXPECT_EQ(plain.body->dump(), R"({"CustomerCode":"c0"})");
  EXPECT_EQ(SetCustomerCodeRequest("4001", "c0", true).body->dump(),
            R"({"CustomerCode":"c0","AllowShared":true})");
  ApiRequest clear = ClearCustomerCodeRequest("4001");
  EXPECT_EQ(clear.method, "DELETE");
  EXPECT_EQ(clear.target, "/api/Accounts/4001/customercode");
}

TEST(Requests, SyncStatus) {
  ApiRequest request =
      SetSyncStatusRequest("1002", "MSCSP", "Failed", "bad postal code", "", true);
  EXPECT_EQ(request.target, "/api/Accounts/1002/syncstatus/MSCSP");
  EXPECT_EQ(request.body->dump(),
            R"({"Status":"Failed","Message":"bad postal code"})");
  EXPECT_EQ(SetSyncStatusRequest("1001", "MSCSP", "Synchronized", "", "t1", false)
                .body->dump(),
            R"({"Status":"Synchronized","Message":"","CustomerCode":"t1"})");
  EXPECT_EQ(SyncStatusName("not_synchronized"), "NotSynchronized");
  EXPECT_EQ(SyncStatusName("awaiting_confirmation"), "AwaitingConfirmation");
  EXPECT_EQ(SyncStatusName("Failed"), "Failed");
  EXPECT_EQ(SyncStatusName("done"), std::nullopt);
}

TEST(Requests, SyncOptionsAndDefinitions) {
  EXPECT_EQ(SyncOptionsRequest("2001", "MSCSP-CT", std::nullopt).target,
            "/api/Accounts/2001/syncoptions/MSCSP-CT");
  ApiRequest put = SyncOptionsRequest(
      "1001", "MSCSP", nlohmann::ordered_json::parse(
                           R"([{"Code":"DomainPrefix","Value":"x"}])"));
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.body->dump(), R"([{"Code":"DomainPrefix","Value":"x"}])");
  ApiRequest ensure = EnsureDefinitionsRequest("MSCSP-DIRECT", std::nullopt);
  EXPECT_EQ(ensure.method, "PUT");
  EXPECT_EQ(ensure.target,
            "/api/ProvisioningSystems/MSCSP-DIRECT/syncoptiondefinitions");
  EXPECT_EQ(ensure.body->dump(), "{}");
  EXPECT_EQ(ensure.what, "PUT sync option definitions of MSCSP-DIRECT");
  ApiRequest listed = EnsureDefinitionsRequest(
      "MSCSP-DIRECT", std::vector<std::string>{"Username", "DomainPrefix"});
  EXPECT_EQ(listed.target, ensure.target);
  EXPECT_EQ(listed.body->dump(), R"({"Codes":["Username","DomainPrefix"]})");
  EXPECT_EQ(GetSystemRequest("MSCSP").target, "/api/ProvisioningSystems/MSCSP");
  EXPECT_EQ(GetTemplateRequest("welcome-office365").target,
            "/api/NotificationTemplates/welcome-office365");
}

TEST(Requests, NotificationCarriesTheIdempotencyKey) {
  Notification n{"it@northwind.example", "", "Hello", "Hi", "", 1001};
  ApiRequest request = SendNotificationRequest(n, "key-1");
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/Notifications");
  EXPECT_EQ(request.idempotency_key, "key-1");
  EXPECT_EQ(request.body->dump(),
            R"({"TemplateID":null,"AccountID":1001,"To":"it@northwind.example",)"
            R"("Cc":"","Subject":"Hello","Body":"Hi"})");
}

}  // namespace
}  // namespace bssflow::connectors::bss
