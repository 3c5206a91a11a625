// The demo data of the BSS simulator: one account for every rule of the seed
// (seeds/provisioning-customers-as-microsoft-tenants.txt), so that each
// branch of the provisioning workflow can be run against it. Documented for
// people in docs/simulators/bss.md.
//
// Credentials: API client "bssflow-demo-client" / "bssflow-demo-secret"
// (HTTP Basic on POST /oauth/token), user "integration@bss.example" /
// "demo-password" (the password grant); tokens live one hour.
//
// Provisioning systems (Partner Center instances):
//   MSCSP         IndirectProvider       sync option fields created (ids
//                                        101 Username, 102 DomainPrefix,
//                                        103 ResellerMpnID)
//   MSCSP-CT      IndirectCountryTenant  no fields yet
//   MSCSP-DIRECT  DirectProvider         no fields yet
//   MSCSP-TR      TenantReseller         no fields yet
//
// Accounts (sync options on MSCSP: Username "admin", DomainPrefix below):
//   1001 Northwind Traders     direct customer, valid data     northwind
//   1002 Fourth Coffee GmbH    postal code "1234" invalid (DE)  fourthcoffee
//   1003 Tailspin Toys         no phone                         tailspintoys
//   1004 Woodgrove Bank        no corporate email               woodgrovebank
//   1005 Blue Yonder Airlines  malformed domain prefix          "blue yonder!"
//   2000 Litware Inc.          reseller, valid address, MPN ID 1234567
//   2001 Adatum Corporation    Litware's, no address (uses Litware's),
//                              ResellerMpnID 1234567            adatum
//   2002 Wide World Importers  Litware's, own address (GB) wideworldimporters
//   3000 Proseware Ltd         reseller, invalid address (US, no city,
//                              postal code "9810")
//   3001 Lucerne Publishing    Proseware's, no address (the fallback fails)
//                                                               lucernepublishing
//   4001 Contoso Ltd           the onmicrosoft prefix of a tenant
//                              that made contoso.com primary:
//                              no customer search finds it      contoso
//   4002 Contoso Europe        the same tenant by its alias     contoso.com
//   4003 Contoso Holdings      already linked: customer code
//                              kContosoTenantId, Synchronized   contoso.com
//   4004 Trey Research         direct customer, valid data; an existing
//                              accessible tenant no account is
//                              linked to (unlinked)             treyresearch
//   5001 Fabrikam Fiber        domain of a tenant this partner
//                              cannot access                    fabrikam
// What the demo expects from the Partner Center simulator:
// contoso.onmicrosoft.com (alias contoso.com) is an accessible customer with
// tenant id kContosoTenantId ("c0000000-0000-4000-8000-000000000001"; pass the
// Partner Center demo's id as DemoSeedOptions::contoso_customer_code if it
// differs); treyresearch.onmicrosoft.com is an accessible customer with
// tenant id kTreyResearchTenantId, held by no BSS account;
// fabrikam.onmicrosoft.com exists but no customer search finds it;
// 1234567 is the MPN ID of an indirect reseller with a signed agreement; the
// other prefixes (northwind, adatum, wideworldimporters, ...) are free.
//
// Templates: "welcome-office365" ("Welcome Office 365 customer", To
// {#Accounts.Email#}) and "welcome-office365-reseller" (To
// {#Accounts.ParentAccountEmail#}).
#ifndef BSSFLOW_SIMULATORS_BSS_DEMO_SEED_H_
#define BSSFLOW_SIMULATORS_BSS_DEMO_SEED_H_

#include <string>
#include <string_view>

#include "simulators/bss/bss_state.h"

namespace bssflow::simulators::bss {

/// The tenant id of contoso.onmicrosoft.com that the demo links account 4003
/// to. The Partner Center simulator's demo tenant "contoso" must carry it.
inline constexpr std::string_view kContosoTenantId =
    "c0000000-0000-4000-8000-000000000001";

/// The tenant id of treyresearch.onmicrosoft.com in the Partner Center
/// simulator's demo. No demo account holds it: account 4004 (Trey Research)
/// is unlinked, so linking it to this tenant asks no "same Customer Code"
/// question.
inline constexpr std::string_view kTreyResearchTenantId =
    "c0000000-0000-4000-8000-000000000002";

/// The default MPN ID of the demo's indirect reseller (Litware Inc.): the
/// Partner Center simulator's demo knows 1234567 as an indirect reseller
/// that has signed the partner agreement.
inline constexpr std::string_view kDemoResellerMpnId = "1234567";

/// The provisioning system (Partner Center instance) the demo accounts use.
inline constexpr std::string_view kDemoSystemCode = "MSCSP";

/// What can be changed about the demo.
struct DemoSeedOptions {
  /// The customer code (tenant id) account 4003 is already linked to; empty
  /// leaves 4003 unlinked, so linking "contoso" asks the "A Customer with the
  /// same Customer Code already exists in Microsoft Partner Cloud Services
  /// GL" question instead of the "An Account with the same Customer Code
  /// already exists in BSS" one.
  std::string contoso_customer_code = std::string(kContosoTenantId);
  /// The MPN ID of reseller 2000 and the ResellerMpnID option of 2001.
  std::string reseller_mpn_id = std::string(kDemoResellerMpnId);
  /// When the demo data was created: the definitions' creation time and the
  /// sync status of 4003. Default 2024-05-01T09:00:00Z.
  TimePoint created_at = TimePoint(std::chrono::seconds(1714554000));
};

/// The demo state described at the top of this file.
BssState DemoSeed(const DemoSeedOptions& options = {});

}  // namespace bssflow::simulators::bss

#endif  // BSSFLOW_SIMULATORS_BSS_DEMO_SEED_H_
