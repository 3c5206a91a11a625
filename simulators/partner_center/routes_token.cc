// POST /{tenant}/oauth2/token and /{tenant}/oauth2/v2.0/token: the Entra ID
// token endpoint, form-encoded, with the client_credentials (app-only) and
// refresh_token (App+User) grants.
#include <optional>

#include "simulators/partner_center/routes.h"

namespace bssflow::simulators::partner_center {
namespace {

namespace http = boost::beast::http;

HttpResponse MissingParameter(const std::string& name) {
  return TokenErrorResponse(
      http::status::bad_request, "invalid_request", 900144,
      "The request body must contain the following parameter: '" + name + "'.");
}

std::string Field(const FormFields& form, const std::string& name) {
  const auto it = form.find(name);
  return it == form.end() ? "" : it->second;
}

// The client's id and secret; `secret_required` for client_credentials.
std::optional<HttpResponse> CheckClient(const FormFields& form,
                                        const PartnerCenterOptions& options,
                                        bool secret_required) {
  const std::string client_id = Field(form, "client_id");
  if (client_id.empty()) return MissingParameter("client_id");
  if (client_id != options.client_id) {
    return TokenErrorResponse(http::status::bad_request, "unauthorized_client",
                              700016,
                              "Application with identifier '" + client_id +
                                  "' was not found in the directory.");
  }
  const std::string secret = Field(form, "client_secret");
  if (secret.empty() && secret_required) {
    return TokenErrorResponse(http::status::unauthorized, "invalid_client",
                              7000218,
                              "The request body must contain the following "
                              "parameter: 'client_assertion' or "
                              "'client_secret'.");
  }
  if (!secret.empty() && secret != options.client_secret) {
    return TokenErrorResponse(http::status::unauthorized, "invalid_client",
                              7000215,
                              "Invalid client secret provided. Ensure the "
                              "secret being sent in the request is the client "
                              "secret value, not the client secret ID.");
  }
  return std::nullopt;
}

// v1 asks for `resource`, v2 for `scope` ("<resource>/.default").
std::optional<HttpResponse> CheckAudience(const FormFields& form, bool v2) {
  const std::string name = v2 ? "scope" : "resource";
  const std::string expected =
      v2 ? std::string(kPartnerCenterResource) + "/.default"
         : std::string(kPartnerCenterResource);
  const std::string value = Field(form, name);
  if (value.empty()) return MissingParameter(name);
  if (value == expected) return std::nullopt;
  if (v2) {
    return TokenErrorResponse(http::status::bad_request, "invalid_scope", 70011,
                              "The provided value for the input parameter "
                              "'scope' is not valid. The scope " +
                                  value + " is not valid.");
  }
  return TokenErrorResponse(http::status::bad_request, "invalid_resource",
                            500011,
                            "The resource principal named " + value +
                                " was not found in the tenant.");
}

std::optional<HttpResponse> CheckRefreshToken(const FormFields& form,
                                              const PartnerCenterState& state) {
  const std::string refresh_token = Field(form, "refresh_token");
  if (refresh_token.empty()) return MissingParameter("refresh_token");
  if (state.refresh_tokens.count(refresh_token) == 0) {
    return TokenErrorResponse(http::status::bad_request, "invalid_grant",
                              9002313,
                              "Invalid request. Request is malformed or "
                              "invalid.");
  }
  return std::nullopt;
}

HttpResponse IssueToken(RouteContext& ctx, bool app_user, bool v2) {
  const std::string access_token = ctx.tokens.NewToken("sim-at-");
  const auto expires_at = ctx.now + ctx.options.token_lifetime;
  ctx.state.tokens[access_token] = IssuedToken{expires_at, app_user};
  const auto unix_seconds = [](std::chrono::system_clock::time_point t) {
    return std::to_string(
        std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch())
            .count());
  };
  const std::string lifetime =
      std::to_string(ctx.options.token_lifetime.count());
  nlohmann::json body = {{"token_type", "Bearer"},
                         {"expires_in", lifetime},
                         {"ext_expires_in", lifetime},
                         {"expires_on", unix_seconds(expires_at)},
                         {"not_before", unix_seconds(ctx.now)},
                         {"access_token", access_token}};
  if (v2) {
    body["scope"] = std::string(kPartnerCenterResource) + "/.default";
  } else {
    body["resource"] = std::string(kPartnerCenterResource);
  }
  if (app_user) {
    const std::string refresh_token = ctx.tokens.NewToken("sim-rt-");
    ctx.state.refresh_tokens.insert(refresh_token);
    body["refresh_token"] = refresh_token;
  }
  return JsonResponse(http::status::ok, body);
}

}  // namespace

HttpResponse HandleToken(RouteContext& ctx) {
  const FormFields form = ParseFormFields(ctx.request.body());
  const bool v2 =
      ctx.target.segments.size() == 4;  // {tenant}/oauth2/v2.0/token
  const std::string grant_type = Field(form, "grant_type");
  if (grant_type.empty()) return MissingParameter("grant_type");
  const bool app_user = grant_type == "refresh_token";
  if (grant_type != "client_credentials" && !app_user) {
    return TokenErrorResponse(
        http::status::bad_request, "unsupported_grant_type", 70003,
        "The app requested an unsupported grant type '" + grant_type + "'.");
  }
  std::optional<HttpResponse> error = CheckClient(form, ctx.options, !app_user);
  if (!error && app_user) error = CheckRefreshToken(form, ctx.state);
  if (!error) error = CheckAudience(form, v2);
  if (error) return std::move(*error);
  return IssueToken(ctx, app_user, v2);
}

}  // namespace bssflow::simulators::partner_center
