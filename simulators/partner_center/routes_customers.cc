// POST /v1/customers and GET /v1/customers/{id}, and the JSON shapes of
// customers and users shared by the customer routes.
#include <optional>

#include "simulators/partner_center/customer_validation.h"
#include "simulators/partner_center/json_fields.h"
#include "simulators/partner_center/routes.h"

namespace bssflow::simulators::partner_center {
namespace {

namespace http = boost::beast::http;

constexpr char kDomainTaken[] =
    "The domain specified during customer creation is already used by "
    "another tenant.";

std::string CustomerKey(const std::string& request_id) {
  return "customer|" + request_id;
}

// Who may name an indirect reseller: an indirect provider, with App+User.
std::optional<ApiError> CheckAssociationAllowed(const RouteContext& ctx,
                                                const nlohmann::json& body) {
  if (StringField(body, "associatedPartnerId").value_or("").empty()) {
    return std::nullopt;
  }
  if (ctx.options.mode == CspMode::kDirect) {
    return ApiError{http::status::bad_request, error_code::kNotIndirectReseller,
                    "associatedPartnerId is only for indirect providers; this "
                    "partner is a direct CSP."};
  }
  if (!ctx.token->app_user) {
    return ApiError{http::status::forbidden, error_code::kNotAllowed,
                    "The requested action is not allowed: creating a customer "
                    "for an indirect reseller (associatedPartnerId) needs an "
                    "App+User token (refresh_token grant), not an app-only "
                    "token."};
  }
  return std::nullopt;
}

std::optional<ApiError> CheckReseller(const RouteContext& ctx,
                                      const std::string& reseller_id) {
  if (reseller_id.empty()) return std::nullopt;
  const KnownPartner* reseller = ctx.state.FindPartnerByTenantId(reseller_id);
  if (reseller == nullptr || !reseller->indirect_reseller) {
    return ApiError{http::status::bad_request, error_code::kNotIndirectReseller,
                    "associatedPartnerId '" + reseller_id +
                        "' is not the tenant id of an indirect reseller of "
                        "this partner."};
  }
  if (!reseller->agreement_signed) {
    return ApiError{http::status::forbidden,
                    error_code::kResellerAgreementMissing,
                    "The indirect reseller '" + reseller->name +
                        "' has not accepted the partner agreement."};
  }
  return std::nullopt;
}

Tenant& AddTenant(RouteContext& ctx, const NewCustomer& customer) {
  Tenant tenant;
  tenant.id = ctx.ids.NewGuid();
  tenant.commerce_id = ctx.ids.NewGuid();
  tenant.billing_profile_id = ctx.ids.NewGuid();
  tenant.domains = {customer.domain};
  tenant.default_domain = customer.domain;
  tenant.company_name = customer.company_name;
  tenant.email = customer.email;
  tenant.culture = customer.culture;
  tenant.language = customer.language;
  tenant.address = customer.address;
  tenant.organization_registration_number =
      customer.organization_registration_number;
  tenant.associated_partner_id = customer.associated_partner_id;
  tenant.admin_password = ctx.ids.NewPassword();
  CustomerUser admin;
  admin.id = ctx.ids.NewGuid();
  admin.user_principal_name = "admin@" + customer.domain;
  admin.display_name = "admin";
  admin.usage_location = customer.address.country;
  tenant.users.push_back(std::move(admin));
  ctx.state.tenants.push_back(std::move(tenant));
  return ctx.state.tenants.back();
}

HttpResponse Created(const Tenant& tenant) {
  HttpResponse response =
      JsonResponse(http::status::created, CustomerJson(tenant, true));
  response.set(http::field::location, "/v1/customers/" + tenant.id);
  return response;
}

}  // namespace

nlohmann::json AddressJson(const Address& address) {
  nlohmann::json json = {{"country", address.country},
                         {"city", address.city},
                         {"addressLine1", address.address_line1},
                         {"postalCode", address.postal_code},
                         {"firstName", address.first_name},
                         {"lastName", address.last_name}};
  if (!address.state.empty()) json["state"] = address.state;
  if (!address.address_line2.empty()) {
    json["addressLine2"] = address.address_line2;
  }
  if (!address.phone_number.empty()) {
    json["phoneNumber"] = address.phone_number;
  }
  return json;
}

nlohmann::json CustomerJson(const Tenant& tenant, bool with_credentials) {
  nlohmann::json company = {
      {"tenantId", tenant.id},
      {"domain", tenant.default_domain},
      {"companyName", tenant.company_name},
      {"attributes", {{"objectType", "CustomerCompanyProfile"}}}};
  if (!tenant.organization_registration_number.empty()) {
    company["organizationRegistrationNumber"] =
        tenant.organization_registration_number;
  }
  nlohmann::json json = {
      {"id", tenant.id},
      {"commerceId", tenant.commerce_id},
      {"companyProfile", std::move(company)},
      {"billingProfile",
       {{"id", tenant.billing_profile_id},
        {"firstName", tenant.address.first_name},
        {"lastName", tenant.address.last_name},
        {"email", tenant.email},
        {"culture", tenant.culture},
        {"language", tenant.language},
        {"companyName", tenant.company_name},
        {"defaultAddress", AddressJson(tenant.address)},
        {"attributes", {{"objectType", "CustomerBillingProfile"}}}}},
      {"relationshipToPartner", tenant.relationship_to_partner},
      {"links", {{"self", LinkJson("/customers/" + tenant.id)}}},
      {"attributes", {{"objectType", "Customer"}}}};
  if (!tenant.associated_partner_id.empty()) {
    json["associatedPartnerId"] = tenant.associated_partner_id;
  }
  if (with_credentials) {
    json["userCredentials"] = {{"userName", "admin"},
                               {"password", tenant.admin_password}};
  }
  return json;
}

nlohmann::json UserJson(const CustomerUser& user) {
  return {{"id", user.id},
          {"userPrincipalName", user.user_principal_name},
          {"firstName", user.first_name},
          {"lastName", user.last_name},
          {"displayName", user.display_name},
          {"usageLocation", user.usage_location},
          {"state", "active"},
          {"userDomainType", "none"},
          {"attributes", {{"objectType", "CustomerUser"}}}};
}

std::string RequestId(const RouteContext& ctx) {
  const auto value = ctx.request["MS-RequestId"];
  return std::string(value.data(), value.size());
}

std::variant<nlohmann::json, HttpResponse> JsonBody(const RouteContext& ctx) {
  std::optional<nlohmann::json> body = ParseJson(ctx.request.body());
  if (!body || !body->is_object()) {
    return ErrorResponse({http::status::bad_request, error_code::kInvalidInput,
                          "The request body must be a JSON object."});
  }
  return std::move(*body);
}

Tenant* AccessibleTenant(RouteContext& ctx) {
  Tenant* tenant = ctx.state.FindTenant(ctx.params.at(0));
  return tenant != nullptr && tenant->accessible ? tenant : nullptr;
}

HttpResponse TenantNotFound(const std::string& tenant_id) {
  return ErrorResponse({http::status::not_found, error_code::kTenantNotFound,
                        "The customer '" + tenant_id +
                            "' was not found, or this partner has no "
                            "relationship with it."});
}

HttpResponse HandleCreateCustomer(RouteContext& ctx) {
  const std::string request_id = RequestId(ctx);
  if (auto it = ctx.state.created_by_request_id.find(CustomerKey(request_id));
      !request_id.empty() && it != ctx.state.created_by_request_id.end()) {
    // The same MS-RequestId again: the customer it created, not a second one.
    return Created(*ctx.state.FindTenant(it->second));
  }
  auto body = JsonBody(ctx);
  if (auto* error = std::get_if<HttpResponse>(&body)) return std::move(*error);
  const nlohmann::json& json = std::get<nlohmann::json>(body);
  if (auto error = CheckAssociationAllowed(ctx, json)) {
    return ErrorResponse(*error);
  }
  const auto parsed = ParseNewCustomer(json);
  if (auto* error = std::get_if<ApiError>(&parsed))
    return ErrorResponse(*error);
  const NewCustomer& customer = std::get<NewCustomer>(parsed);
  if (auto error = CheckReseller(ctx, customer.associated_partner_id)) {
    return ErrorResponse(*error);
  }
  if (ctx.state.FindTenantByDomain(customer.domain) != nullptr) {
    return ErrorResponse(
        {http::status::conflict, error_code::kAlreadyExists, kDomainTaken});
  }
  const Tenant& tenant = AddTenant(ctx, customer);
  if (!request_id.empty()) {
    ctx.state.created_by_request_id[CustomerKey(request_id)] = tenant.id;
  }
  return Created(tenant);
}

HttpResponse HandleGetCustomer(RouteContext& ctx) {
  const Tenant* tenant = AccessibleTenant(ctx);
  if (tenant == nullptr) return TenantNotFound(ctx.params.at(0));
  return JsonResponse(http::status::ok, CustomerJson(*tenant, false));
}

}  // namespace bssflow::simulators::partner_center
