// URLs the HTTP client accepts: absolute http:// and https:// URLs, parsed
// once into the parts a connection needs (scheme, host, port, target).
#ifndef BSSFLOW_NET_URL_H_
#define BSSFLOW_NET_URL_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace bssflow::net {

/// An absolute http or https URL, split for the client.
struct Url {
  /// "http" or "https" (lower case, whatever the input's case).
  std::string scheme;
  /// The host as written, lower-cased, without the brackets of an IPv6
  /// literal: "example.com", "127.0.0.1", "::1".
  std::string host;
  /// The explicit port, or 80 (http) / 443 (https).
  uint16_t port = 0;
  /// Path and query as sent on the request line; "/" when the URL has no
  /// path. Never contains a fragment.
  std::string target;

  /// True for https.
  bool tls() const { return scheme == "https"; }
  /// "scheme://host:port", the key of a connection pool; IPv6 hosts are
  /// bracketed.
  std::string Origin() const;
  /// The Host header value: the host (bracketed when IPv6), plus ":port"
  /// when the port is not the scheme's default.
  std::string HostHeader() const;
  /// The whole URL again, normalised: Origin() + target.
  std::string ToString() const;
};

/// Parses `text` as an absolute http(s) URL. Errors name the URL and the
/// problem, e.g. `invalid URL "ftp://x": unsupported scheme "ftp" (expected
/// http or https)`. User information ("user:pass@") is refused so that
/// credentials never travel inside URLs (and logs).
Result<Url> ParseUrl(std::string_view text);

/// Whether `url` is `base` or below it: the same scheme, host and port, and
/// a path that is base's path or goes on from it after a "/" (base
/// "https://h/hooks" covers "https://h/hooks", "https://h/hooks/a" and
/// "https://h/hooks?x", not "https://h/hooksx"); base's query, if any, is
/// ignored. A `url` whose path could climb out of base on the server that
/// reads it is below nothing: one with a "." or ".." segment, a
/// percent-encoded dot or a backslash.
bool IsUnder(const Url& url, const Url& base);

/// True for hosts that can only be this machine: "localhost" (and names
/// ending in ".localhost"), 127.0.0.0/8 and ::1.
bool IsLoopbackHost(std::string_view host);

/// True when `host` is an IPv4 or IPv6 address literal (no brackets).
bool IsIpLiteral(std::string_view host);

/// `text` with every byte other than A-Z a-z 0-9 - . _ ~ as %XX (RFC 3986):
/// for path segments, query values and form fields.
std::string PercentEncode(std::string_view text);

/// "name=value&..." with names and values percent-encoded
/// (application/x-www-form-urlencoded).
std::string FormEncode(
    const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace bssflow::net

#endif  // BSSFLOW_NET_URL_H_
