// The users and agreements of one customer: POST/GET
// /v1/customers/{id}/users and POST /v1/customers/{id}/agreements.
#include <optional>

#include "simulators/partner_center/json_fields.h"
#include "simulators/partner_center/routes.h"

namespace bssflow::simulators::partner_center {
namespace {

namespace http = boost::beast::http;

constexpr char kMcaTemplateId[] = "117a1e3c-7f3c-4dd4-8b37-5a6c3b0f6c2e";

ApiError Invalid(std::string description) {
  return {http::status::bad_request, error_code::kInvalidInput,
          std::move(description)};
}

bool OwnsDomain(const Tenant& tenant, const std::string& upn) {
  const std::size_t at = upn.find('@');
  if (at == std::string::npos || at == 0) return false;
  const std::string domain = upn.substr(at + 1);
  for (const std::string& owned : tenant.domains) {
    if (EqualsIgnoreCase(owned, domain)) return true;
  }
  return false;
}

// The user `body` describes, or the first problem with it.
std::variant<CustomerUser, ApiError> ParseUser(const nlohmann::json& body,
                                               const Tenant& tenant) {
  CustomerUser user;
  user.user_principal_name =
      AsciiLower(StringField(body, "userPrincipalName").value_or(""));
  user.first_name = StringField(body, "firstName").value_or("");
  user.last_name = StringField(body, "lastName").value_or("");
  user.display_name = StringField(body, "displayName").value_or("");
  user.usage_location = StringField(body, "usageLocation").value_or("");
  if (!OwnsDomain(tenant, user.user_principal_name)) {
    return Invalid("userPrincipalName '" + user.user_principal_name +
                   "' must be name@domain with one of the customer's "
                   "domains.");
  }
  if (user.display_name.empty()) return Invalid("displayName is required.");
  if (user.usage_location.size() != 2) {
    return Invalid("usageLocation must be an ISO 3166 alpha-2 country code.");
  }
  const nlohmann::json* profile = ObjectField(body, "passwordProfile");
  const std::string password =
      profile ? StringField(*profile, "password").value_or("") : "";
  if (password.size() < 8) {
    return Invalid(
        "passwordProfile.password must have at least 8 "
        "characters.");
  }
  return user;
}

HttpResponse CreateUser(RouteContext& ctx, Tenant& tenant,
                        const nlohmann::json& body) {
  auto parsed = ParseUser(body, tenant);
  if (auto* error = std::get_if<ApiError>(&parsed))
    return ErrorResponse(*error);
  CustomerUser& user = std::get<CustomerUser>(parsed);
  for (const CustomerUser& existing : tenant.users) {
    if (existing.user_principal_name == user.user_principal_name) {
      return ErrorResponse({http::status::conflict, error_code::kAlreadyExists,
                            "A user with userPrincipalName '" +
                                user.user_principal_name +
                                "' already exists in this customer."});
    }
  }
  user.id = ctx.ids.NewGuid();
  tenant.users.push_back(user);
  const std::string request_id = RequestId(ctx);
  if (!request_id.empty()) {
    ctx.state.created_by_request_id["user|" + tenant.id + "|" + request_id] =
        user.id;
  }
  return JsonResponse(http::status::ok, UserJson(user));
}

std::optional<ApiError> ParseAgreement(const nlohmann::json& body,
                                       AgreementAcceptance& agreement) {
  const nlohmann::json* contact = ObjectField(body, "primaryContact");
  if (contact == nullptr) return Invalid("primaryContact is required.");
  agreement.first_name = StringField(*contact, "firstName").value_or("");
  agreement.last_name = StringField(*contact, "lastName").value_or("");
  agreement.email = StringField(*contact, "email").value_or("");
  agreement.phone_number = StringField(*contact, "phoneNumber").value_or("");
  if (agreement.first_name.empty() || agreement.last_name.empty() ||
      agreement.email.find('@') == std::string::npos) {
    return Invalid(
        "primaryContact needs firstName, lastName and a valid "
        "email.");
  }
  agreement.date_agreed = StringField(body, "dateAgreed").value_or("");
  if (agreement.date_agreed.empty()) return Invalid("dateAgreed is required.");
  agreement.template_id = StringField(body, "templateId").value_or("");
  if (agreement.template_id != kMcaTemplateId) {
    return Invalid("templateId '" + agreement.template_id +
                   "' is not the current Microsoft Customer Agreement "
                   "template: get it from GET "
                   "/v1/agreements?agreementType=MicrosoftCustomerAgreement.");
  }
  if (StringField(body, "type").value_or("") != "MicrosoftCustomerAgreement") {
    return Invalid("type must be MicrosoftCustomerAgreement.");
  }
  return std::nullopt;
}

}  // namespace

HttpResponse HandleCreateUser(RouteContext& ctx) {
  Tenant* tenant = AccessibleTenant(ctx);
  if (tenant == nullptr) return TenantNotFound(ctx.params.at(0));
  if (!ctx.token->app_user) {
    return ErrorResponse({http::status::forbidden, error_code::kNotAllowed,
                          "The requested action is not allowed: creating "
                          "users needs an App+User token (refresh_token "
                          "grant), not an app-only token."});
  }
  const std::string key = "user|" + tenant->id + "|" + RequestId(ctx);
  if (auto it = ctx.state.created_by_request_id.find(key);
      !RequestId(ctx).empty() && it != ctx.state.created_by_request_id.end()) {
    for (const CustomerUser& user : tenant->users) {
      if (user.id == it->second)
        return JsonResponse(http::status::ok, UserJson(user));
    }
  }
  auto body = JsonBody(ctx);
  if (auto* error = std::get_if<HttpResponse>(&body)) return std::move(*error);
  return CreateUser(ctx, *tenant, std::get<nlohmann::json>(body));
}

HttpResponse HandleListUsers(RouteContext& ctx) {
  const Tenant* tenant = AccessibleTenant(ctx);
  if (tenant == nullptr) return TenantNotFound(ctx.params.at(0));
  nlohmann::json items = nlohmann::json::array();
  for (const CustomerUser& user : tenant->users)
    items.push_back(UserJson(user));
  return JsonResponse(
      http::status::ok,
      CollectionJson(std::move(items), "/customers/" + tenant->id + "/users"));
}

HttpResponse HandleCreateAgreement(RouteContext& ctx) {
  Tenant* tenant = AccessibleTenant(ctx);
  if (tenant == nullptr) return TenantNotFound(ctx.params.at(0));
  auto body = JsonBody(ctx);
  if (auto* error = std::get_if<HttpResponse>(&body)) return std::move(*error);
  AgreementAcceptance agreement;
  if (auto error = ParseAgreement(std::get<nlohmann::json>(body), agreement)) {
    return ErrorResponse(*error);
  }
  tenant->agreements.push_back(agreement);
  nlohmann::json contact = {{"firstName", agreement.first_name},
                            {"lastName", agreement.last_name},
                            {"email", agreement.email}};
  if (!agreement.phone_number.empty()) {
    contact["phoneNumber"] = agreement.phone_number;
  }
  return JsonResponse(http::status::created,
                      {{"primaryContact", std::move(contact)},
                       {"dateAgreed", agreement.date_agreed},
                       {"templateId", agreement.template_id},
                       {"type", "MicrosoftCustomerAgreement"},
                       {"attributes", {{"objectType", "Agreement"}}}});
}

std::string_view McaTemplateId() { return kMcaTemplateId; }

}  // namespace bssflow::simulators::partner_center
