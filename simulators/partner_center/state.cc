#include "simulators/partner_center/state.h"

#include <utility>

#include "simulators/partner_center/request_target.h"

namespace bssflow::simulators::partner_center {
namespace {

Address UsAddress(std::string first_name, std::string last_name) {
  Address address;
  address.country = "US";
  address.city = "Redmond";
  address.state = "WA";
  address.address_line1 = "1 Microsoft Way";
  address.postal_code = "98052";
  address.first_name = std::move(first_name);
  address.last_name = std::move(last_name);
  address.phone_number = "4255550100";
  return address;
}

CustomerUser Admin(const std::string& id_suffix, const std::string& domain) {
  CustomerUser user;
  user.id = "d0000000-0000-4000-8000-" + id_suffix;
  user.user_principal_name = "admin@" + domain;
  user.display_name = "admin";
  user.usage_location = "US";
  return user;
}

Tenant MakeTenant(const std::string& number, std::string company,
                  std::vector<std::string> domains, bool accessible) {
  Tenant tenant;
  tenant.id = "c0000000-0000-4000-8000-" + number;
  tenant.commerce_id = "e0000000-0000-4000-8000-" + number;
  tenant.billing_profile_id = "b0000000-0000-4000-8000-" + number;
  tenant.default_domain = domains.front();
  tenant.domains = std::move(domains);
  tenant.company_name = std::move(company);
  tenant.email = "it@" + tenant.default_domain;
  tenant.address = UsAddress("Dana", "Admin");
  tenant.accessible = accessible;
  tenant.users.push_back(Admin(number, tenant.domains.front()));
  return tenant;
}

std::vector<Tenant> DemoTenants() {
  std::vector<Tenant> tenants;
  Tenant contoso = MakeTenant("000000000001", "Contoso Ltd",
                              {"contoso.onmicrosoft.com", "contoso.com"}, true);
  contoso.default_domain = "contoso.com";
  contoso.email = "it@contoso.com";
  contoso.address.country = "GB";
  contoso.address.city = "London";
  contoso.address.state = "";
  contoso.address.address_line1 = "10 Downing Street";
  contoso.address.postal_code = "SW1A 2AA";
  contoso.culture = "en-GB";
  tenants.push_back(std::move(contoso));

  Tenant trey = MakeTenant("000000000002", "Trey Research",
                                {"treyresearch.onmicrosoft.com"}, true);
  trey.associated_partner_id = "a0000000-0000-4000-8000-000000000001";
  tenants.push_back(std::move(trey));
  tenants.push_back(MakeTenant("000000000003", "Contoso Bikes",
                               {"contosobikes.onmicrosoft.com"}, true));
  tenants.push_back(MakeTenant("000000000004", "Tailspin Toys",
                               {"tailspin.onmicrosoft.com", "tailspintoys.com"},
                               false));
  tenants.push_back(MakeTenant("000000000005", "Fabrikam Inc",
                               {"fabrikam.onmicrosoft.com"}, false));
  return tenants;
}

std::vector<KnownPartner> DemoPartners() {
  return {
      {"a0000000-0000-4000-8000-000000000001", "Adatum Reseller", "1234567",
       true, true},
      {"a0000000-0000-4000-8000-000000000002", "Litware Reseller", "7654321",
       true, false},
      {"a0000000-0000-4000-8000-000000000003", "Proseware Partner", "5555555",
       false, true},
      {std::string(kDemoPartnerTenantId), "bssflow Demo CSP",
       std::string(kDemoPartnerMpnId), false, true},
  };
}

}  // namespace

PartnerCenterState DemoSeed() {
  PartnerCenterState state;
  state.tenants = DemoTenants();
  state.partners = DemoPartners();
  return state;
}

Tenant* PartnerCenterState::FindTenant(std::string_view id) {
  for (Tenant& tenant : tenants) {
    if (EqualsIgnoreCase(tenant.id, id)) return &tenant;
  }
  return nullptr;
}

const Tenant* PartnerCenterState::FindTenant(std::string_view id) const {
  return const_cast<PartnerCenterState*>(this)->FindTenant(id);
}

const Tenant* PartnerCenterState::FindTenantByDomain(
    std::string_view domain) const {
  for (const Tenant& tenant : tenants) {
    for (const std::string& owned : tenant.domains) {
      if (EqualsIgnoreCase(owned, domain)) return &tenant;
    }
  }
  return nullptr;
}

const KnownPartner* PartnerCenterState::FindPartnerByMpnId(
    std::string_view mpn_id) const {
  for (const KnownPartner& partner : partners) {
    if (partner.mpn_id == mpn_id) return &partner;
  }
  return nullptr;
}

const KnownPartner* PartnerCenterState::FindPartnerByTenantId(
    std::string_view tenant_id) const {
  for (const KnownPartner& partner : partners) {
    if (EqualsIgnoreCase(partner.tenant_id, tenant_id)) return &partner;
  }
  return nullptr;
}

}  // namespace bssflow::simulators::partner_center
