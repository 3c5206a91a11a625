// The connector's manifest: what the loader checks `call:` steps against.
// Keep in step with docs/connectors/partner-center.md.
#include <utility>

#include "connectors/partner_center/partner_center_connector.h"

namespace bssflow::connectors::partner_center {
namespace {

using engine::ActionArgument;
using engine::ActionSpec;

ActionArgument Req(std::string name, std::string description) {
  return {std::move(name), true, std::move(description)};
}
ActionArgument Opt(std::string name, std::string description) {
  return {std::move(name), false, std::move(description)};
}

ActionSpec Spec(std::string action, std::vector<ActionArgument> arguments,
                std::string description,
                std::vector<std::string> secret_fields = {}) {
  return {"partner_center." + std::move(action), std::move(arguments),
          std::move(secret_fields), std::move(description)};
}

std::vector<ActionSpec> CustomerSpecs() {
  return {
      Spec("check_domain",
           {Req("domain", "a domain, or a bare prefix meaning "
                          "<prefix>.onmicrosoft.com")},
           "Whether a domain is free: {domain, available}."),
      Spec("find_customer_by_domain",
           {Req("domain", "the customer's default domain, or a bare prefix "
                          "meaning <prefix>.onmicrosoft.com")},
           "The accessible customer whose companyProfile.domain is exactly "
           "`domain` (case ignored): {found, customer | null}."),
      Spec("get_customer", {Req("customer_id", "the tenant id")},
           "One customer, as Partner Center returns it."),
      Spec("create_customer",
           {Req("domain_prefix", "becomes <prefix>.onmicrosoft.com"),
            Req("company_name", "billingProfile.companyName"),
            Req("email", "billingProfile.email"),
            Opt("culture", "billingProfile.culture, default en-US"),
            Opt("language", "billingProfile.language, default en"),
            Req("first_name", "the contact's first name"),
            Req("last_name", "the contact's last name"),
            Opt("phone", "the contact's phone; required for AM AZ BY HU KZ "
                         "KG MD RU TJ UZ UA"),
            Req("address", "{line1, line2?, city, state?, postal_code?, "
                           "country (ISO alpha-2)}"),
            Opt("organization_registration_number",
                "required for AM AZ BY HU KZ KG MD RU TJ UZ UA"),
            Opt("associated_partner_id",
                "the indirect reseller's tenant id (find_indirect_reseller)")},
           "Creates a customer tenant, idempotently (MS-RequestId = the "
           "call's idempotency key); the Customer with userCredentials.",
           {"userCredentials.password"}),
      Spec("create_user",
           {Req("customer_id", "the tenant id"),
            Req("user_principal_name", "name@<one of the customer's domains>"),
            Req("first_name", ""), Req("last_name", ""),
            Opt("display_name", "default \"<first_name> <last_name>\""),
            Req("usage_location", "ISO alpha-2 country"),
            Opt("password", "the initial password; default: derived from "
                            "the idempotency key and the client_secret"),
            Opt("force_change_password", "default true")},
           "Creates a user in a customer tenant (needs App+User); the user, "
           "with passwordProfile.password when the password was derived.",
           {"passwordProfile.password"}),
      Spec("list_users", {Req("customer_id", "the tenant id")},
           "Every user of a customer: {totalCount, items}."),
      Spec("accept_customer_agreement",
           {Req("customer_id", "the tenant id"), Req("first_name", ""),
            Req("last_name", ""), Req("email", ""), Opt("phone", ""),
            Opt("date_agreed", "ISO 8601; default now")},
           "Records the customer's acceptance of the Microsoft Customer "
           "Agreement (current template)."),
  };
}

std::vector<ActionSpec> LookupSpecs() {
  return {
      Spec("country_rules", {Req("country", "ISO alpha-2")},
           "The country's validation rules (postalCodeRegex, "
           "isStateRequired, ...)."),
      Spec("validate_address",
           {Req("address", "{line1, line2?, city, state?, postal_code?, "
                           "country}")},
           "Partner Center's address check: {originalAddress, "
           "suggestedAddresses, status, validationMessage}."),
      Spec("get_mpn_profile",
           {Opt("mpn_id", "an MPN ID; none: the partner's own")},
           "{partnerName, mpnId, profileType}; not_found (code 3000) when "
           "unknown."),
      Spec("find_indirect_reseller", {Req("mpn_id", "the reseller's MPN ID")},
           "The indirect reseller relationship with that MPN ID: {id (the "
           "reseller's tenant id), name, relationshipType, state, mpnId}; "
           "not_found when none."),
      Spec("agreement_status", {Req("mpn_id", "an indirect reseller's MPN ID")},
           "{isAgreementSigned}."),
  };
}

}  // namespace

std::vector<engine::ActionSpec> Manifest() {
  std::vector<ActionSpec> specs = CustomerSpecs();
  for (ActionSpec& spec : LookupSpecs()) specs.push_back(std::move(spec));
  return specs;
}

}  // namespace bssflow::connectors::partner_center
