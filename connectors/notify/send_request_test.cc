#include "connectors/notify/send_request.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "dsl/json_value.h"

namespace bssflow::connectors::notify {
namespace {

dsl::Value Args(const char* json) {
  return dsl::ValueFromJson(nlohmann::json::parse(json)).value();
}

engine::CallContext Ctx(std::string key = "6f1c1d2e-41a7-4b8e-9d55") {
  return engine::CallContext{"run-1", "welcome", 1, std::move(key)};
}

constexpr char kValid[] = R"({
  "template": "welcome-office365",
  "to": "it@northwind.example; boss@northwind.example",
  "cc": null,
  "subject": "Your tenant is ready",
  "body": "Sign in with Xy7!pass2024.",
  "account_id": 1001})";

// The error message of parsing `json`, or "(parsed)".
std::string ErrorOf(const char* json, std::string key = "key-1") {
  ParsedSend parsed = ParseSendRequest(Args(json), Ctx(std::move(key)));
  if (!parsed.error.has_value()) return "(parsed)";
  EXPECT_EQ(parsed.error->kind, "invalid");
  EXPECT_EQ(parsed.error->code, "");
  return parsed.error->message;
}

TEST(ParseSendRequestTest, ReadsEveryArgument) {
  ParsedSend parsed = ParseSendRequest(Args(kValid), Ctx());
  ASSERT_TRUE(parsed.request.has_value()) << parsed.error->message;
  const SendRequest& request = *parsed.request;
  EXPECT_EQ(request.template_id, "welcome-office365");
  EXPECT_EQ(request.to, (std::vector<std::string>{"it@northwind.example",
                                                  "boss@northwind.example"}));
  EXPECT_TRUE(request.cc.empty());
  EXPECT_EQ(request.subject, "Your tenant is ready");
  EXPECT_EQ(request.body, "Sign in with Xy7!pass2024.");
  EXPECT_EQ(request.account_id, 1001);
  EXPECT_EQ(request.idempotency_key, "6f1c1d2e-41a7-4b8e-9d55");
}

TEST(ParseSendRequestTest, OptionalArgumentsMayBeAbsentOrEmpty) {
  ParsedSend parsed =
      ParseSendRequest(Args(R"({"template": "t", "to": "a@b.example", "cc": "",
               "subject": "s", "body": "b"})"),
                       Ctx());
  ASSERT_TRUE(parsed.request.has_value()) << parsed.error->message;
  EXPECT_TRUE(parsed.request->cc.empty());
  EXPECT_FALSE(parsed.request->account_id.has_value());
}

TEST(ParseSendRequestTest, AccountIdMayBeDigitsAsText) {
  ParsedSend parsed = ParseSendRequest(
      Args(R"({"template": "t", "to": "a@b.example", "subject": "s",
               "body": "b", "account_id": "42"})"),
      Ctx());
  ASSERT_TRUE(parsed.request.has_value()) << parsed.error->message;
  EXPECT_EQ(parsed.request->account_id, 42);
}

TEST(ParseSendRequestTest, MissingArgumentsAreNamed) {
  EXPECT_EQ(ErrorOf(R"({"to": "a@b.example", "subject": "s", "body": "b"})"),
            "notify.send: argument 'template' is required");
  EXPECT_EQ(ErrorOf(R"({"template": "t", "subject": "s", "body": "b"})"),
            "notify.send: argument 'to' is required");
  EXPECT_EQ(ErrorOf(R"({"template": "t", "to": "a@b.example", "body": "b"})"),
            "notify.send: argument 'subject' is required");
  EXPECT_EQ(ErrorOf(R"({"template": "t", "to": "a@b.example", "subject": "s",
                  "body": ""})"),
            "notify.send: argument 'body' is required");
  // The first problem is the one reported.
  EXPECT_EQ(ErrorOf("{}"), "notify.send: argument 'template' is required");
  EXPECT_EQ(ErrorOf("null"), "notify.send: argument 'template' is required");
}

TEST(ParseSendRequestTest, AddressProblems) {
  EXPECT_EQ(
      ErrorOf(R"({"template": "t", "to": " ; ", "subject": "s", "body": "b"})"),
      "notify.send: argument 'to' must hold at least one address");
  EXPECT_EQ(ErrorOf(R"({"template": "t", "to": "a@b.example, bob@",
                        "subject": "s", "body": "b"})"),
            "notify.send: argument 'to' holds \"bob@\", which is not an email "
            "address");
  EXPECT_EQ(ErrorOf(R"({"template": "t", "to": "a@b.example",
                        "cc": "Bob <bob@c.example>", "subject": "s",
                        "body": "b"})"),
            "notify.send: argument 'cc' holds \"Bob <bob@c.example>\", which "
            "is not an email address");
  EXPECT_EQ(ErrorOf(R"({"template": "t", "to": ["a@b.example"],
                        "subject": "s", "body": "b"})"),
            "notify.send: argument 'to' must be text, got list");
}

TEST(ParseSendRequestTest, SubjectIsOneLine) {
  EXPECT_EQ(ErrorOf(R"({"template": "t", "to": "a@b.example",
                        "subject": "Hi\r\nBcc: x@y.example", "body": "b"})"),
            "notify.send: argument 'subject' must be a single line");
}

TEST(ParseSendRequestTest, AccountIdMustBePositive) {
  EXPECT_EQ(ErrorOf(R"({"template": "t", "to": "a@b.example", "subject": "s",
                        "body": "b", "account_id": "abc"})"),
            "notify.send: argument 'account_id' must be a positive integer, "
            "got \"abc\"");
  EXPECT_EQ(ErrorOf(R"({"template": "t", "to": "a@b.example", "subject": "s",
                        "body": "b", "account_id": 0})"),
            "notify.send: argument 'account_id' must be a positive integer, "
            "got 0");
  EXPECT_EQ(ErrorOf(R"({"template": "t", "to": "a@b.example", "subject": "s",
                        "body": "b", "account_id": 1.5})"),
            "notify.send: argument 'account_id' must be a positive integer, "
            "got 1.5");
}

TEST(ParseSendRequestTest, ArgumentsMustBeAMap) {
  EXPECT_EQ(ErrorOf("[1]"),
            "notify.send: the arguments must be a map, got list");
}

TEST(ParseSendRequestTest, IdempotencyKeyIsRequired) {
  EXPECT_EQ(ErrorOf(kValid, ""),
            "notify.send: the call has no idempotency key "
            "(CallContext.idempotency_key); without one a resend could "
            "deliver the notification twice");
}

TEST(ParseSendRequestTest, IdempotencyKeyMustSuitAMessageId) {
  EXPECT_EQ(ErrorOf(kValid, "a b"),
            "notify.send: the idempotency key \"a b\" cannot serve as a "
            "Message-ID: it must be 1-255 letters, digits or "
            ".!#$%&'*+-/=?^_`{|}~");
  EXPECT_EQ(ErrorOf(kValid, "<x@y>"),
            "notify.send: the idempotency key \"<x@y>\" cannot serve as a "
            "Message-ID: it must be 1-255 letters, digits or "
            ".!#$%&'*+-/=?^_`{|}~");
  EXPECT_EQ(ErrorOf(kValid, std::string(255, 'k')), "(parsed)");
  EXPECT_NE(ErrorOf(kValid, std::string(256, 'k')), "(parsed)");
}

TEST(SendResultTest, HasTheFiveMembers) {
  SendRequest request;
  request.template_id = "welcome";
  request.to = {"a@b.example", "c@d.example"};
  dsl::Value result = SendResult("<k@bssflow>", "smtp", request);
  EXPECT_EQ(dsl::ValueToJson(result).dump(),
            R"({"id":"<k@bssflow>","transport":"smtp",)"
            R"("to":"a@b.example, c@d.example","cc":"","template":"welcome"})");
}

}  // namespace
}  // namespace bssflow::connectors::notify
