#include "simulators/partner_center/customer_validation.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "simulators/partner_center/country_rules.h"
#include "simulators/partner_center/json_fields.h"
#include "simulators/partner_center/request_target.h"

namespace bssflow::simulators::partner_center {
namespace {

constexpr std::string_view kInitialDomainSuffix = ".onmicrosoft.com";

constexpr std::array<std::string_view, 11> kPhoneCountries = {
    "AM", "AZ", "BY", "HU", "KZ", "KG", "MD", "RU", "TJ", "UZ", "UA"};
constexpr std::array<std::string_view, 12> kNewerRegistrationCountries = {
    "IN", "BR", "ZA", "PL", "AE", "SA", "TR", "TH", "VN", "MM", "IQ", "VE"};

ApiError Invalid(std::string description) {
  return ApiError{boost::beast::http::status::bad_request,
                  error_code::kInvalidInput, std::move(description)};
}

bool AllAlnum(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
  });
}

bool AllAlpha(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
  });
}

std::optional<ApiError> CheckLength(std::string_view field,
                                    const std::string& value, std::size_t min,
                                    std::size_t max) {
  const std::size_t length = Utf8Length(value);
  if (length >= min && length <= max) return std::nullopt;
  return Invalid(std::string(field) + " must be " + std::to_string(min) + "-" +
                 std::to_string(max) + " characters long; got " +
                 std::to_string(length) + ".");
}

std::optional<ApiError> CheckDomain(const std::string& domain) {
  const std::string lower = AsciiLower(domain);
  const bool has_suffix = lower.size() > kInitialDomainSuffix.size() &&
                          lower.ends_with(kInitialDomainSuffix);
  const std::string prefix =
      has_suffix ? lower.substr(0, lower.size() - kInitialDomainSuffix.size())
                 : "";
  if (!has_suffix || prefix.size() > kMaxDomainPrefixLength ||
      !AllAlnum(prefix)) {
    return Invalid("companyProfile.domain '" + domain +
                   "' is not valid: use <prefix>.onmicrosoft.com, where the "
                   "prefix has 1-27 letters or digits.");
  }
  return std::nullopt;
}

std::optional<ApiError> CheckBillingFields(const NewCustomer& customer) {
  const std::size_t at = customer.email.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= customer.email.size()) {
    return Invalid("billingProfile.email '" + customer.email +
                   "' is not a valid email address.");
  }
  const std::string& culture = customer.culture;
  if (culture.size() != 5 || culture[2] != '-' ||
      !AllAlpha(culture.substr(0, 2)) || !AllAlpha(culture.substr(3))) {
    return Invalid("billingProfile.culture '" + culture +
                   "' is not a culture such as en-US.");
  }
  if (customer.language.size() != 2 || !AllAlpha(customer.language)) {
    return Invalid("billingProfile.language '" + customer.language +
                   "' is not a two-letter language code such as en.");
  }
  return CheckLength("billingProfile.companyName", customer.company_name, 1,
                     kMaxCompanyNameLength);
}

std::optional<ApiError> CheckAddressLengths(const Address& address) {
  if (address.country.size() != 2 || !AllAlpha(address.country)) {
    return Invalid("defaultAddress.country '" + address.country +
                   "' is not an ISO 3166 alpha-2 country code.");
  }
  if (address.city.empty()) return Invalid("defaultAddress.city is required.");
  struct Limit {
    std::string_view field;
    const std::string* value;
    std::size_t min, max;
  };
  const Limit limits[] = {
      {"defaultAddress.addressLine1", &address.address_line1, 1, 200},
      {"defaultAddress.addressLine2", &address.address_line2, 0, 200},
      {"defaultAddress.firstName", &address.first_name, 1, 50},
      {"defaultAddress.lastName", &address.last_name, 1, 50}};
  for (const Limit& limit : limits) {
    if (auto error =
            CheckLength(limit.field, *limit.value, limit.min, limit.max)) {
      return error;
    }
  }
  return std::nullopt;
}

std::optional<ApiError> CheckCountryRules(const Address& address) {
  const CountryRule* rule = FindCountryRule(address.country);
  if (rule == nullptr) return std::nullopt;  // no rule known: not checked
  if (!StateValid(*rule, address.state)) {
    return Invalid("defaultAddress.state '" + address.state +
                   "' is not a valid state for country " + address.country +
                   ".");
  }
  if (!PostalCodeValid(*rule, address.postal_code)) {
    return Invalid("defaultAddress.postalCode '" + address.postal_code +
                   "' is not valid for country " + address.country +
                   " (expected " + std::string(rule->postal_code_regex) + ").");
  }
  return std::nullopt;
}

std::optional<ApiError> CheckCountryMandates(const NewCustomer& customer) {
  const std::string& country = customer.address.country;
  const bool mandatory = RequiresPhoneAndRegistration(country);
  if (mandatory && customer.address.phone_number.empty()) {
    return ApiError{boost::beast::http::status::bad_request,
                    error_code::kPhoneMissing,
                    "defaultAddress.phoneNumber is required for customers in " +
                        country + "."};
  }
  const bool has_number = !customer.organization_registration_number.empty();
  if (mandatory && !has_number) {
    return ApiError{boost::beast::http::status::bad_request,
                    error_code::kRegistrationNumberMissing,
                    "companyProfile.organizationRegistrationNumber is "
                    "required for customers in " +
                        country + "."};
  }
  if (has_number && !mandatory && !AcceptsRegistrationNumber(country)) {
    return ApiError{boost::beast::http::status::bad_request,
                    error_code::kRegistrationNumberInvalid,
                    "companyProfile.organizationRegistrationNumber must not "
                    "be sent for customers in " +
                        country + "."};
  }
  return std::nullopt;
}

// Reads the fields; the first required one missing is the error.
std::variant<NewCustomer, ApiError> ReadFields(const nlohmann::json& body) {
  const nlohmann::json* company = ObjectField(body, "companyProfile");
  if (company == nullptr) return Invalid("companyProfile is required.");
  NewCustomer customer;
  customer.domain = StringField(*company, "domain").value_or("");
  if (customer.domain.empty()) {
    return Invalid("companyProfile.domain is required.");
  }
  customer.organization_registration_number =
      StringField(*company, "organizationRegistrationNumber").value_or("");
  const nlohmann::json* billing = ObjectField(body, "billingProfile");
  if (billing == nullptr) return Invalid("billingProfile is required.");
  for (auto [field, target] :
       {std::pair{"email", &customer.email},
        std::pair{"culture", &customer.culture},
        std::pair{"language", &customer.language},
        std::pair{"companyName", &customer.company_name}}) {
    *target = StringField(*billing, field).value_or("");
    if (target->empty()) {
      return Invalid("billingProfile." + std::string(field) + " is required.");
    }
  }
  const nlohmann::json* address = ObjectField(*billing, "defaultAddress");
  if (address == nullptr) {
    return Invalid("billingProfile.defaultAddress is required.");
  }
  customer.address = ParseAddress(*address);
  customer.associated_partner_id =
      StringField(body, "associatedPartnerId").value_or("");
  return customer;
}

}  // namespace

Address ParseAddress(const nlohmann::json& object) {
  Address address;
  auto get = [&object](std::string_view name) {
    return StringField(object, name).value_or("");
  };
  address.country = get("country");
  for (char& c : address.country) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  address.city = get("city");
  address.state = get("state");
  address.address_line1 = get("addressLine1");
  address.address_line2 = get("addressLine2");
  address.postal_code = get("postalCode");
  address.first_name = get("firstName");
  address.last_name = get("lastName");
  address.phone_number = get("phoneNumber");
  return address;
}

std::variant<NewCustomer, ApiError> ParseNewCustomer(
    const nlohmann::json& body) {
  if (!body.is_object()) return Invalid("The request body must be a Customer.");
  auto read = ReadFields(body);
  if (std::holds_alternative<ApiError>(read)) return read;
  NewCustomer& customer = std::get<NewCustomer>(read);
  std::optional<ApiError> error = CheckDomain(customer.domain);
  if (!error) error = CheckBillingFields(customer);
  if (!error) error = CheckAddressLengths(customer.address);
  if (!error) error = CheckCountryRules(customer.address);
  if (!error) error = CheckCountryMandates(customer);
  if (error) return *error;
  customer.domain = AsciiLower(customer.domain);
  return read;
}

bool RequiresPhoneAndRegistration(std::string_view country) {
  return std::find(kPhoneCountries.begin(), kPhoneCountries.end(), country) !=
         kPhoneCountries.end();
}

bool AcceptsRegistrationNumber(std::string_view country) {
  return std::find(kNewerRegistrationCountries.begin(),
                   kNewerRegistrationCountries.end(),
                   country) != kNewerRegistrationCountries.end();
}

}  // namespace bssflow::simulators::partner_center
