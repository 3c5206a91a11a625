// Reading request bodies the way Partner Center does: field names are
// case-insensitive on input ("CompanyProfile", "companyProfile" and
// "companyprofile" are the same field). Pure functions.
#ifndef BSSFLOW_SIMULATORS_PARTNER_CENTER_JSON_FIELDS_H_
#define BSSFLOW_SIMULATORS_PARTNER_CENTER_JSON_FIELDS_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace bssflow::simulators::partner_center {

/// The member of `object` whose name equals `name` ignoring ASCII case, or
/// nullptr when `object` is not an object or has no such member. When two
/// members differ only in case, the first in name order wins.
const nlohmann::json* FindField(const nlohmann::json& object,
                                std::string_view name);

/// The string member `name` of `object`; nullopt when it is missing, null
/// or not a string.
std::optional<std::string> StringField(const nlohmann::json& object,
                                       std::string_view name);

/// The object member `name`, or nullptr when missing or not an object.
const nlohmann::json* ObjectField(const nlohmann::json& object,
                                  std::string_view name);

/// Parses `text` as JSON; nullopt when it is not valid JSON. Never throws.
std::optional<nlohmann::json> ParseJson(std::string_view text);

/// The number of Unicode code points in UTF-8 `text` (how Partner Center
/// counts field lengths); invalid bytes count one each.
std::size_t Utf8Length(std::string_view text);

}  // namespace bssflow::simulators::partner_center

#endif  // BSSFLOW_SIMULATORS_PARTNER_CENTER_JSON_FIELDS_H_
