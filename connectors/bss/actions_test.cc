#include "connectors/bss/actions.h"

#include <gtest/gtest.h>

#include <set>

#include "dsl/json_value.h"

namespace bssflow::connectors::bss {
namespace {

dsl::Value Args(const char* json) {
  return dsl::ValueFromJson(nlohmann::json::parse(json)).value();
}

PreparedCall Prepare(const std::string& action, const char* json,
                     std::string key = "") {
  BssConfig config;
  engine::CallContext ctx;
  ctx.idempotency_key = std::move(key);
  return PrepareCall(action, Args(json), ctx, config);
}

TEST(Manifest, NamesEveryActionOnce) {
  std::set<std::string> names;
  for (const engine::ActionSpec& spec : Manifest()) {
    EXPECT_EQ(spec.name.rfind("bss.", 0), 0u) << spec.name;
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
    // Every action of the manifest is one PrepareCall knows.
    PreparedCall call = Prepare(spec.name, "{}");
    if (call.error.has_value()) {
      EXPECT_NE(call.error->code, "unknown_action");
    }
  }
  EXPECT_EQ(names.size(), 11u);
}

TEST(PrepareCall, GetAccountWithReseller) {
  PreparedCall call = Prepare("bss.get_account", R"({"id":2001,"include":"reseller"})");
  ASSERT_TRUE(call.request.has_value());
  EXPECT_EQ(call.request->target, "/api/Accounts/2001?include=Reseller");
}

TEST(PrepareCall, ArgumentErrorsAreInvalid) {
  PreparedCall missing = Prepare("bss.get_account", "{}");
  ASSERT_TRUE(missing.error.has_value());
  EXPECT_EQ(missing.error->kind, "invalid");
  EXPECT_EQ(missing.error->message, "bss.get_account: argument 'id' is required");
  EXPECT_EQ(Prepare("bss.get_account", R"({"id":1,"include":"x"})")
                .error->message,
            "bss.get_account: argument 'include' must be \"reseller\", got \"x\"");
  EXPECT_EQ(Prepare("bss.set_sync_status", R"({"account_id":1,"status":"done"})")
                .error->message,
            "bss.set_sync_status: argument 'status' must be one of "
            "not_synchronized, in_progress, awaiting_confirmation, "
            "synchronized, failed, got \"done\"");
  EXPECT_EQ(Prepare("bss.find_accounts", "{}").error->message,
            "bss.find_accounts: argument 'customer_code' or "
            "'parent_account_id' is required");
}

TEST(PrepareCall, UnknownAction) {
  PreparedCall call = Prepare("bss.nope", "{}");
  ASSERT_TRUE(call.error.has_value());
  EXPECT_EQ(call.error->kind, "fatal");
  EXPECT_EQ(call.error->code, "unknown_action");
  EXPECT_EQ(call.error->message, "the bss connector has no action 'bss.nope'");
}

TEST(PrepareCall, SyncStatusUsesTheConfiguredSystem) {
  PreparedCall call = Prepare(
      "bss.set_sync_status",
      R"({"account_id":1002,"status":"failed","message":"bad postal code"})");
  ASSERT_TRUE(call.request.has_value());
  EXPECT_EQ(call.request->target, "/api/Accounts/1002/syncstatus/MSCSP");
  EXPECT_EQ(call.request->body->dump(),
            R"({"Status":"Failed","Message":"bad postal code"})");
}

TEST(PrepareCall, SetSyncOptionsFromAMap) {
  PreparedCall call = Prepare(
      "bss.set_sync_options",
      R"({"account_id":1001,"system_code":"MSCSP","options":{"DomainPrefix":"nw","ResellerMpnID":null}})");
  ASSERT_TRUE(call.request.has_value()) << call.error->message;
  EXPECT_EQ(call.request->body->dump(),
            R"([{"Code":"DomainPrefix","Value":"nw"},{"Code":"ResellerMpnID","Value":null}])");
}

TEST(PrepareCall, SendNotificationNeedsTheIdempotencyKey) {
  const char* args = R"({"to":"a@b.example","subject":"S","body":"B","account_id":1001})";
  EXPECT_EQ(Prepare("bss.send_notification", args).error->message,
            "bss.send_notification: argument 'idempotency key' is required "
            "(CallContext.idempotency_key)");
  PreparedCall call = Prepare("bss.send_notification", args, "run-1/step-2");
  ASSERT_TRUE(call.request.has_value());
  EXPECT_EQ(call.request->idempotency_key, "run-1/step-2");
  EXPECT_EQ(call.request->body->dump(),
            R"({"TemplateID":null,"AccountID":1001,"To":"a@b.example","Cc":"",)"
            R"("Subject":"S","Body":"B"})");
}

}  // namespace
}  // namespace bssflow::connectors::bss
