// Partner-wide lookups: domain availability, address validation, country
// rules, indirect resellers and MPN IDs, agreement templates.
#include "simulators/partner_center/country_rules.h"
#include "simulators/partner_center/customer_validation.h"
#include "simulators/partner_center/routes.h"

namespace bssflow::simulators::partner_center {
namespace {

namespace http = boost::beast::http;

std::string Query(const RouteContext& ctx, const std::string& name) {
  const auto it = ctx.target.query.find(name);
  return it == ctx.target.query.end() ? "" : it->second;
}

HttpResponse MissingQuery(const std::string& name) {
  return ErrorResponse({http::status::bad_request, error_code::kInvalidInput,
                        "The query parameter '" + name + "' is required."});
}

nlohmann::json PlainAddressJson(const Address& address) {
  return {{"addressLine1", address.address_line1},
          {"addressLine2", address.address_line2},
          {"city", address.city},
          {"state", address.state},
          {"postalCode", address.postal_code},
          {"country", address.country}};
}

// The validation status and message for `address`.
std::pair<std::string, std::string> AddressVerdict(const Address& address) {
  const CountryRule* rule = FindCountryRule(address.country);
  if (rule == nullptr) {
    return {"NotValidated", "Addresses in country '" + address.country +
                                "' are not validated."};
  }
  if (address.address_line1.empty() || address.city.empty()) {
    return {"StreetPartial", "addressLine1 and city are required."};
  }
  if (!StateValid(*rule, address.state)) {
    return {"None", "The state '" + address.state + "' is not valid for " +
                        address.country + "."};
  }
  if (!PostalCodeValid(*rule, address.postal_code)) {
    return {"None", "The postal code '" + address.postal_code +
                        "' is not valid for " + address.country + "."};
  }
  return {"Verified", "The address is valid."};
}

}  // namespace

HttpResponse HandleDomainExists(RouteContext& ctx) {
  // Taken by any tenant, accessible to this partner or not.
  const bool taken = ctx.state.FindTenantByDomain(ctx.params.at(0)) != nullptr;
  return EmptyResponse(taken ? http::status::ok : http::status::not_found);
}

HttpResponse HandleValidateAddress(RouteContext& ctx) {
  auto body = JsonBody(ctx);
  if (auto* error = std::get_if<HttpResponse>(&body)) return std::move(*error);
  const Address address = ParseAddress(std::get<nlohmann::json>(body));
  auto [status, message] = AddressVerdict(address);
  return JsonResponse(http::status::ok,
                      {{"originalAddress", PlainAddressJson(address)},
                       {"suggestedAddresses", nlohmann::json::array()},
                       {"status", status},
                       {"validationMessage", message}});
}

HttpResponse HandleCountryRules(RouteContext& ctx) {
  const CountryRule* rule = FindCountryRule(ctx.params.at(0));
  if (rule == nullptr) {
    return ErrorResponse(
        {http::status::not_found, error_code::kNotFound,
         "No country validation rules for '" + ctx.params.at(0) + "'."});
  }
  return JsonResponse(http::status::ok, CountryRuleJson(*rule));
}

HttpResponse HandleRelationships(RouteContext& ctx) {
  const std::string type = Query(ctx, "relationship_type");
  if (type != "IsIndirectCloudSolutionProviderOf") {
    return ErrorResponse(
        {http::status::bad_request, error_code::kInvalidInput,
         "relationship_type must be IsIndirectCloudSolutionProviderOf; got '" +
             type + "'."});
  }
  nlohmann::json items = nlohmann::json::array();
  for (const KnownPartner& partner : ctx.state.partners) {
    if (!partner.indirect_reseller || ctx.options.mode == CspMode::kDirect) {
      continue;
    }
    items.push_back({{"id", partner.tenant_id},
                     {"name", partner.name},
                     {"relationshipType", type},
                     {"state", "Active"},
                     {"mpnId", partner.mpn_id},
                     {"attributes", {{"objectType", "PartnerRelationship"}}}});
  }
  return JsonResponse(
      http::status::ok,
      CollectionJson(std::move(items),
                     "/relationships?relationship_type=" + type));
}

HttpResponse HandleMpnProfile(RouteContext& ctx) {
  const std::string mpn_id = Query(ctx, "mpnid");
  // Without mpnId: the partner's own profile.
  const KnownPartner* partner =
      mpn_id.empty() ? ctx.state.FindPartnerByTenantId(kDemoPartnerTenantId)
                     : ctx.state.FindPartnerByMpnId(mpn_id);
  if (partner == nullptr) {
    return ErrorResponse(
        {http::status::not_found, error_code::kPartnerNotFound,
         "The partner with MPN ID '" + mpn_id + "' was not found."});
  }
  return JsonResponse(http::status::ok,
                      {{"partnerName", partner->name},
                       {"mpnId", partner->mpn_id},
                       {"profileType", "MpnProfile"},
                       {"attributes", {{"objectType", "MpnProfile"}}}});
}

HttpResponse HandleAgreementStatus(RouteContext& ctx) {
  const std::string mpn_id = Query(ctx, "mpnid");
  if (mpn_id.empty()) return MissingQuery("mpnId");
  const KnownPartner* partner = ctx.state.FindPartnerByMpnId(mpn_id);
  if (partner == nullptr) {
    return ErrorResponse({http::status::not_found, error_code::kMpnIdNotFound,
                          "MPN ID '" + mpn_id + "' was not found."});
  }
  if (!partner->indirect_reseller || ctx.options.mode == CspMode::kDirect) {
    return ErrorResponse({http::status::bad_request,
                          error_code::kNotIndirectReseller,
                          "MPN ID '" + mpn_id +
                              "' is not a valid indirect reseller of this "
                              "partner."});
  }
  return JsonResponse(http::status::ok,
                      {{"isAgreementSigned", partner->agreement_signed}});
}

HttpResponse HandleAgreementTemplates(RouteContext& ctx) {
  const std::string type = Query(ctx, "agreementtype");
  nlohmann::json items = nlohmann::json::array();
  if (type.empty() || type == "MicrosoftCustomerAgreement") {
    items.push_back({{"templateId", std::string(McaTemplateId())},
                     {"agreementType", "MicrosoftCustomerAgreement"},
                     {"agreementLink", "https://aka.ms/customeragreement"},
                     {"versionRank", 0},
                     {"attributes", {{"objectType", "AgreementMetaData"}}}});
  }
  return JsonResponse(
      http::status::ok,
      CollectionJson(std::move(items), "/agreements?agreementType=" + type));
}

}  // namespace bssflow::simulators::partner_center
