// The checks Partner Center applies to a create-customer body
// (POST /v1/customers), as docs/partner-center-api.md lists them, turned
// into the customer to create or the first error found. Field names are
// case-insensitive. Pure functions; safe from any thread.
#ifndef BSSFLOW_SIMULATORS_PARTNER_CENTER_CUSTOMER_VALIDATION_H_
#define BSSFLOW_SIMULATORS_PARTNER_CENTER_CUSTOMER_VALIDATION_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "simulators/partner_center/api_responses.h"
#include "simulators/partner_center/state.h"

namespace bssflow::simulators::partner_center {

/// Longest companyName accepted. The API doc gives no figure; the
/// simulator's choice, documented in docs/simulators/partner-center.md.
inline constexpr std::size_t kMaxCompanyNameLength = 256;
/// Longest domain prefix (before ".onmicrosoft.com"); letters and digits
/// only.
inline constexpr std::size_t kMaxDomainPrefixLength = 27;

/// A create-customer body that passed every check.
struct NewCustomer {
  std::string domain;  // lower case, "<prefix>.onmicrosoft.com"
  std::string company_name;
  std::string email;
  std::string culture;
  std::string language;
  Address address;                               // country upper-cased
  std::string organization_registration_number;  // empty when not sent
  std::string associated_partner_id;             // empty when not sent
};

/// The customer `body` describes, or the first error in the order: domain,
/// billing profile fields, address fields and lengths, country rules
/// (state, postal code), phone number (600051), registration number
/// (600049/600050). associatedPartnerId is only read here; whether it names
/// a reseller is the caller's check, against the state.
std::variant<NewCustomer, ApiError> ParseNewCustomer(
    const nlohmann::json& body);

/// The address in `object` (AddressLine1, City, ... ignoring case); missing
/// fields are empty.
Address ParseAddress(const nlohmann::json& object);

/// Countries where phoneNumber and organizationRegistrationNumber are
/// mandatory (AM AZ BY HU KZ KG MD RU TJ UZ UA).
bool RequiresPhoneAndRegistration(std::string_view country);

/// Countries where newer documentation also accepts a registration number
/// (IN BR ZA PL AE SA TR TH VN MM IQ VE); it is optional there.
bool AcceptsRegistrationNumber(std::string_view country);

}  // namespace bssflow::simulators::partner_center

#endif  // BSSFLOW_SIMULATORS_PARTNER_CENTER_CUSTOMER_VALIDATION_H_
