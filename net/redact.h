// Redaction of secrets in what the HTTP client logs: header values, JSON
// fields at any depth, form fields and query parameters whose names are
// listed in a Redaction become "***". Pure functions: no I/O, no state.
#ifndef BSSFLOW_NET_REDACT_H_
#define BSSFLOW_NET_REDACT_H_

#include <boost/beast/http/fields.hpp>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bssflow::net {

/// What replaces a redacted value.
inline constexpr std::string_view kRedacted = "***";

/// Compares names ASCII-case-insensitively ("Password" == "password").
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

/// The names whose values are secret. Names match case-insensitively and
/// apply to headers, JSON object members, form fields and query parameters
/// alike. The Authorization and Proxy-Authorization headers are redacted
/// whatever the set holds.
class Redaction {
 public:
  /// client_secret, password, access_token, refresh_token, id_token,
  /// client_assertion, api_key, cookie, set-cookie.
  Redaction();
  /// Exactly `names` (plus the two authorization headers).
  Redaction(std::initializer_list<std::string_view> names);

  /// Adds a name, e.g. a connector's own secret field.
  void Add(std::string_view name) { names_.emplace(name); }
  /// True when values named `name` are secret.
  bool IsSecret(std::string_view name) const;

 private:
  std::set<std::string, CaseInsensitiveLess> names_;
};

/// A header as logged: name and (possibly redacted) value.
using LoggedHeader = std::pair<std::string, std::string>;

/// `headers` in order, secret values replaced by "***".
std::vector<LoggedHeader> RedactHeaders(
    const Redaction& redaction, const boost::beast::http::fields& headers);

/// `json` with the value of every object member whose name is secret
/// replaced by the string "***", at any depth (inside arrays too).
nlohmann::json RedactJson(const Redaction& redaction, nlohmann::json json);

/// An `application/x-www-form-urlencoded` body (or a URL query) with the
/// values of secret fields replaced: "user=a&password=***". Names are
/// compared after percent-decoding ("pass%77ord" is "password").
std::string RedactForm(const Redaction& redaction, std::string_view form);

/// A request target with its query redacted as a form: "/token?code=***".
std::string RedactTarget(const Redaction& redaction, std::string_view target);

/// A body as logged, chosen by its Content-Type: JSON types (application/json
/// and any "+json") are parsed and redacted, then printed compactly (or
/// "(N bytes of invalid JSON, not shown)"); form bodies are redacted as
/// forms; other text types are shown as they are; anything else is
/// summarised as "(N bytes of TYPE, not shown)". The result is cut to
/// `max_length` bytes followed by "...(N bytes)" when longer.
std::string RedactBody(const Redaction& redaction,
                       std::string_view content_type, std::string_view body,
                       size_t max_length = 4096);

}  // namespace bssflow::net

#endif  // BSSFLOW_NET_REDACT_H_
