// What the Partner Center simulator knows: the tenants of the world (those
// this partner can access and those it cannot), the partners known by MPN
// ID (indirect resellers among them), issued tokens, and the bookkeeping
// that makes creates idempotent and lets tests inspect what happened.
//
// Plain data; PartnerCenterSimulator owns one and guards it with its mutex.
#ifndef BSSFLOW_SIMULATORS_PARTNER_CENTER_STATE_H_
#define BSSFLOW_SIMULATORS_PARTNER_CENTER_STATE_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bssflow::simulators::partner_center {

/// A billing address (billingProfile.defaultAddress).
struct Address {
  std::string country;  // ISO 3166 alpha-2, upper case
  std::string city;
  std::string state;
  std::string address_line1;
  std::string address_line2;
  std::string postal_code;
  std::string first_name;
  std::string last_name;
  std::string phone_number;
};

/// A user of a customer tenant.
struct CustomerUser {
  std::string id;
  std::string user_principal_name;  // lower case
  std::string first_name;
  std::string last_name;
  std::string display_name;
  std::string usage_location;
};

/// A Microsoft Customer Agreement acceptance recorded for a tenant.
struct AgreementAcceptance {
  std::string template_id;
  std::string date_agreed;
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string phone_number;
};

/// One Microsoft tenant (a customer, from this partner's point of view).
struct Tenant {
  std::string id;  // the tenant id, a GUID
  std::string commerce_id;
  std::string billing_profile_id;
  /// Every domain of the tenant, lower case: the initial
  /// "<prefix>.onmicrosoft.com" first, then verified custom domains. All of
  /// them are taken for HEAD /v1/domains.
  std::vector<std::string> domains;
  /// The tenant's default domain (companyProfile.domain): the initial domain
  /// unless the tenant made a custom domain its primary one. The customer
  /// search's Domain filter matches this one.
  std::string default_domain;
  std::string company_name;
  std::string email;
  std::string culture = "en-US";
  std::string language = "en";
  Address address;
  std::string organization_registration_number;
  /// Whether the tenant has a relationship with this partner. Inaccessible
  /// tenants only show in HEAD /v1/domains.
  bool accessible = true;
  /// The indirect reseller's tenant id, or empty for a direct customer.
  std::string associated_partner_id;
  std::string relationship_to_partner = "reseller";
  std::vector<CustomerUser> users;
  std::vector<AgreementAcceptance> agreements;
  /// The admin password given at creation, kept so that an idempotent
  /// replay of the create answers with the same credentials. Empty for
  /// seeded tenants.
  std::string admin_password;
};

/// A partner known by MPN ID: an indirect reseller or any other partner.
struct KnownPartner {
  std::string tenant_id;
  std::string name;
  std::string mpn_id;
  /// An IsIndirectCloudSolutionProviderOf relationship with this partner:
  /// listed under /v1/relationships and usable as associatedPartnerId.
  bool indirect_reseller = false;
  /// Whether it accepted the partner agreement (agreementstatus).
  bool agreement_signed = false;
};

/// An access token handed out by the token endpoint.
struct IssuedToken {
  std::chrono::system_clock::time_point expires_at;
  /// App+User (refresh_token grant) rather than app-only.
  bool app_user = false;
};

/// Where a customer listing resumes (MS-ContinuationToken).
struct CustomerPage {
  std::string field;  // "domain", "companyname", "indirectreseller" or ""
  std::string value;
  std::size_t offset = 0;
  std::size_t size = 0;
};

/// One request as the simulator saw it (GET /_sim/calls).
struct CallRecord {
  std::uint64_t sequence = 0;
  std::string method;
  std::string target;      // path and query as sent
  std::string route;       // "POST /v1/customers", "unknown", ...
  std::string request_id;  // MS-RequestId, possibly empty
  int status = 0;          // the status produced, even when not delivered
  std::string fault;       // the fault acted out, or empty
  bool dropped = false;    // the connection was dropped instead of answering
};

/// The simulator's whole state.
struct PartnerCenterState {
  std::vector<Tenant> tenants;
  std::vector<KnownPartner> partners;
  std::map<std::string, IssuedToken> tokens;
  std::set<std::string> refresh_tokens;
  /// The idempotency memory: "customer|<MS-RequestId>" -> tenant id, and
  /// "user|<tenant id>|<MS-RequestId>" -> user id, for successful creates.
  std::map<std::string, std::string> created_by_request_id;
  std::map<std::string, CustomerPage> continuations;
  std::map<std::string, std::uint64_t> call_counts;
  std::deque<CallRecord> calls;
  std::uint64_t next_call_sequence = 1;

  Tenant* FindTenant(std::string_view id);
  const Tenant* FindTenant(std::string_view id) const;
  /// The tenant owning `domain` (any of its domains, ignoring case).
  const Tenant* FindTenantByDomain(std::string_view domain) const;
  const KnownPartner* FindPartnerByMpnId(std::string_view mpn_id) const;
  const KnownPartner* FindPartnerByTenantId(std::string_view tenant_id) const;
};

/// The demo data. The workflows, their tests and docs/simulators/
/// partner-center.md rely on these names; change them together.
///
/// Tenants (all US addresses unless noted):
///  - "Contoso Ltd" c0000000-0000-4000-8000-000000000001: accessible;
///    domains contoso.onmicrosoft.com and contoso.com, with contoso.com its
///    default domain (the "domain alias" case of the seed). GB address.
///    Users: admin@contoso.onmicrosoft.com.
///  - "Trey Research" c0000000-0000-4000-8000-000000000002: accessible;
///    treyresearch.onmicrosoft.com; a customer of reseller Adatum.
///    Users: admin@treyresearch.onmicrosoft.com.
///  - "Contoso Bikes" c0000000-0000-4000-8000-000000000003: accessible;
///    contosobikes.onmicrosoft.com (so that a "contoso" search finds more
///    than one customer and the caller must match the exact domain).
///  - "Tailspin Toys" c0000000-0000-4000-8000-000000000004: NOT accessible;
///    tailspin.onmicrosoft.com and tailspintoys.com are taken but no search
///    finds them.
///  - "Fabrikam Inc" c0000000-0000-4000-8000-000000000005: NOT accessible;
///    fabrikam.onmicrosoft.com.
/// Partners known by MPN ID:
///  - "Adatum Reseller" a0000000-0000-4000-8000-000000000001, MPN 1234567:
///    indirect reseller, agreement signed.
///  - "Litware Reseller" a0000000-0000-4000-8000-000000000002, MPN 7654321:
///    indirect reseller, agreement NOT signed.
///  - "Proseware Partner" a0000000-0000-4000-8000-000000000003, MPN 5555555:
///    a partner with no reseller relationship to this partner.
///  - the partner itself, "bssflow Demo CSP" (kDemoPartnerTenantId), MPN
///    9999999.
PartnerCenterState DemoSeed();

/// The demo partner's own tenant id and MPN ID.
inline constexpr std::string_view kDemoPartnerTenantId =
    "f0000000-0000-4000-8000-000000000001";
inline constexpr std::string_view kDemoPartnerMpnId = "9999999";

}  // namespace bssflow::simulators::partner_center

#endif  // BSSFLOW_SIMULATORS_PARTNER_CENTER_STATE_H_
