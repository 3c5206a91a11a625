// Percent-encoding (RFC 3986) of URL path segments, query values and
// application/x-www-form-urlencoded bodies.
#ifndef BSSFLOW_CONNECTORS_PARTNER_CENTER_PERCENT_ENCODING_H_
#define BSSFLOW_CONNECTORS_PARTNER_CENTER_PERCENT_ENCODING_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bssflow::connectors::partner_center {

/// `text` with every byte other than A-Z a-z 0-9 - . _ ~ as %XX.
std::string PercentEncode(std::string_view text);

/// "name=value&..." with names and values percent-encoded.
std::string FormEncode(
    const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace bssflow::connectors::partner_center

#endif  // BSSFLOW_CONNECTORS_PARTNER_CENTER_PERCENT_ENCODING_H_
