// The BSS simulator: notification templates and idempotent notification
// dispatch.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "simulators/bss/bss_test_fixture.h"

namespace bssflow::simulators::bss {
namespace {

using nlohmann::json;

const char* kWelcome = R"({"TemplateID": "welcome-office365",
    "AccountID": 1001, "To": "it@northwind.example",
    "Subject": "Your Microsoft tenant northwind.onmicrosoft.com is ready",
    "Body": "Sign in as admin@northwind.onmicrosoft.com with Xy7!pass."})";

class NotificationTest : public BssSimulatorTest {
 protected:
  SimulatedResponse Post(const std::string& key, const std::string& body) {
    HttpRequest request = Request(http::verb::post, "/api/Notifications", body);
    if (!key.empty()) request.set("Idempotency-Key", key);
    return sim_->Handle(request);
  }
};

TEST_F(NotificationTest, ListsAndGetsTemplates) {
  json all = Body(Send(http::verb::get, "/api/NotificationTemplates"));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["ID"], "welcome-office365");
  EXPECT_EQ(all[1]["ID"], "welcome-office365-reseller");
  EXPECT_EQ(all[1]["To"], "{#Accounts.ParentAccountEmail#}");
  json welcome = json::parse(R"({"ID": "welcome-office365",
      "Name": "Welcome Office 365 customer", "To": "{#Accounts.Email#}",
      "Cc": "", "Subject": "Your Microsoft tenant {#Tenant.Domain#} is ready",
      "Body": "Dear {#Accounts.Name#},\n\nYour Microsoft Cloud Services tenant {#Tenant.Domain#} is ready.\nSign in at https://portal.office.com as {#Tenant.AdminUserName#} with the password {#Tenant.AdminPassword#}; you will be asked to change it.\n"})");
  EXPECT_EQ(all[0], welcome);
  EXPECT_EQ(Body(Send(http::verb::get,
                      "/api/NotificationTemplates?name=welcome%20office%20365"
                      "%20customer")),
            json::array({welcome}));
  EXPECT_EQ(Body(Send(http::verb::get,
                      "/api/NotificationTemplates/welcome-office365")),
            welcome);
  SimulatedResponse missing =
      Send(http::verb::get, "/api/NotificationTemplates/nope");
  EXPECT_EQ(Status(missing), 404);
  EXPECT_EQ(Body(missing),
            Problem("template-not-found", "Template not found", 404,
                    "No notification template has the ID nope.",
                    "/api/NotificationTemplates/nope"));
}

TEST_F(NotificationTest, DispatchRecordsTheNotification) {
  SimulatedResponse response = Post("key-1", kWelcome);
  ASSERT_EQ(Status(response), 201);
  EXPECT_EQ(Header(response, http::field::location), "/api/Notifications/1");
  json expected = json::parse(kWelcome);
  expected["ID"] = 1;
  expected["Status"] = "Sent";
  expected["IdempotencyKey"] = "key-1";
  expected["Cc"] = "";
  expected["SentAt"] = "2024-05-01T12:00:00Z";
  EXPECT_EQ(Body(response), expected);
  EXPECT_EQ(Body(Send(http::verb::get, "/api/Notifications/1")), expected);
  EXPECT_EQ(Status(Send(http::verb::get, "/api/Notifications/2")), 404);
  json sink = Body(
      sim_->Handle(Request(http::verb::get, "/_sim/notifications", "", false)));
  EXPECT_EQ(sink, json({{"TotalCount", 1}, {"Items", {expected}}}));
}

TEST_F(NotificationTest, ResendWithTheSameKeySendsOnce) {
  json first = Body(Post("key-1", kWelcome));
  now_ += std::chrono::seconds(30);
  SimulatedResponse again = Post("key-1", kWelcome);
  EXPECT_EQ(Status(again), 200);
  EXPECT_EQ(std::string(again.response["Idempotent-Replayed"]), "true");
  EXPECT_EQ(Body(again), first);
  EXPECT_EQ(sim_->Snapshot().notifications.size(), 1u);
  EXPECT_EQ(Status(Post("key-2", kWelcome)), 201);  // a new key is a new send
  EXPECT_EQ(sim_->Snapshot().notifications.size(), 2u);
}

TEST_F(NotificationTest, ReusingAKeyForAnotherNotificationIs422) {
  Post("key-1", kWelcome);
  json other = json::parse(kWelcome);
  other["To"] = "someone@else.example";
  SimulatedResponse response = Post("key-1", other.dump());
  EXPECT_EQ(Status(response), 422);
  EXPECT_EQ(Body(response),
            Problem("idempotency-key-reused", "Idempotency-Key reused", 422,
                    "The Idempotency-Key key-1 was used for notification 1, "
                    "which differs from this one; use a new key for a new "
                    "notification.",
                    "/api/Notifications"));
  EXPECT_EQ(sim_->Snapshot().notifications.size(), 1u);
}

TEST_F(NotificationTest, DispatchNeedsAnIdempotencyKey) {
  SimulatedResponse response = Post("", kWelcome);
  EXPECT_EQ(Status(response), 400);
  EXPECT_EQ(Body(response),
            Problem("idempotency-key-missing", "Idempotency-Key required", 400,
                    "Send an Idempotency-Key header of 1 to 255 characters, "
                    "and the same key again when resending the same "
                    "notification.",
                    "/api/Notifications"));
  EXPECT_EQ(Status(Post(std::string(256, 'k'), kWelcome)), 400);
  EXPECT_EQ(Status(Post(std::string(255, 'k'), kWelcome)), 201);
}

TEST_F(NotificationTest, UnrenderedMergeFieldsAreRefused) {
  json body = json::parse(kWelcome);
  body["To"] = "{#Accounts.Email#}";
  SimulatedResponse response = Post("key-1", body.dump());
  EXPECT_EQ(Status(response), 400);
  EXPECT_EQ(Body(response),
            Problem("unrendered-merge-field", "Unrendered merge field", 400,
                    "To still holds the merge field {#Accounts.Email#}; "
                    "render the template before sending.",
                    "/api/Notifications"));
  body = json::parse(kWelcome);
  body["Body"] = "Password: {#Tenant.AdminPassword";
  EXPECT_EQ(Body(Post("key-1", body.dump()))["detail"],
            "Body still holds the merge field {#Tenant.AdminPassword; render "
            "the template before sending.");
  EXPECT_TRUE(sim_->Snapshot().notifications.empty());
}

TEST_F(NotificationTest, RecipientsAndReferencesAreChecked) {
  auto detail = [&](const std::string& member, const json& value) {
    json body = json::parse(kWelcome);
    body[member] = value;
    SimulatedResponse response = Post("key-" + member, body.dump());
    EXPECT_EQ(Status(response), 400) << member;
    return Body(response)["detail"].get<std::string>();
  };
  const std::string recipients =
      "To must hold one or more email addresses and Cc zero or more, "
      "separated by ',' or ';'.";
  EXPECT_EQ(detail("To", "not-an-address"), recipients);
  EXPECT_EQ(detail("To", ""), recipients);
  EXPECT_EQ(detail("Cc", "a@b.example; oops"), recipients);
  EXPECT_EQ(detail("To", 5), "To must be text.");
  EXPECT_EQ(detail("TemplateID", "nope"),
            "No notification template has the ID nope.");
  EXPECT_EQ(detail("AccountID", 9999), "No account has the ID 9999.");
  EXPECT_EQ(detail("AccountID", "1001"),
            "AccountID must be an integer or null.");
  json many = json::parse(kWelcome);
  many["To"] = "it@northwind.example, partners@litware.example";
  many["Cc"] = "audit@bss.example";
  EXPECT_EQ(Status(Post("key-many", many.dump())), 201);
  EXPECT_EQ(sim_->Snapshot().notifications.size(), 1u);
}

TEST_F(NotificationTest, ConcurrentResendsSendOnce) {
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 8; ++i) {
    requests.push_back(
        Request(http::verb::post, "/api/Notifications", kWelcome));
    requests.back().set("Idempotency-Key", "same-key");
  }
  std::vector<int> statuses(requests.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back(
        [&, i] { statuses[i] = Status(sim_->Handle(requests[i])); });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 201), 1);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 7);
  EXPECT_EQ(sim_->Snapshot().notifications.size(), 1u);
}

}  // namespace
}  // namespace bssflow::simulators::bss
