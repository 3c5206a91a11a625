#include "connectors/bss/actions.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

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

TEST(PrepareCall, EnsureDefinitionsSendsTheCodesGiven) {
  PreparedCall all = Prepare("bss.ensure_sync_option_definitions",
                             R"({"system_code":"MSCSP-DIRECT"})");
  ASSERT_TRUE(all.request.has_value()) << all.error->message;
  EXPECT_EQ(all.request->method, "PUT");
  EXPECT_EQ(all.request->target,
            "/api/ProvisioningSystems/MSCSP-DIRECT/syncoptiondefinitions");
  EXPECT_EQ(all.request->body->dump(), "{}");
  PreparedCall null_codes =
      Prepare("bss.ensure_sync_option_definitions", R"({"codes":null})");
  ASSERT_TRUE(null_codes.request.has_value());
  EXPECT_EQ(null_codes.request->target,
            "/api/ProvisioningSystems/MSCSP/syncoptiondefinitions");
  EXPECT_EQ(null_codes.request->body->dump(), "{}");
  PreparedCall listed =
      Prepare("bss.ensure_sync_option_definitions",
              R"({"codes":["Username","DomainPrefix","ResellerMpnID"]})");
  ASSERT_TRUE(listed.request.has_value()) << listed.error->message;
  EXPECT_EQ(listed.request->body->dump(),
            R"({"Codes":["Username","DomainPrefix","ResellerMpnID"]})");
}

TEST(PrepareCall, EnsureDefinitionsChecksTheCodes) {
  const std::vector<std::pair<const char*, std::string>> cases = {
      {R"({"codes":"Username"})",
       "bss.ensure_sync_option_definitions: argument 'codes' must be a list "
       "of text, got string"},
      {R"({"codes":["Username",5]})",
       "bss.ensure_sync_option_definitions: argument 'codes[1]' must be "
       "text, got number"},
      {R"({"codes":[]})",
       "bss.ensure_sync_option_definitions: argument 'codes' must name at "
       "least one sync option"},
      {R"({"codes":["Username","username"]})",
       "bss.ensure_sync_option_definitions: argument 'codes[1]' must be "
       "Username, DomainPrefix or ResellerMpnID, got \"username\""},
      {R"({"codes":["DomainPrefix","Username","DomainPrefix"]})",
       "bss.ensure_sync_option_definitions: argument 'codes' names "
       "DomainPrefix twice"},
  };
  for (const auto& [args, message] : cases) {
    PreparedCall call = Prepare("bss.ensure_sync_option_definitions", args);
    ASSERT_TRUE(call.error.has_value()) << args;
    EXPECT_FALSE(call.request.has_value()) << args;
    EXPECT_EQ(call.error->kind, "invalid") << args;
    EXPECT_EQ(call.error->message, message) << args;
  }
}

TEST(Manifest, EnsureDefinitionsTakesOptionalCodes) {
  for (const engine::ActionSpec& spec : Manifest()) {
    if (spec.name != "bss.ensure_sync_option_definitions") continue;
    ASSERT_EQ(spec.arguments.size(), 2u);
    EXPECT_EQ(spec.arguments[0].name, "codes");
    EXPECT_FALSE(spec.arguments[0].required);
    EXPECT_EQ(spec.arguments[1].name, "system_code");
    return;
  }
  ADD_FAILURE() << "no bss.ensure_sync_option_definitions";
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
