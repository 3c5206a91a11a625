#include "simulators/bss/demo_seed.h"

#include <utility>

namespace bssflow::simulators::bss {
namespace {

Address MakeAddress(std::string line1, std::string city, std::string state,
                    std::string postal_code, std::string country) {
  Address address;
  address.address_line1 = std::move(line1);
  address.city = std::move(city);
  address.state = std::move(state);
  address.postal_code = std::move(postal_code);
  address.country = std::move(country);
  return address;
}

Account MakeAccount(std::int64_t id, std::string name, std::string phone,
                    std::string email, std::optional<Address> address) {
  Account account;
  account.id = id;
  account.name = std::move(name);
  account.phone = std::move(phone);
  account.email = std::move(email);
  account.billing_address = std::move(address);
  account.contact_first_name = "Alex";
  account.contact_last_name = "Wilber";
  return account;
}

void AddCustomer(BssState& state, Account account, std::string domain_prefix) {
  std::int64_t id = account.id;
  state.accounts[id] = std::move(account);
  SetSyncOptionValue(state, id, kDemoSystemCode, "Username", "admin");
  SetSyncOptionValue(state, id, kDemoSystemCode, "DomainPrefix",
                     std::move(domain_prefix));
}

void AddSystems(BssState& state, TimePoint now) {
  auto add = [&](std::string code, std::string name, OrganizationType type) {
    ProvisioningSystem system;
    system.code = code;
    system.name = std::move(name);
    system.organization_type = type;
    state.systems[code] = std::move(system);
  };
  add("MSCSP", "Microsoft Cloud Services", OrganizationType::kIndirectProvider);
  add("MSCSP-CT", "Microsoft Cloud Services (country tenant)",
      OrganizationType::kIndirectCountryTenant);
  add("MSCSP-DIRECT", "Microsoft Cloud Services (direct CSP)",
      OrganizationType::kDirectProvider);
  add("MSCSP-TR", "Microsoft Cloud Services (tenant reseller)",
      OrganizationType::kTenantReseller);
  EnsureSyncOptionDefinitions(state, state.systems.at("MSCSP"), now);
}

void AddDirectCustomers(BssState& state) {
  AddCustomer(
      state,
      MakeAccount(
          1001, "Northwind Traders", "+1 425 555 0100", "it@northwind.example",
          MakeAddress("1 Microsoft Way", "Redmond", "WA", "98052", "US")),
      "northwind");
  AddCustomer(state,
              MakeAccount(1002, "Fourth Coffee GmbH", "+49 30 555 0102",
                          "it@fourthcoffee.example",
                          MakeAddress("Unter den Linden 1", "Berlin", "",
                                      "1234", "DE")),
              "fourthcoffee");
  AddCustomer(state,
              MakeAccount(1003, "Tailspin Toys", "", "it@tailspintoys.example",
                          MakeAddress("200 Park Avenue", "New York", "NY",
                                      "10166", "US")),
              "tailspintoys");
  AddCustomer(state,
              MakeAccount(1004, "Woodgrove Bank", "+1 212 555 0104", "",
                          MakeAddress("10 Wall Street", "New York", "NY",
                                      "10005", "US")),
              "woodgrovebank");
  AddCustomer(
      state,
      MakeAccount(1005, "Blue Yonder Airlines", "+1 206 555 0105",
                  "it@blueyonder.example",
                  MakeAddress("1 Airport Way", "Seattle", "WA", "98108", "US")),
      "blue yonder!");
}

void AddLitware(BssState& state, const std::string& mpn_id) {
  Account litware = MakeAccount(
      2000, "Litware Inc.", "+1 425 555 0200", "partners@litware.example",
      MakeAddress("500 Lake Street", "Kirkland", "WA", "98033", "US"));
  litware.is_reseller = true;
  litware.mpn_id = mpn_id;
  state.accounts[2000] = std::move(litware);

  Account adatum = MakeAccount(2001, "Adatum Corporation", "+1 425 555 0201",
                               "it@adatum.example", std::nullopt);
  adatum.parent_account_id = 2000;
  AddCustomer(state, std::move(adatum), "adatum");
  SetSyncOptionValue(state, 2001, kDemoSystemCode, "ResellerMpnID", mpn_id);

  Account importers = MakeAccount(
      2002, "Wide World Importers", "+44 20 7946 0202",
      "it@wideworldimporters.example",
      MakeAddress("10 Downing Street", "London", "", "SW1A 2AA", "GB"));
  importers.parent_account_id = 2000;
  AddCustomer(state, std::move(importers), "wideworldimporters");
}

void AddProseware(BssState& state) {
  Account proseware = MakeAccount(
      3000, "Proseware Ltd", "+1 555 555 0300", "partners@proseware.example",
      MakeAddress("1 Unknown Road", "", "CA", "9810", "US"));
  proseware.is_reseller = true;
  state.accounts[3000] = std::move(proseware);

  Account lucerne = MakeAccount(3001, "Lucerne Publishing", "+1 555 555 0301",
                                "it@lucernepublishing.example", std::nullopt);
  lucerne.parent_account_id = 3000;
  AddCustomer(state, std::move(lucerne), "lucernepublishing");
}

void AddExistingTenants(BssState& state, const DemoSeedOptions& options) {
  Address contoso_address =
      MakeAddress("1 Contoso Plaza", "Bellevue", "WA", "98004", "US");
  AddCustomer(state,
              MakeAccount(4001, "Contoso Ltd", "+1 425 555 0401",
                          "it@contoso.example", contoso_address),
              "contoso");
  AddCustomer(state,
              MakeAccount(4002, "Contoso Europe", "+1 425 555 0402",
                          "it-eu@contoso.example", contoso_address),
              "contoso.com");
  Account holdings = MakeAccount(4003, "Contoso Holdings", "+1 425 555 0403",
                                 "holdings@contoso.example", contoso_address);
  holdings.customer_code = options.contoso_customer_code;
  // Linked by the alias its tenant made primary (a search for
  // contoso.onmicrosoft.com finds no customer: its default domain is
  // contoso.com).
  AddCustomer(state, std::move(holdings), "contoso.com");
  if (!options.contoso_customer_code.empty()) {
    SyncStatus status;
    status.status = "Synchronized";
    status.message = "Linked to the existing tenant contoso.com.";
    status.updated_at = options.created_at;
    state.sync_statuses[{4003, std::string(kDemoSystemCode)}] = status;
  }
  // An existing tenant no BSS account is linked to: linking it asks neither
  // "same Customer Code" question.
  AddCustomer(
      state,
      MakeAccount(
          4004, "Trey Research", "+1 206 555 0404", "it@treyresearch.example",
          MakeAddress("1 Research Way", "Seattle", "WA", "98101", "US")),
      "treyresearch");
  AddCustomer(
      state,
      MakeAccount(
          5001, "Fabrikam Fiber", "+1 425 555 0501", "it@fabrikam.example",
          MakeAddress("1 Fabrikam Drive", "Redmond", "WA", "98052", "US")),
      "fabrikam");
}

void AddTemplates(BssState& state) {
  NotificationTemplate to_customer;
  to_customer.id = "welcome-office365";
  to_customer.name = "Welcome Office 365 customer";
  to_customer.to = "{#Accounts.Email#}";
  to_customer.subject = "Your Microsoft tenant {#Tenant.Domain#} is ready";
  to_customer.body =
      "Dear {#Accounts.Name#},\n\n"
      "Your Microsoft Cloud Services tenant {#Tenant.Domain#} is ready.\n"
      "Sign in at https://portal.office.com as {#Tenant.AdminUserName#} "
      "with the password {#Tenant.AdminPassword#}; you will be asked to "
      "change it.\n";
  NotificationTemplate to_reseller = to_customer;
  to_reseller.id = "welcome-office365-reseller";
  to_reseller.name = "Welcome Office 365 customer (to the reseller)";
  to_reseller.to = "{#Accounts.ParentAccountEmail#}";
  to_reseller.subject =
      "The Microsoft tenant {#Tenant.Domain#} of {#Accounts.Name#} is ready";
  to_reseller.body =
      "The Microsoft Cloud Services tenant {#Tenant.Domain#} of your "
      "customer {#Accounts.Name#} is ready.\n"
      "Administrator: {#Tenant.AdminUserName#}\n"
      "Initial password: {#Tenant.AdminPassword#}\n";
  state.templates[to_customer.id] = to_customer;
  state.templates[to_reseller.id] = to_reseller;
}

}  // namespace

BssState DemoSeed(const DemoSeedOptions& options) {
  BssState state;
  state.credentials.client_key = "bssflow-demo-client";
  state.credentials.client_secret = "bssflow-demo-secret";
  state.credentials.user_passwords["integration@bss.example"] = "demo-password";
  AddSystems(state, options.created_at);
  AddDirectCustomers(state);
  AddLitware(state, options.reseller_mpn_id);
  AddProseware(state);
  AddExistingTenants(state, options);
  AddTemplates(state);
  return state;
}

}  // namespace bssflow::simulators::bss
