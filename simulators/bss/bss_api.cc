#include "simulators/bss/bss_api.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <utility>

namespace bssflow::simulators::bss {
namespace {

namespace http = boost::beast::http;

HttpResponse OAuthError(const HttpRequest& request, int status,
                        std::string_view error, std::string description) {
  // An RFC 7807 problem that also carries RFC 6749's error members, so both
  // OAuth2 client libraries and the connector's problem parser understand it.
  std::string slug(error);
  std::replace(slug.begin(), slug.end(), '_', '-');
  HttpResponse response = ProblemResponse(
      request, status, slug,
      status == 401 ? "Client authentication failed"
                    : "The token request was refused",
      description,
      {{"error", std::string(error)}, {"error_description", description}});
  if (status == 401) {
    response.set(http::field::www_authenticate, "Basic realm=\"bss\"");
  }
  return response;
}

HttpResponse Unauthorized(const HttpRequest& request, std::string_view slug,
                          std::string_view title, std::string detail,
                          std::string www_authenticate) {
  HttpResponse response =
      ProblemResponse(request, 401, slug, title, std::move(detail));
  response.set(http::field::www_authenticate, www_authenticate);
  return response;
}

std::optional<std::int64_t> ParseId(std::string_view text) {
  std::int64_t id = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

}  // namespace

BssApi::BssApi(BssState& state, Clock clock, std::uint64_t seed)
    : state_(state), clock_(std::move(clock)), token_random_(seed) {}

const std::vector<BssApi::Route>& BssApi::Routes() {
  using V = http::verb;
  static const std::vector<Route> routes = {
      {V::post, "oauth/token", &BssApi::PostToken, false},
      {V::get, "api/Accounts", &BssApi::ListAccounts, true},
      {V::get, "api/Accounts/{}", &BssApi::GetAccount, true},
      {V::put, "api/Accounts/{}/customercode", &BssApi::PutCustomerCode, true},
      {V::delete_, "api/Accounts/{}/customercode", &BssApi::DeleteCustomerCode,
       true},
      {V::get, "api/Accounts/{}/syncoptions/{}", &BssApi::GetSyncOptions, true},
      {V::put, "api/Accounts/{}/syncoptions/{}", &BssApi::PutSyncOptions, true},
      {V::get, "api/Accounts/{}/syncstatus/{}", &BssApi::GetSyncStatus, true},
      {V::put, "api/Accounts/{}/syncstatus/{}", &BssApi::PutSyncStatus, true},
      {V::get, "api/ProvisioningSystems", &BssApi::ListSystems, true},
      {V::get, "api/ProvisioningSystems/{}", &BssApi::GetSystem, true},
      {V::get, "api/ProvisioningSystems/{}/syncoptiondefinitions",
       &BssApi::GetDefinitions, true},
      {V::put, "api/ProvisioningSystems/{}/syncoptiondefinitions",
       &BssApi::PutDefinitions, true},
      {V::get, "api/NotificationTemplates", &BssApi::ListTemplates, true},
      {V::get, "api/NotificationTemplates/{}", &BssApi::GetTemplate, true},
      {V::post, "api/Notifications", &BssApi::PostNotification, true},
      {V::get, "api/Notifications/{}", &BssApi::GetNotification, true},
  };
  return routes;
}

HttpResponse BssApi::Handle(const HttpRequest& request,
                            const ParsedTarget& target) {
  std::string allowed;
  for (const Route& route : Routes()) {
    std::optional<std::vector<std::string>> params =
        MatchRoute(route.pattern, target.segments);
    if (!params) continue;
    if (route.method != request.method()) {
      if (!allowed.empty()) allowed += ", ";
      allowed += std::string(http::to_string(route.method));
      continue;
    }
    if (route.needs_token) {
      if (std::optional<HttpResponse> refused = Authenticate(request)) {
        return std::move(*refused);
      }
    }
    return (this->*route.handler)(ApiCall{request, target, std::move(*params)});
  }
  if (allowed.empty()) {
    return ProblemResponse(request, 404, "route-not-found", "No such endpoint",
                           "No endpoint answers " + target.path + ".");
  }
  HttpResponse response =
      ProblemResponse(request, 405, "method-not-allowed", "Method not allowed",
                      target.path + " accepts " + allowed + ".");
  response.set(http::field::allow, allowed);
  return response;
}

std::optional<HttpResponse> BssApi::Authenticate(const HttpRequest& request) {
  std::optional<std::string> value = BearerToken(request);
  if (!value) {
    return Unauthorized(request, "missing-token", "Authentication required",
                        "Send \"Authorization: Bearer <token>\" with a token "
                        "from POST /oauth/token.",
                        "Bearer realm=\"bss\"");
  }
  auto token = state_.tokens.find(*value);
  if (token == state_.tokens.end()) {
    return Unauthorized(
        request, "invalid-token", "Invalid access token",
        "The access token is not valid; get a new one from POST /oauth/token.",
        "Bearer realm=\"bss\", error=\"invalid_token\", "
        "error_description=\"The access token is not valid\"");
  }
  if (token->second.expires_at <= clock_()) {
    return Unauthorized(request, "token-expired", "Access token expired",
                        "The access token expired at " +
                            FormatTime(token->second.expires_at) +
                            "; get a new one from POST /oauth/token.",
                        "Bearer realm=\"bss\", error=\"invalid_token\", "
                        "error_description=\"The access token expired\"");
  }
  return std::nullopt;
}

void BssApi::ExpireTokenOf(const HttpRequest& request) {
  std::optional<std::string> value = BearerToken(request);
  if (!value) return;
  auto token = state_.tokens.find(*value);
  if (token != state_.tokens.end()) token->second.expires_at = clock_();
}

std::string BssApi::NewTokenValue() {
  char text[40];
  std::snprintf(text, sizeof text, "bss-%016llx%016llx",
                static_cast<unsigned long long>(token_random_()),
                static_cast<unsigned long long>(token_random_()));
  return text;
}

HttpResponse BssApi::PostToken(const ApiCall& call) {
  const HttpRequest& request = call.request;
  std::optional<std::pair<std::string, std::string>> client =
      BasicCredentials(request);
  const Credentials& credentials = state_.credentials;
  if (!client || client->first != credentials.client_key ||
      client->second != credentials.client_secret) {
    return OAuthError(request, 401, "invalid_client",
                      "Send the client key and secret as HTTP Basic "
                      "credentials; these were missing or wrong.");
  }
  std::map<std::string, std::string> form = ParseForm(request.body());
  if (form["grant_type"] != "password") {
    return OAuthError(request, 400, "unsupported_grant_type",
                      "grant_type must be \"password\".");
  }
  auto user = credentials.user_passwords.find(form["username"]);
  if (user == credentials.user_passwords.end() ||
      user->second != form["password"]) {
    return OAuthError(request, 400, "invalid_grant",
                      "The user name or password is incorrect.");
  }
  Token token{NewTokenValue(), user->first,
              clock_() + credentials.token_lifetime};
  state_.tokens[token.value] = token;
  HttpResponse response =
      JsonResponse(request, 200,
                   {{"access_token", token.value},
                    {"token_type", "bearer"},
                    {"expires_in", credentials.token_lifetime.count()},
                    {"userName", token.username},
                    {".expires", FormatTime(token.expires_at)}});
  response.set(http::field::cache_control, "no-store");
  return response;
}

Account* BssApi::FindAccount(const ApiCall& call, std::size_t index) {
  std::optional<std::int64_t> id = ParseId(call.params.at(index));
  if (!id) return nullptr;
  auto account = state_.accounts.find(*id);
  return account == state_.accounts.end() ? nullptr : &account->second;
}

const ProvisioningSystem* BssApi::FindSystem(const ApiCall& call,
                                             std::size_t index) {
  auto system = state_.systems.find(call.params.at(index));
  return system == state_.systems.end() ? nullptr : &system->second;
}

std::variant<Json, HttpResponse> JsonBody(const ApiCall& call) {
  Json body = Json::parse(call.request.body(), nullptr, false);
  if (body.is_discarded()) {
    return InvalidRequest(call, "The request body is not valid JSON.");
  }
  return body;
}

HttpResponse InvalidRequest(const ApiCall& call, std::string detail) {
  return ProblemResponse(call.request, 400, "invalid-request",
                         "The request is invalid", std::move(detail));
}

HttpResponse AccountNotFound(const ApiCall& call, std::size_t index) {
  return ProblemResponse(
      call.request, 404, "account-not-found", "Account not found",
      "No account has the ID " + call.params.at(index) + ".");
}

HttpResponse SystemNotFound(const ApiCall& call, std::size_t index) {
  return ProblemResponse(
      call.request, 404, "system-not-found", "Provisioning system not found",
      "No provisioning system has the code " + call.params.at(index) + ".");
}

}  // namespace bssflow::simulators::bss
