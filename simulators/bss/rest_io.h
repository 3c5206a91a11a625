// The HTTP plumbing of the BSS simulator: splitting a request target into
// path segments and query parameters, matching route patterns, reading
// credentials from headers, and building JSON and RFC 7807 problem
// responses. Pure functions, safe from any thread.
#ifndef BSSFLOW_SIMULATORS_BSS_REST_IO_H_
#define BSSFLOW_SIMULATORS_BSS_REST_IO_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simulators/bss/bss_json.h"
#include "simulators/simulated_response.h"

namespace bssflow::simulators::bss {

/// A request target split up: "/api/Accounts?customerCode=x" gives path
/// "/api/Accounts", segments {"api", "Accounts"}, query {"customercode": "x"}.
struct ParsedTarget {
  /// The path as sent (still percent-encoded), without the query.
  std::string path;
  /// Percent-decoded path segments; empty segments are dropped, so a
  /// trailing slash does not matter.
  std::vector<std::string> segments;
  /// Decoded query parameters; keys lower-cased (names ignore case), the
  /// last value wins.
  std::map<std::string, std::string> query;
};

/// Splits `target`. Malformed percent escapes are kept literally.
ParsedTarget ParseTarget(std::string_view target);

/// Decodes application/x-www-form-urlencoded text ('+' is a space); keys
/// keep their case.
std::map<std::string, std::string> ParseForm(std::string_view form);

/// Matches `segments` against `pattern`, e.g. "api/Accounts/{}/syncoptions/{}":
/// literal segments ignore case, "{}" captures one segment. Returns the
/// captures in order, or nullopt.
std::optional<std::vector<std::string>> MatchRoute(
    std::string_view pattern, const std::vector<std::string>& segments);

/// The token of an "Authorization: Bearer <token>" header, or nullopt.
std::optional<std::string> BearerToken(const HttpRequest& request);

/// The key and secret of an "Authorization: Basic <base64(key:secret)>"
/// header, or nullopt when absent or malformed.
std::optional<std::pair<std::string, std::string>> BasicCredentials(
    const HttpRequest& request);

/// Whether the two strings are equal ignoring ASCII case.
bool EqualsIgnoringCase(std::string_view a, std::string_view b);

/// A response with `status`, "application/json" and `body` (compact), the
/// request's HTTP version and keep-alive.
HttpResponse JsonResponse(const HttpRequest& request, int status,
                          const Json& body);

/// An RFC 7807 problem: Content-Type application/problem+json, body
/// {type: "urn:bss:problem:<slug>", title, status, detail, instance: the
/// request path} followed by the members of `extensions`.
HttpResponse ProblemResponse(const HttpRequest& request, int status,
                             std::string_view slug, std::string_view title,
                             std::string detail,
                             const Json& extensions = Json::object());

}  // namespace bssflow::simulators::bss

#endif  // BSSFLOW_SIMULATORS_BSS_REST_IO_H_
