// Splitting an HTTP request target into its path and query, and decoding
// application/x-www-form-urlencoded text (query strings and the Entra ID
// token form). Pure functions; safe to call from any thread.
#ifndef BSSFLOW_SIMULATORS_PARTNER_CENTER_REQUEST_TARGET_H_
#define BSSFLOW_SIMULATORS_PARTNER_CENTER_REQUEST_TARGET_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "net/url.h"

namespace bssflow::simulators::partner_center {

/// Name/value pairs of a query string or form body. Names are lower-cased
/// (Partner Center treats parameter names case-insensitively); values are
/// decoded. A repeated name keeps its first value.
using FormFields = std::map<std::string, std::string>;

/// A request target such as "/v1/customers?size=10".
struct RequestTarget {
  /// The path as sent, without the query ("/v1/customers").
  std::string path;
  /// The path's non-empty segments, percent-decoded ({"v1", "customers"}).
  std::vector<std::string> segments;
  /// The decoded query parameters.
  FormFields query;
};

/// Splits `target` into path, segments and query. Never fails: malformed
/// percent escapes are kept as they are.
RequestTarget ParseRequestTarget(std::string_view target);

/// Decodes %XX escapes; with `plus_is_space`, '+' becomes ' ' (form and
/// query encoding). A '%' not followed by two hex digits is kept literally.
std::string PercentDecode(std::string_view text, bool plus_is_space);

using net::PercentEncode;  // shared with the connectors (net/url.h)

/// Decodes "a=1&b=two+words" into {{"a","1"},{"b","two words"}}.
FormFields ParseFormFields(std::string_view text);

/// ASCII lower case of `text`.
std::string AsciiLower(std::string_view text);

/// Whether `a` and `b` are equal ignoring ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

/// Whether `text` starts with `prefix`, ignoring ASCII case.
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);

}  // namespace bssflow::simulators::partner_center

#endif  // BSSFLOW_SIMULATORS_PARTNER_CENTER_REQUEST_TARGET_H_
