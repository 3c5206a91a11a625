// The BSS transport and the connector's dispatch, against an in-memory bss
// connector that records its calls (no network).
#include "connectors/notify/bss_transport.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "connectors/notify/notify_connector.h"
#include "dsl/json_value.h"

namespace bssflow::connectors::notify {
namespace {

namespace asio = boost::asio;
using engine::ActionError;
using engine::ActionOutcome;

dsl::Value Json(const char* text) {
  return dsl::ValueFromJson(nlohmann::json::parse(text)).value();
}

std::string Dump(const dsl::Value& value) {
  return dsl::ValueToJson(value).dump();
}

// Answers every call with `answer`, remembering what it was asked.
class RecordingConnector : public engine::Connector {
 public:
  struct Record {
    std::string action;
    std::string arguments;  // as JSON
    engine::CallContext ctx;
  };

  explicit RecordingConnector(ActionOutcome answer)
      : answer_(std::move(answer)) {}

  asio::awaitable<ActionOutcome> Call(const std::string& action,
                                      const dsl::Value& arguments,
                                      const engine::CallContext& ctx) override {
    calls.push_back({action, Dump(arguments), ctx});
    co_return answer_;
  }

  std::vector<Record> calls;

 private:
  ActionOutcome answer_;
};

SendRequest Request() {
  SendRequest request;
  request.template_id = "welcome-office365";
  request.to = {"it@northwind.example", "boss@northwind.example"};
  request.subject = "Your tenant is ready";
  request.body = "Sign in with Xy7!pass2024.";
  request.account_id = 1001;
  request.idempotency_key = "key-1";
  return request;
}

constexpr char kBssAnswer[] = R"({
  "ID": 7, "Status": "Sent", "IdempotencyKey": "key-1",
  "TemplateID": "welcome-office365", "AccountID": 1001,
  "To": "it@northwind.example, boss@northwind.example", "Cc": "",
  "Subject": "Your tenant is ready", "Body": "Sign in with Xy7!pass2024.",
  "SentAt": "2024-05-01T12:00:00Z"})";

TEST(BssTransportTest, ArgumentsOfSendNotification) {
  EXPECT_EQ(Dump(BssNotificationArguments(Request())),
            R"({"to":"it@northwind.example, boss@northwind.example",)"
            R"("cc":"","subject":"Your tenant is ready",)"
            R"("body":"Sign in with Xy7!pass2024.",)"
            R"("template_id":"welcome-office365","account_id":1001})");
  SendRequest no_account = Request();
  no_account.account_id.reset();
  no_account.cc = {"cc@northwind.example"};
  EXPECT_EQ(Dump(BssNotificationArguments(no_account)),
            R"({"to":"it@northwind.example, boss@northwind.example",)"
            R"("cc":"cc@northwind.example","subject":"Your tenant is ready",)"
            R"("body":"Sign in with Xy7!pass2024.",)"
            R"("template_id":"welcome-office365"})");
}

TEST(BssTransportTest, ResultComesFromTheBssAnswer) {
  ActionOutcome outcome =
      OutcomeFromBss(ActionOutcome::Success(Json(kBssAnswer)), Request());
  ASSERT_TRUE(outcome.result.has_value());
  EXPECT_EQ(Dump(*outcome.result),
            R"({"id":"7","transport":"bss",)"
            R"("to":"it@northwind.example, boss@northwind.example",)"
            R"("cc":"","template":"welcome-office365"})");
}

TEST(BssTransportTest, ErrorsPassThroughUnchanged) {
  ActionError error{"throttled", "rate-limited", "Slow down.",
                    std::chrono::milliseconds(7000)};
  ActionOutcome outcome =
      OutcomeFromBss(ActionOutcome::Failure(error), Request());
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->kind, "throttled");
  EXPECT_EQ(outcome.error->code, "rate-limited");
  EXPECT_EQ(outcome.error->message, "Slow down.");
  EXPECT_EQ(outcome.error->retry_after, std::chrono::milliseconds(7000));
}

TEST(BssTransportTest, AnAnswerWithoutIdIsFatal) {
  ActionOutcome outcome = OutcomeFromBss(
      ActionOutcome::Success(Json(R"({"Status": "Sent"})")), Request());
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->kind, "fatal");
  EXPECT_EQ(outcome.error->message,
            "bss.send_notification answered without a notification ID (no "
            "ID member)");
  outcome = OutcomeFromBss(ActionOutcome::Success(Json(R"({"ID": null})")),
                           Request());
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->message,
            "bss.send_notification answered without a notification ID (ID "
            "null)");
}

class NotifyOverBssTest : public ::testing::Test {
 protected:
  void SetUp() override {
    bss_ = std::make_shared<RecordingConnector>(
        ActionOutcome::Success(Json(kBssAnswer)));
    NotifyConfig config;  // the BSS transport is the default
    auto made = NotifyConnector::Create(io_.get_executor(), config, bss_);
    ASSERT_TRUE(made.ok()) << made.status().message();
    connector_ = std::move(made).value();
  }

  ActionOutcome Run(const std::string& action, const char* arguments,
                    const engine::CallContext& ctx) {
    std::optional<ActionOutcome> outcome;
    dsl::Value args = Json(arguments);
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          outcome = co_await connector_->Call(action, args, ctx);
        },
        asio::detached);
    io_.run();
    io_.restart();
    return outcome.value();
  }

  asio::io_context io_;
  std::shared_ptr<RecordingConnector> bss_;
  std::unique_ptr<NotifyConnector> connector_;
};

constexpr char kArguments[] = R"({
  "template": "welcome-office365",
  "to": "it@northwind.example; boss@northwind.example", "cc": null,
  "subject": "Your tenant is ready", "body": "Sign in with Xy7!pass2024.",
  "account_id": 1001})";

TEST_F(NotifyOverBssTest, CallsSendNotificationWithTheSameContext) {
  engine::CallContext ctx{"run-9", "welcome", 2, "key-1"};
  ActionOutcome outcome = Run("notify.send", kArguments, ctx);
  ASSERT_TRUE(outcome.result.has_value()) << outcome.error->message;
  EXPECT_EQ(Dump(*outcome.result),
            R"({"id":"7","transport":"bss",)"
            R"("to":"it@northwind.example, boss@northwind.example",)"
            R"("cc":"","template":"welcome-office365"})");
  ASSERT_EQ(bss_->calls.size(), 1u);
  EXPECT_EQ(bss_->calls[0].action, "bss.send_notification");
  EXPECT_EQ(bss_->calls[0].arguments,
            Dump(BssNotificationArguments(Request())));
  EXPECT_EQ(bss_->calls[0].ctx.run_id, "run-9");
  EXPECT_EQ(bss_->calls[0].ctx.step_id, "welcome");
  EXPECT_EQ(bss_->calls[0].ctx.attempt, 2);
  EXPECT_EQ(bss_->calls[0].ctx.idempotency_key, "key-1");
}

TEST_F(NotifyOverBssTest, BadArgumentsSendNothing) {
  engine::CallContext ctx{"run-9", "welcome", 1, "key-1"};
  ActionOutcome outcome = Run(
      "notify.send", R"({"template": "t", "subject": "s", "body": "b"})", ctx);
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->kind, "invalid");
  EXPECT_EQ(outcome.error->message, "notify.send: argument 'to' is required");
  EXPECT_TRUE(bss_->calls.empty());
}

TEST_F(NotifyOverBssTest, UnknownActionIsFatal) {
  engine::CallContext ctx{"run-9", "welcome", 1, "key-1"};
  ActionOutcome outcome = Run("notify.page", kArguments, ctx);
  ASSERT_TRUE(outcome.error.has_value());
  EXPECT_EQ(outcome.error->kind, "fatal");
  EXPECT_EQ(outcome.error->code, "unknown_action");
  EXPECT_EQ(outcome.error->message,
            "the notify connector has no action 'notify.page'");
  EXPECT_TRUE(bss_->calls.empty());
}

TEST(NotifyConnectorCreateTest, BssTransportNeedsTheBssConnector) {
  asio::io_context io;
  auto made =
      NotifyConnector::Create(io.get_executor(), NotifyConfig(), nullptr);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().message(),
            "notify: the BSS transport needs the bss connector (Create's "
            "`bss` is null)");
}

TEST(NotifyManifestTest, OneActionWithItsArguments) {
  std::vector<engine::ActionSpec> manifest = Manifest();
  ASSERT_EQ(manifest.size(), 1u);
  EXPECT_EQ(manifest[0].name, "notify.send");
  std::string arguments;
  for (const engine::ActionArgument& argument : manifest[0].arguments)
    arguments += argument.name + (argument.required ? "! " : "? ");
  EXPECT_EQ(arguments, "template! to! cc? subject! body! account_id? ");
  EXPECT_TRUE(manifest[0].secret_fields.empty());
  engine::ActionCatalog catalog;
  for (engine::ActionSpec& spec : manifest)
    EXPECT_TRUE(catalog.Add(std::move(spec)).ok());
}

}  // namespace
}  // namespace bssflow::connectors::notify
