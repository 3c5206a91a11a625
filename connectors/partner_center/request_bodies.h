// The JSON bodies the connector sends, built from an action's arguments:
// pure functions, so the mapping from the workflow's names to Partner
// Center's fields is tested without a network.
#ifndef BSSFLOW_CONNECTORS_PARTNER_CENTER_REQUEST_BODIES_H_
#define BSSFLOW_CONNECTORS_PARTNER_CENTER_REQUEST_BODIES_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "connectors/partner_center/arguments.h"
#include "engine/connector.h"

namespace bssflow::connectors::partner_center {

/// A request body, or why the arguments cannot make one.
struct RequestBody {
  nlohmann::json json;
  std::optional<engine::ActionError> error;
};

/// POST /v1/customers from create_customer's arguments: domain_prefix
/// (becomes "<prefix>.onmicrosoft.com", lower case; a prefix with a dot is
/// refused), company_name, email, culture (default "en-US"), language
/// (default "en"), first_name, last_name, phone, address {line1, line2,
/// city, state, postal_code, country}, organization_registration_number,
/// associated_partner_id. Optional members are left out when not given.
RequestBody BuildCreateCustomerBody(ArgumentReader& args);

/// POST /v1/customers/{id}/users from create_user's arguments
/// (user_principal_name, first_name, last_name, display_name (default
/// "<first> <last>"), usage_location (upper case), force_change_password
/// (default true)) and `password`, the initial password: the argument's or
/// the derived one (initial_password.h), as the caller decided; the
/// `password` argument is not read here.
RequestBody BuildCreateUserBody(ArgumentReader& args,
                                const std::string& password);

/// POST /v1/validations/address from an `address` argument.
RequestBody BuildAddressBody(ArgumentReader& args);

/// POST /v1/customers/{id}/agreements from accept_customer_agreement's
/// arguments, `template_id` from GET /v1/agreements and `date_agreed`
/// (used when the arguments bring none).
RequestBody BuildAgreementBody(ArgumentReader& args,
                               const std::string& template_id,
                               const std::string& date_agreed);

}  // namespace bssflow::connectors::partner_center

#endif  // BSSFLOW_CONNECTORS_PARTNER_CENTER_REQUEST_BODIES_H_
