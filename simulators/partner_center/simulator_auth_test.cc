// The token endpoint, bearer checks, token expiry, echoed headers and
// unknown routes.
#include "simulators/partner_center/simulator_test_support.h"

namespace bssflow::simulators::partner_center {
namespace {

using testing::BodyJson;
using testing::ErrorBody;
using testing::MakeRequest;
using testing::SimulatorTest;
namespace http = boost::beast::http;

class AuthTest : public SimulatorTest {
 protected:
  SimulatedResponse Token(const std::string& form,
                          const std::string& path = "/common/oauth2/token") {
    return Send(MakeRequest(http::verb::post, path, form));
  }
  static std::string Client() {
    return "client_id=" + std::string(kDemoClientId);
  }
  static std::string Resource() {
    return "resource=" + PercentEncode(kPartnerCenterResource);
  }
};

const std::string kUnauthorized =
    "The access token is missing, invalid or expired: get a new one from "
    "POST /{tenant}/oauth2/token and send it as 'Authorization: Bearer "
    "<token>'.";

TEST_F(AuthTest, ClientCredentialsIssuesAnAppOnlyTokenWithStringExpiry) {
  const SimulatedResponse answer =
      Token("grant_type=client_credentials&" + Client() +
            "&client_secret=demo-client-secret&" + Resource());
  ASSERT_EQ(answer.response.result(), http::status::ok);
  nlohmann::json body = BodyJson(answer);
  const std::string token = body["access_token"];
  EXPECT_TRUE(token.starts_with("sim-at-")) << token;
  EXPECT_EQ(token.size(), 7u + 32u);
  body.erase("access_token");
  EXPECT_EQ(body, nlohmann::json({{"token_type", "Bearer"},
                                  {"expires_in", "3599"},
                                  {"ext_expires_in", "3599"},
                                  {"expires_on", "1704070799"},
                                  {"not_before", "1704067200"},
                                  {"resource", kPartnerCenterResource}}));
  EXPECT_FALSE(sim_->Snapshot().tokens.at(token).app_user);
}

TEST_F(AuthTest, V2EndpointTakesAScope) {
  const SimulatedResponse answer = Token(
      "grant_type=client_credentials&" + Client() +
          "&client_secret=demo-client-secret&scope=" +
          PercentEncode(std::string(kPartnerCenterResource) + "/.default"),
      "/f0000000-0000-4000-8000-000000000001/oauth2/v2.0/token");
  ASSERT_EQ(answer.response.result(), http::status::ok);
  EXPECT_EQ(BodyJson(answer)["scope"],
            "https://api.partnercenter.microsoft.com/.default");
}

TEST_F(AuthTest, RefreshTokenGrantIssuesAnAppUserTokenAndANewRefreshToken) {
  const SimulatedResponse answer =
      Token("grant_type=refresh_token&" + Client() +
            "&refresh_token=demo-refresh-token&" + Resource());
  ASSERT_EQ(answer.response.result(), http::status::ok);
  const nlohmann::json body = BodyJson(answer);
  EXPECT_TRUE(sim_->Snapshot().tokens.at(body["access_token"]).app_user);
  const std::string refresh = body["refresh_token"];
  // The refresh token handed out works in turn.
  EXPECT_EQ(Token("grant_type=refresh_token&" + Client() +
                  "&refresh_token=" + refresh + "&" + Resource())
                .response.result(),
            http::status::ok);
}

TEST_F(AuthTest, WrongSecretIs401WithAnAadError) {
  const SimulatedResponse answer =
      Token("grant_type=client_credentials&" + Client() +
            "&client_secret=nope&" + Resource());
  EXPECT_EQ(answer.response.result(), http::status::unauthorized);
  EXPECT_EQ(BodyJson(answer),
            nlohmann::json::parse(R"({"error": "invalid_client",
              "error_description": "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
              "error_codes": [7000215]})"));
}

TEST_F(AuthTest, BadRequestsGetTheirAadErrors) {
  struct Case {
    std::string form;
    http::status status;
    std::string error;
    std::string description;
  };
  const Case cases[] = {
      {Client(), http::status::bad_request, "invalid_request",
       "AADSTS900144: The request body must contain the following "
       "parameter: 'grant_type'."},
      {"grant_type=password&" + Client(), http::status::bad_request,
       "unsupported_grant_type",
       "AADSTS70003: The app requested an unsupported grant type "
       "'password'."},
      {"grant_type=client_credentials&client_id=someone&client_secret=x",
       http::status::bad_request, "unauthorized_client",
       "AADSTS700016: Application with identifier 'someone' was not found "
       "in the directory."},
      {"grant_type=client_credentials&" + Client(), http::status::unauthorized,
       "invalid_client",
       "AADSTS7000218: The request body must contain the following "
       "parameter: 'client_assertion' or 'client_secret'."},
      {"grant_type=refresh_token&" + Client() + "&refresh_token=stale",
       http::status::bad_request, "invalid_grant",
       "AADSTS9002313: Invalid request. Request is malformed or invalid."},
      {"grant_type=client_credentials&" + Client() +
           "&client_secret=demo-client-secret&resource=https%3A%2F%2Fgraph",
       http::status::bad_request, "invalid_resource",
       "AADSTS500011: The resource principal named https://graph was not "
       "found in the tenant."},
  };
  for (const Case& c : cases) {
    const SimulatedResponse answer = Token(c.form);
    EXPECT_EQ(answer.response.result(), c.status) << c.form;
    const nlohmann::json body = BodyJson(answer);
    EXPECT_EQ(body["error"], c.error) << c.form;
    EXPECT_EQ(body["error_description"], c.description) << c.form;
  }
}

TEST_F(AuthTest, ApiRoutesNeedAValidBearerToken) {
  for (const char* authorization : {"", "Bearer sim-at-unknown", "Basic abc"}) {
    HttpRequest request = MakeRequest(
        http::verb::get, "/v1/customers/c0000000-0000-4000-8000-000000000001");
    if (*authorization != 0) request.set("Authorization", authorization);
    const SimulatedResponse answer = Send(request);
    EXPECT_EQ(answer.response.result(), http::status::unauthorized);
    EXPECT_EQ(BodyJson(answer), ErrorBody(2001, kUnauthorized));
    EXPECT_EQ(answer.response["WWW-Authenticate"],
              "Bearer error=\"invalid_token\"");
  }
}

TEST_F(AuthTest, TokensExpireOnTheInjectedClock) {
  const std::string token = AppToken();
  const std::string path = "/v1/customers/c0000000-0000-4000-8000-000000000001";
  now_ += std::chrono::seconds(3598);
  EXPECT_EQ(Call(http::verb::get, path, token).response.result(),
            http::status::ok);
  now_ += std::chrono::seconds(1);
  const SimulatedResponse expired = Call(http::verb::get, path, token);
  EXPECT_EQ(expired.response.result(), http::status::unauthorized);
  EXPECT_EQ(BodyJson(expired), ErrorBody(2001, kUnauthorized));
  // A new token works again.
  EXPECT_EQ(Call(http::verb::get, path, AppToken()).response.result(),
            http::status::ok);
}

TEST_F(AuthTest, TokenLifetimeIsConfigurable) {
  PartnerCenterOptions options;
  options.token_lifetime = std::chrono::seconds(60);
  Restart(options);
  const SimulatedResponse answer = Send(MakeRequest(
      http::verb::post, "/common/oauth2/token",
      "grant_type=client_credentials&client_id=" + std::string(kDemoClientId) +
          "&client_secret=demo-client-secret&resource=" +
          PercentEncode(kPartnerCenterResource)));
  EXPECT_EQ(BodyJson(answer)["expires_in"], "60");
}

TEST_F(AuthTest, ResponsesEchoRequestIdsAndAddACorrelationVector) {
  HttpRequest request = MakeRequest(
      http::verb::get, "/v1/customers/c0000000-0000-4000-8000-000000000001", "",
      {{"Authorization", "Bearer " + AppToken()},
       {"MS-RequestId", "11111111-1111-4111-8111-111111111111"},
       {"MS-CorrelationId", "22222222-2222-4222-8222-222222222222"}});
  const SimulatedResponse answer = Send(request);
  EXPECT_EQ(answer.response["MS-RequestId"],
            "11111111-1111-4111-8111-111111111111");
  EXPECT_EQ(answer.response["MS-CorrelationId"],
            "22222222-2222-4222-8222-222222222222");
  // The sign-in was answer 1.
  EXPECT_EQ(answer.response["MS-CV"], "bssflowsim.2");
  EXPECT_EQ(answer.response["Content-Type"], "application/json; charset=utf-8");
  EXPECT_EQ(answer.delay, std::chrono::milliseconds(0));
  EXPECT_FALSE(answer.drop_connection);
}

TEST_F(AuthTest, UnknownRoutesAre404WithAPartnerCenterError) {
  const std::string token = AppToken();
  const SimulatedResponse answer = Call(http::verb::get, "/v1/invoices", token);
  EXPECT_EQ(answer.response.result(), http::status::not_found);
  EXPECT_EQ(BodyJson(answer),
            ErrorBody(2004, "No resource at GET /v1/invoices."));
  const SimulatedResponse wrong_method =
      Call(http::verb::delete_, "/v1/customers", token);
  EXPECT_EQ(BodyJson(wrong_method),
            ErrorBody(2004, "No resource at DELETE /v1/customers."));
}

}  // namespace
}  // namespace bssflow::simulators::partner_center
