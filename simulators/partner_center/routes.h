// The Partner Center and Entra ID routes of the simulator, one function
// each. Internal to the simulator: PartnerCenterSimulator matches the route,
// checks the bearer token, and calls these with the state locked.
#ifndef BSSFLOW_SIMULATORS_PARTNER_CENTER_ROUTES_H_
#define BSSFLOW_SIMULATORS_PARTNER_CENTER_ROUTES_H_

#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "simulators/partner_center/api_responses.h"
#include "simulators/partner_center/id_source.h"
#include "simulators/partner_center/partner_center_options.h"
#include "simulators/partner_center/request_target.h"
#include "simulators/partner_center/state.h"
#include "simulators/simulated_response.h"

namespace bssflow::simulators::partner_center {

/// Everything a route may read or change while handling one request.
struct RouteContext {
  const HttpRequest& request;
  const RequestTarget& target;
  /// The values of the route template's {placeholders}, in order.
  const std::vector<std::string>& params;
  PartnerCenterState& state;
  const PartnerCenterOptions& options;
  /// Ids of created resources (deterministic from the seed).
  IdSource& ids;
  /// Tokens of every kind (access, refresh, continuation).
  IdSource& tokens;
  std::chrono::system_clock::time_point now;
  /// The caller's token, for routes that need a bearer token; else null.
  const IssuedToken* token = nullptr;
};

/// A route handler.
using RouteHandler = HttpResponse (*)(RouteContext&);

// Entra ID (routes_token.cc).
HttpResponse HandleToken(RouteContext& ctx);

// Customers (routes_customers.cc).
HttpResponse HandleCreateCustomer(RouteContext& ctx);
HttpResponse HandleGetCustomer(RouteContext& ctx);
HttpResponse HandleListCustomers(RouteContext& ctx);

// Users and agreements of one customer (routes_customer_children.cc).
HttpResponse HandleCreateUser(RouteContext& ctx);
HttpResponse HandleListUsers(RouteContext& ctx);
HttpResponse HandleCreateAgreement(RouteContext& ctx);

// Partner-wide lookups (routes_lookups.cc).
HttpResponse HandleDomainExists(RouteContext& ctx);
HttpResponse HandleValidateAddress(RouteContext& ctx);
HttpResponse HandleCountryRules(RouteContext& ctx);
HttpResponse HandleRelationships(RouteContext& ctx);
HttpResponse HandleMpnProfile(RouteContext& ctx);
HttpResponse HandleAgreementStatus(RouteContext& ctx);
HttpResponse HandleAgreementTemplates(RouteContext& ctx);

/// The Partner Center JSON of a customer (Customer resource); with
/// `with_credentials`, the userCredentials of its admin as well (create
/// responses only).
nlohmann::json CustomerJson(const Tenant& tenant, bool with_credentials);

/// An address as Partner Center's JSON (camelCase; empty optional fields
/// left out).
nlohmann::json AddressJson(const Address& address);

/// The Partner Center JSON of a customer user.
nlohmann::json UserJson(const CustomerUser& user);

/// The tenant `ctx.params[0]` names if this partner can access it.
Tenant* AccessibleTenant(RouteContext& ctx);

/// 404 code 60003 for `tenant_id`.
HttpResponse TenantNotFound(const std::string& tenant_id);

/// The Microsoft Customer Agreement template id that GET /v1/agreements
/// hands out and POST /v1/customers/{id}/agreements requires.
std::string_view McaTemplateId();

/// The MS-RequestId header of the request (empty when absent).
std::string RequestId(const RouteContext& ctx);

/// The request body as JSON, or the 400 error to answer with.
std::variant<nlohmann::json, HttpResponse> JsonBody(const RouteContext& ctx);

}  // namespace bssflow::simulators::partner_center

#endif  // BSSFLOW_SIMULATORS_PARTNER_CENTER_ROUTES_H_
