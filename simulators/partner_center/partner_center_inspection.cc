// The /_sim/ endpoints of PartnerCenterSimulator: state, call log, fault
// plan and reset, for tests and the soak harness. Not part of Partner
// Center; no authentication.
#include <boost/beast/http/verb.hpp>
#include <cstdlib>
#include <utility>

#include "simulators/partner_center/api_responses.h"
#include "simulators/partner_center/json_fields.h"
#include "simulators/partner_center/partner_center_simulator.h"

namespace bssflow::simulators::partner_center {
namespace {

namespace http = boost::beast::http;

HttpResponse InspectionError(http::status status, const std::string& message) {
  return JsonResponse(status, {{"error", message}});
}

nlohmann::json TenantStateJson(const Tenant& tenant,
                               const PartnerCenterState& state) {
  nlohmann::json users = nlohmann::json::array();
  for (const CustomerUser& user : tenant.users) {
    users.push_back(user.user_principal_name);
  }
  nlohmann::json request_ids = nlohmann::json::array();
  constexpr std::string_view kCustomerKey = "customer|";
  for (const auto& [key, created] : state.created_by_request_id) {
    if (created == tenant.id && key.starts_with(kCustomerKey)) {
      request_ids.push_back(key.substr(kCustomerKey.size()));
    }
  }
  return {{"id", tenant.id},
          {"companyName", tenant.company_name},
          {"domains", tenant.domains},
          {"defaultDomain", tenant.default_domain},
          {"accessible", tenant.accessible},
          {"associatedPartnerId", tenant.associated_partner_id},
          {"users", std::move(users)},
          {"agreements", tenant.agreements.size()},
          {"createdByRequestIds", std::move(request_ids)}};
}

nlohmann::json CallJson(const CallRecord& call) {
  return {{"sequence", call.sequence},    {"method", call.method},
          {"path", call.target},          {"route", call.route},
          {"requestId", call.request_id}, {"status", call.status},
          {"fault", call.fault},          {"dropped", call.dropped}};
}

}  // namespace

HttpResponse PartnerCenterSimulator::HandleInspection(
    const HttpRequest& request, const RequestTarget& target) {
  const std::string path = target.path;
  const http::verb method = request.method();
  if (path == "/_sim/state" && method == http::verb::get) {
    return JsonResponse(http::status::ok, StateJsonLocked());
  }
  if (path == "/_sim/calls" && method == http::verb::get) {
    return JsonResponse(http::status::ok, CallsJson(target));
  }
  if (path == "/_sim/faults" && method == http::verb::get) {
    return JsonResponse(http::status::ok, FaultPlanJson(faults_.plan()));
  }
  if (path == "/_sim/faults" && method == http::verb::post) {
    return SetFaultsFromJson(request.body());
  }
  if (path == "/_sim/faults" && method == http::verb::delete_) {
    faults_.SetPlan(FaultPlan{});
    return JsonResponse(http::status::ok, FaultPlanJson(faults_.plan()));
  }
  if (path == "/_sim/reset" && method == http::verb::post) {
    ResetLocked();
    return JsonResponse(http::status::ok, StateJsonLocked());
  }
  return InspectionError(
      http::status::not_found,
      "no inspection endpoint " +
          std::string(request.method_string().data(),
                      request.method_string().size()) +
          " " + path +
          "; try GET /_sim/state, GET /_sim/calls, GET|POST|DELETE "
          "/_sim/faults, POST /_sim/reset");
}

HttpResponse PartnerCenterSimulator::SetFaultsFromJson(
    const std::string& body) {
  const std::optional<nlohmann::json> json = ParseJson(body);
  if (!json) {
    return InspectionError(http::status::bad_request,
                           "fault plan: the body is not valid JSON");
  }
  Result<FaultPlan> plan = ParseFaultPlan(*json);
  if (!plan.ok()) {
    return InspectionError(http::status::bad_request, plan.status().message());
  }
  faults_.SetPlan(std::move(plan).value());
  return JsonResponse(http::status::ok, FaultPlanJson(faults_.plan()));
}

nlohmann::json PartnerCenterSimulator::CallsJson(
    const RequestTarget& target) const {
  std::uint64_t since = 0;
  if (auto it = target.query.find("since"); it != target.query.end()) {
    since = std::strtoull(it->second.c_str(), nullptr, 10);
  }
  nlohmann::json calls = nlohmann::json::array();
  for (const CallRecord& call : state_.calls) {
    if (call.sequence > since) calls.push_back(CallJson(call));
  }
  return {{"calls", std::move(calls)}};
}

std::size_t PartnerCenterSimulator::ActiveTokens() const {
  const auto now = Now();
  std::size_t active = 0;
  for (const auto& [token, issued] : state_.tokens) {
    if (issued.expires_at > now) ++active;
  }
  return active;
}

nlohmann::json PartnerCenterSimulator::StateJsonLocked() const {
  nlohmann::json tenants = nlohmann::json::array();
  for (const Tenant& tenant : state_.tenants) {
    tenants.push_back(TenantStateJson(tenant, state_));
  }
  nlohmann::json partners = nlohmann::json::array();
  for (const KnownPartner& partner : state_.partners) {
    partners.push_back({{"tenantId", partner.tenant_id},
                        {"name", partner.name},
                        {"mpnId", partner.mpn_id},
                        {"indirectReseller", partner.indirect_reseller},
                        {"agreementSigned", partner.agreement_signed}});
  }
  return {{"mode", options_.mode == CspMode::kDirect ? "direct" : "indirect"},
          {"tenants", std::move(tenants)},
          {"partners", std::move(partners)},
          {"callCounts", state_.call_counts},
          {"activeTokens", ActiveTokens()},
          {"faults", FaultPlanJson(faults_.plan())}};
}

}  // namespace bssflow::simulators::partner_center
