#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "connectors/http/http_connector.h"
#include "connectors/http/testing.h"

namespace bssflow::connectors::http {
namespace {

using testing::Body;
using testing::Template;

HttpEndpoint CrmAccount() {
  HttpEndpoint endpoint;
  endpoint.name = "crm_account";
  endpoint.method = "GET";
  endpoint.url = Template("https://crm.example/api/accounts/{account_id}");
  endpoint.query = {{"expand", Template("{expand}"), false},
                    {"key", Template("s3cr3t"), true}};
  endpoint.headers = {{"X-Api-Token", "t0k3n", true},
                      {"X-Source", "bssflow", false}};
  endpoint.accept = {200};
  endpoint.result =
      std::vector<ResultField>{{"id", "/id"}, {"token", "/auth/value"}};
  endpoint.secret = {"token"};
  endpoint.optional = {"expand"};
  return endpoint;
}

HttpEndpoint CreateAccount() {
  HttpEndpoint endpoint;
  endpoint.name = "create_account";
  endpoint.method = "POST";
  endpoint.url = Template("https://crm.example/api/accounts");
  endpoint.body = Body(nlohmann::ordered_json::parse(
      R"({"name": "{name}", "note": "for {name}", "seats": "{seats}"})"));
  endpoint.secret = {"credentials.password"};
  return endpoint;
}

TEST(Manifest, OneActionPerEndpoint) {
  std::vector<engine::ActionSpec> specs =
      Manifest({CrmAccount(), CreateAccount()});
  ASSERT_EQ(specs.size(), 2u);
  const engine::ActionSpec& get = specs[0];
  EXPECT_EQ(get.name, "http.crm_account");
  ASSERT_EQ(get.arguments.size(), 2u);
  EXPECT_EQ(get.arguments[0].name, "account_id");
  EXPECT_TRUE(get.arguments[0].required);
  EXPECT_EQ(get.arguments[0].description, "the URL");
  EXPECT_EQ(get.arguments[1].name, "expand");
  EXPECT_FALSE(get.arguments[1].required);
  EXPECT_EQ(get.arguments[1].description, "query parameter 'expand'");
  EXPECT_EQ(get.secret_fields, std::vector<std::string>{"token"});
  EXPECT_EQ(get.description,
            "GET https://crm.example/api/accounts/{account_id}; accepts 200; "
            "result: {id, token}");

  const engine::ActionSpec& post = specs[1];
  EXPECT_EQ(post.name, "http.create_account");
  ASSERT_EQ(post.arguments.size(), 2u);
  EXPECT_EQ(post.arguments[0].name, "name");
  EXPECT_EQ(post.arguments[0].description,
            "body 'name' (any JSON value); text in body 'note'");
  EXPECT_EQ(post.arguments[1].name, "seats");
  EXPECT_EQ(post.secret_fields,
            std::vector<std::string>{"credentials.password"});
  EXPECT_EQ(post.description,
            "POST https://crm.example/api/accounts; accepts 200, 201, 202, "
            "204; result: the body");
}

TEST(RedactionOf, SecretHeadersQueryParametersAndResultMembers) {
  net::Redaction redaction = RedactionOf({CrmAccount(), CreateAccount()});
  EXPECT_TRUE(redaction.IsSecret("x-api-token"));
  EXPECT_TRUE(redaction.IsSecret("key"));
  EXPECT_TRUE(redaction.IsSecret("value"));     // /auth/value, result 'token'
  EXPECT_TRUE(redaction.IsSecret("password"));  // credentials.password
  EXPECT_FALSE(redaction.IsSecret("X-Source"));
  EXPECT_FALSE(redaction.IsSecret("expand"));
  EXPECT_FALSE(redaction.IsSecret("token"));  // a result name, not a member
}

TEST(HttpClientOptions, LeavesRetriesOfAnsweredCallsToTheRunner) {
  HttpConfig config{{CrmAccount()}, "/etc/ca.pem"};
  net::ClientOptions options = HttpClientOptions(config, {});
  EXPECT_EQ(options.retry.max_attempts, 2);
  EXPECT_TRUE(options.retry.retry_statuses.empty());
  EXPECT_TRUE(options.retry.retry_unsent);
  EXPECT_FALSE(options.retry.retry_unanswered);
  EXPECT_EQ(options.ca_file, "/etc/ca.pem");
  EXPECT_TRUE(options.redaction.IsSecret("X-Api-Token"));
  EXPECT_TRUE(options.redaction.IsSecret("client_secret"));  // the defaults
}

TEST(HttpConnectorCreate, RefusesTwoEndpointsOfOneName) {
  boost::asio::io_context io;
  auto made = HttpConnector::Create(
      io.get_executor(), HttpConfig{{CrmAccount(), CrmAccount()}, ""});
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().message(),
            "http connector: endpoint 'crm_account' is declared twice");
  EXPECT_TRUE(
      HttpConnector::Create(io.get_executor(), HttpConfig{{CrmAccount()}, ""})
          .ok());
}

}  // namespace
}  // namespace bssflow::connectors::http
