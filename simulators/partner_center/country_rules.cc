#include "simulators/partner_center/country_rules.h"

#include <re2/re2.h>

#include <map>
#include <memory>
#include <string>

#include "simulators/partner_center/request_target.h"

namespace bssflow::simulators::partner_center {
namespace {

constexpr std::string_view kGenericPhoneRegex = R"(^[0-9+()\-. ]{4,25}$)";

std::vector<std::string_view> UsStates() {
  return {"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA",
          "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA",
          "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
          "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX",
          "UT", "VT", "VA", "WA", "WV", "WI", "WY"};
}

std::vector<std::string_view> CaProvinces() {
  return {"AB", "BC", "MB", "NB", "NL", "NS", "NT",
          "NU", "ON", "PE", "QC", "SK", "YT"};
}

std::vector<std::string_view> MxStates() {
  return {"Aguascalientes",   "Baja California", "Baja California Sur",
          "Campeche",         "Chiapas",         "Chihuahua",
          "Ciudad de México", "Coahuila",        "Colima",
          "Durango",          "Guanajuato",      "Guerrero",
          "Hidalgo",          "Jalisco",         "México",
          "Michoacán",        "Morelos",         "Nayarit",
          "Nuevo León",       "Oaxaca",          "Puebla",
          "Querétaro",        "Quintana Roo",    "San Luis Potosí",
          "Sinaloa",          "Sonora",          "Tabasco",
          "Tamaulipas",       "Tlaxcala",        "Veracruz",
          "Yucatán",          "Zacatecas"};
}

std::vector<std::string_view> CnProvinces() {
  return {"Anhui",        "Beijing", "Chongqing", "Fujian",   "Gansu",
          "Guangdong",    "Guangxi", "Guizhou",   "Hainan",   "Hebei",
          "Heilongjiang", "Henan",   "Hubei",     "Hunan",    "Inner Mongolia",
          "Jiangsu",      "Jiangxi", "Jilin",     "Liaoning", "Ningxia",
          "Qinghai",      "Shaanxi", "Shandong",  "Shanghai", "Shanxi",
          "Sichuan",      "Tianjin", "Tibet",     "Xinjiang", "Yunnan",
          "Zhejiang"};
}

CountryRule Rule(std::string_view iso2, std::string_view culture,
                 std::string_view postal_regex,
                 std::vector<std::string_view> languages,
                 std::vector<std::string_view> cultures) {
  CountryRule rule;
  rule.iso2_code = iso2;
  rule.default_culture = culture;
  rule.postal_code_regex = postal_regex;
  rule.phone_number_regex = kGenericPhoneRegex;
  rule.supported_languages = std::move(languages);
  rule.supported_cultures = std::move(cultures);
  return rule;
}

CountryRule WithStates(CountryRule rule, std::vector<std::string_view> states) {
  rule.is_state_required = true;
  rule.supported_states = std::move(states);
  return rule;
}

std::vector<CountryRule> BuildRules() {
  std::vector<CountryRule> rules;
  // Recorded from Partner Center.
  rules.push_back(WithStates(Rule("US", "en-US", R"(^\d{5}(-\d{4})?$)",
                                  {"en", "es"}, {"en-US", "es-US"}),
                             UsStates()));
  rules.push_back(
      Rule("DE", "de-DE", "^[0-9]{5,5}$", {"de", "en"}, {"de-DE", "en-US"}));
  rules.push_back(WithStates(
      Rule("CN", "zh-CN", "^[0-9]{6,6}$", {"zh", "en"}, {"zh-CN", "en-US"}),
      CnProvinces()));
  // From workflows/data/postal_codes.yaml.
  rules.push_back(WithStates(
      Rule("CA", "en-CA",
           "^[ABCEGHJ-NPRSTVXYabceghj-nprstvxy]\\d[ABCEGHJ-NPRSTV-Zabceghj-"
           "nprstv-z] ?\\d[ABCEGHJ-NPRSTV-Zabceghj-nprstv-z]\\d$",
           {"en", "fr"}, {"en-CA", "fr-CA"}),
      CaProvinces()));
  rules.push_back(WithStates(
      Rule("MX", "es-MX", R"(^\d{5}$)", {"es", "en"}, {"es-MX", "en-US"}),
      MxStates()));
  rules.push_back(Rule("FR", "fr-FR", R"(^\d{2} ?\d{3}$)", {"fr", "en"},
                       {"fr-FR", "en-US"}));
  rules.push_back(Rule("GB", "en-GB",
                       "^(?:[A-Za-z]{1,2}\\d[A-Za-z\\d]? ?\\d[ABD-HJLN-UW-"
                       "Zabd-hjln-uw-z]{2}|GIR ?0AA|BFPO ?\\d{1,4})$",
                       {"en"}, {"en-GB"}));
  rules.push_back(Rule("GR", "el-GR", R"(^\d{3} ?\d{2}$)", {"el", "en"},
                       {"el-GR", "en-US"}));
  rules.push_back(
      Rule("HU", "hu-HU", R"(^\d{4}$)", {"hu", "en"}, {"hu-HU", "en-US"}));
  rules.push_back(
      Rule("RU", "ru-RU", R"(^\d{6}$)", {"ru", "en"}, {"ru-RU", "en-US"}));
  rules.push_back(Rule("UA", "uk-UA", R"(^\d{5}$)", {"uk", "ru", "en"},
                       {"uk-UA", "ru-RU", "en-US"}));
  rules.push_back(Rule("IN", "en-IN", R"(^[1-9]\d{2} ?\d{3}$)", {"en", "hi"},
                       {"en-IN", "hi-IN"}));
  return rules;
}

const std::vector<CountryRule>& Rules() {
  static const std::vector<CountryRule>* rules =
      new std::vector<CountryRule>(BuildRules());
  return *rules;
}

// Compiled once; RE2 objects are safe for concurrent matching.
const RE2& PostalRegex(const CountryRule& rule) {
  static const auto* compiled = [] {
    auto* map = new std::map<std::string_view, std::unique_ptr<RE2>>();
    for (const CountryRule& r : Rules()) {
      map->emplace(r.iso2_code, std::make_unique<RE2>(r.postal_code_regex));
    }
    return map;
  }();
  return *compiled->at(rule.iso2_code);
}

nlohmann::json StringList(const std::vector<std::string_view>& values) {
  nlohmann::json list = nlohmann::json::array();
  for (std::string_view value : values) list.push_back(std::string(value));
  return list;
}

}  // namespace

const CountryRule* FindCountryRule(std::string_view iso2) {
  for (const CountryRule& rule : Rules()) {
    if (EqualsIgnoreCase(rule.iso2_code, iso2)) return &rule;
  }
  return nullptr;
}

bool PostalCodeValid(const CountryRule& rule, std::string_view postal_code) {
  if (postal_code.empty()) return !rule.is_postal_code_required;
  return RE2::FullMatch(postal_code, PostalRegex(rule));
}

bool StateValid(const CountryRule& rule, std::string_view state) {
  if (state.empty()) return !rule.is_state_required;
  if (rule.supported_states.empty()) return true;
  for (std::string_view supported : rule.supported_states) {
    if (EqualsIgnoreCase(supported, state)) return true;
  }
  return false;
}

nlohmann::json CountryRuleJson(const CountryRule& rule) {
  return {{"iso2Code", std::string(rule.iso2_code)},
          {"defaultCulture", std::string(rule.default_culture)},
          {"isStateRequired", rule.is_state_required},
          {"supportedStatesList", StringList(rule.supported_states)},
          {"isPostalCodeRequired", rule.is_postal_code_required},
          {"postalCodeRegex", std::string(rule.postal_code_regex)},
          {"isCityRequired", rule.is_city_required},
          {"phoneNumberRegex", std::string(rule.phone_number_regex)},
          {"supportedLanguagesList", StringList(rule.supported_languages)},
          {"supportedCulturesList", StringList(rule.supported_cultures)},
          {"attributes", {{"objectType", "CountryValidationRules"}}}};
}

}  // namespace bssflow::simulators::partner_center
