// Partner Center's country validation rules
// (GET /v1/countryvalidationrules/{iso2}) for the countries the simulator
// knows. The postal code regexes of US, DE and CN are the ones recorded from
// Partner Center; the others are those of workflows/data/postal_codes.yaml,
// so that the workflow's own check and the simulator agree. The table is
// immutable; every function is safe to call from any thread.
#ifndef BSSFLOW_SIMULATORS_PARTNER_CENTER_COUNTRY_RULES_H_
#define BSSFLOW_SIMULATORS_PARTNER_CENTER_COUNTRY_RULES_H_

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

namespace bssflow::simulators::partner_center {

/// One country's rules, as GET /v1/countryvalidationrules/{iso2} returns
/// them.
struct CountryRule {
  std::string_view iso2_code;
  std::string_view default_culture;
  bool is_state_required = false;
  /// The states a billing address may name. Empty: not checked. Only US, CA
  /// (two-letter codes), CN and MX have a list.
  std::vector<std::string_view> supported_states;
  bool is_postal_code_required = true;
  std::string_view postal_code_regex;
  bool is_city_required = true;
  std::string_view phone_number_regex;
  std::vector<std::string_view> supported_languages;
  std::vector<std::string_view> supported_cultures;
};

/// The rule for `iso2` (case-insensitive), or nullptr for a country the
/// simulator has no rule for: US, CA, MX, DE, FR, GB, GR, HU, RU, UA, CN, IN
/// are known.
const CountryRule* FindCountryRule(std::string_view iso2);

/// Whether `postal_code` matches the whole of the rule's postalCodeRegex.
/// An empty code passes when the rule does not require one.
bool PostalCodeValid(const CountryRule& rule, std::string_view postal_code);

/// Whether `state` is acceptable for the rule: present when required, and
/// in supported_states (ignoring case) when the rule has a list.
bool StateValid(const CountryRule& rule, std::string_view state);

/// The rule as Partner Center's JSON (camelCase).
nlohmann::json CountryRuleJson(const CountryRule& rule);

}  // namespace bssflow::simulators::partner_center

#endif  // BSSFLOW_SIMULATORS_PARTNER_CENTER_COUNTRY_RULES_H_
