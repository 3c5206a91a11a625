#include "connectors/http/request.h"

#include <gtest/gtest.h>

#include <string>

#include "connectors/http/testing.h"
#include "dsl/json_value.h"

namespace bssflow::connectors::http {
namespace {

using testing::Body;
using testing::Template;

dsl::Value Args(const nlohmann::json& json) {
  return dsl::ValueFromJson(json).value();
}

const engine::CallContext kCtx{"run-1", "step", 1, "key-123"};

HttpEndpoint GetAccount() {
  HttpEndpoint endpoint;
  endpoint.name = "crm_account";
  endpoint.method = "GET";
  endpoint.url = Template("https://crm.example/api/accounts/{account_id}");
  endpoint.query = {{"expand", Template("{expand}"), false},
                    {"api_key", Template("k-123"), true}};
  endpoint.headers = {{"X-Source", "bssflow", false}};
  endpoint.optional = {"expand"};
  endpoint.timeout = std::chrono::seconds(5);
  return endpoint;
}

HttpEndpoint CreateAccount() {
  HttpEndpoint endpoint;
  endpoint.name = "create_account";
  endpoint.method = "POST";
  endpoint.url = Template("https://crm.example/api/accounts");
  endpoint.body = Body(nlohmann::ordered_json::parse(
      R"json({"name": "{name}", "seats": "{seats}",
              "label": "{name} ({seats})", "tags": ["{tag}", "fixed"],
              "owner": "{owner}", "active": true})json"));
  endpoint.optional = {"tag", "owner"};
  endpoint.idempotency_header = "Idempotency-Key";
  return endpoint;
}

PreparedRequest Prepare(const HttpEndpoint& endpoint,
                        const nlohmann::json& args) {
  return PrepareRequest(endpoint, Args(args), kCtx, net::Redaction{"api_key"});
}

std::string Header(const net::HttpRequest& request, const char* name) {
  return std::string(request.headers[name]);
}

std::string InvalidMessage(const PreparedRequest& prepared) {
  EXPECT_FALSE(prepared.request.has_value());
  if (!prepared.error.has_value()) return "(no error)";
  EXPECT_EQ(prepared.error->kind, "invalid");
  return prepared.error->message;
}

TEST(PrepareRequest, FillsAndEncodesTheUrlAndQuery) {
  PreparedRequest prepared =
      Prepare(GetAccount(), {{"account_id", "A/1 ü"}, {"expand", "owner"}});
  ASSERT_TRUE(prepared.request.has_value()) << prepared.error->message;
  const net::HttpRequest& request = *prepared.request;
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url,
            "https://crm.example/api/accounts/A%2F1%20%C3%BC?expand=owner&"
            "api_key=k-123");
  EXPECT_EQ(prepared.label,
            "GET https://crm.example/api/accounts/A%2F1%20%C3%BC?"
            "expand=owner&api_key=***");
  EXPECT_EQ(Header(request, "X-Source"), "bssflow");
  EXPECT_EQ(Header(request, "Accept"), "application/json");
  EXPECT_EQ(Header(request, "Content-Type"), "");
  EXPECT_EQ(request.body, "");
  EXPECT_EQ(request.total_timeout, std::chrono::seconds(5));
  EXPECT_EQ(request.read_timeout, std::chrono::seconds(5));
}

TEST(PrepareRequest, LeavesOutAQueryParameterWhoseArgumentIsAbsentOrNull) {
  PreparedRequest absent = Prepare(GetAccount(), {{"account_id", 42}});
  ASSERT_TRUE(absent.request.has_value());
  EXPECT_EQ(absent.request->url,
            "https://crm.example/api/accounts/42?api_key=k-123");
  PreparedRequest null =
      Prepare(GetAccount(), {{"account_id", 42}, {"expand", nullptr}});
  ASSERT_TRUE(null.request.has_value());
  EXPECT_EQ(null.request->url, absent.request->url);
}

TEST(PrepareRequest, AddsQueryParametersToALiteralQuery) {
  HttpEndpoint endpoint = GetAccount();
  endpoint.url = Template("https://crm.example/search?v=2&q={q}");
  endpoint.query.pop_back();
  PreparedRequest prepared =
      Prepare(endpoint, {{"q", "a&b=c"}, {"expand", true}});
  ASSERT_TRUE(prepared.request.has_value());
  EXPECT_EQ(prepared.request->url,
            "https://crm.example/search?v=2&q=a%26b%3Dc&expand=true");
}

TEST(PrepareRequest, TextOfNumbersAndBools) {
  HttpEndpoint endpoint = GetAccount();
  endpoint.url = Template("https://crm.example/{a}/{b}/{c}/{d}");
  endpoint.query.clear();
  PreparedRequest prepared = Prepare(
      endpoint,
      {{"a", -7}, {"b", 18446744073709551615u}, {"c", 2.5}, {"d", false}});
  ASSERT_TRUE(prepared.request.has_value());
  EXPECT_EQ(prepared.request->url,
            "https://crm.example/-7/18446744073709551615/2.5/false");
}

TEST(PrepareRequest, RefusesArgumentsTheUrlCannotTake) {
  EXPECT_EQ(InvalidMessage(Prepare(GetAccount(), nlohmann::json::object())),
            "http.crm_account: argument 'account_id' is required: the URL "
            "needs it");
  EXPECT_EQ(InvalidMessage(Prepare(GetAccount(), {{"account_id", nullptr}})),
            "http.crm_account: argument 'account_id' is null, but the URL "
            "needs a value");
  EXPECT_EQ(InvalidMessage(Prepare(GetAccount(), {{"account_id", {1, 2}}})),
            "http.crm_account: argument 'account_id' is a list, but the URL "
            "takes text: a string, a number or a bool");
  EXPECT_EQ(InvalidMessage(Prepare(
                GetAccount(), {{"account_id", 1}, {"expand", {{"a", 1}}}})),
            "http.crm_account: argument 'expand' is a map, but query "
            "parameter 'expand' takes text: a string, a number or a bool");
}

TEST(PrepareRequest, FillsATypedBody) {
  PreparedRequest prepared =
      Prepare(CreateAccount(), {{"name", "Contoso"},
                                {"seats", 25},
                                {"tag", "gold"},
                                {"owner", {{"email", "a@contoso.example"}}}});
  ASSERT_TRUE(prepared.request.has_value()) << prepared.error->message;
  const net::HttpRequest& request = *prepared.request;
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.body,
            R"json({"name":"Contoso","seats":25,"label":"Contoso (25)",)json"
            R"("tags":["gold","fixed"],"owner":{"email":"a@contoso.example"},)"
            R"("active":true})");
  EXPECT_EQ(Header(request, "Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(Header(request, "Idempotency-Key"), "key-123");
  EXPECT_EQ(prepared.label, "POST https://crm.example/api/accounts");
}

TEST(PrepareRequest, AnAbsentOptionalBodyValueIsLeftOutAndNullIsKept) {
  PreparedRequest prepared =
      Prepare(CreateAccount(),
              {{"name", "Contoso"}, {"seats", 25}, {"owner", nullptr}});
  ASSERT_TRUE(prepared.request.has_value()) << prepared.error->message;
  EXPECT_EQ(prepared.request->body,
            R"json({"name":"Contoso","seats":25,"label":"Contoso (25)",)json"
            R"("tags":[null,"fixed"],"owner":null,"active":true})");
}

TEST(PrepareRequest, RefusesArgumentsTheBodyCannotTake) {
  EXPECT_EQ(InvalidMessage(Prepare(CreateAccount(), {{"name", "Contoso"}})),
            "http.create_account: argument 'seats' is required: the body at "
            "'seats' needs it");
  EXPECT_EQ(InvalidMessage(
                Prepare(CreateAccount(), {{"name", nullptr}, {"seats", 1}})),
            "http.create_account: argument 'name' is null, but the body at "
            "'label' needs a value");
}

TEST(PrepareRequest, AWholeBodyPlaceholderAndNoBody) {
  HttpEndpoint endpoint = CreateAccount();
  endpoint.body = Body("{payload}");
  endpoint.optional = {"payload"};
  PreparedRequest whole = Prepare(endpoint, {{"payload", {1, "two"}}});
  ASSERT_TRUE(whole.request.has_value());
  EXPECT_EQ(whole.request->body, R"([1,"two"])");
  PreparedRequest none = Prepare(endpoint, nlohmann::json::object());
  ASSERT_TRUE(none.request.has_value());
  EXPECT_EQ(none.request->body, "");
  EXPECT_EQ(Header(*none.request, "Content-Type"), "");
}

TEST(PrepareRequest, ConfiguredHeadersWinOverDefaults) {
  HttpEndpoint endpoint = CreateAccount();
  endpoint.headers = {{"Accept", "application/vnd.crm+json", false},
                      {"Content-Type", "application/merge-patch+json", false},
                      {"Authorization", "Bearer t0k3n", true}};
  engine::CallContext no_key{"run-1", "step", 1, ""};
  PreparedRequest prepared =
      PrepareRequest(endpoint, Args({{"name", "C"}, {"seats", 1}}), no_key, {});
  ASSERT_TRUE(prepared.request.has_value());
  EXPECT_EQ(Header(*prepared.request, "Accept"), "application/vnd.crm+json");
  EXPECT_EQ(Header(*prepared.request, "Content-Type"),
            "application/merge-patch+json");
  EXPECT_EQ(Header(*prepared.request, "Authorization"), "Bearer t0k3n");
  // No idempotency key, no header.
  EXPECT_EQ(Header(*prepared.request, "Idempotency-Key"), "");
}

TEST(RedactUrl, HidesSecretQueryValuesOnly) {
  net::Redaction redaction{"api_key"};
  EXPECT_EQ(RedactUrl(redaction, "https://h/x?a=1&api_key=s&b=2"),
            "https://h/x?a=1&api_key=***&b=2");
  EXPECT_EQ(RedactUrl(redaction, "https://h/x"), "https://h/x");
}

}  // namespace
}  // namespace bssflow::connectors::http
