// The endpoints of the generic `http` connector (docs/connectors/http.md):
// REST calls declared in the connectors file, each the action
// `http.<name>`. This is the model the connectors file is read into (by
// app/http_endpoints_config.cc), already parsed and checked: a call fills in
// templates, it parses nothing. Everything here is pure and immutable once
// built, safe to share between threads.
#ifndef BSSFLOW_CONNECTORS_HTTP_ENDPOINT_H_
#define BSSFLOW_CONNECTORS_HTTP_ENDPOINT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_client.h"

namespace bssflow::connectors::http {

/// Text with `{name}` placeholders, e.g. "/api/accounts/{account_id}".
/// `{{` and `}}` stand for literal braces.
struct TextTemplate {
  /// A run of literal text, or one placeholder.
  struct Piece {
    bool placeholder = false;
    /// The literal text (braces unescaped), or the argument's name.
    std::string text;
    /// Byte offset in the source text: of the '{' of a placeholder, of the
    /// first character of literal text.
    size_t offset = 0;
  };
  std::vector<Piece> pieces;

  bool HasPlaceholders() const;
  /// True when the whole text is one placeholder, "{name}".
  bool IsSinglePlaceholder() const {
    return pieces.size() == 1 && pieces[0].placeholder;
  }
};

/// A template that does not parse: where (a byte offset in its text) and
/// why.
struct TemplateError {
  size_t offset = 0;
  std::string message;
};

/// The outcome of ParseTextTemplate: `error` set, or `text` valid.
struct ParsedTemplate {
  TextTemplate text;
  std::optional<TemplateError> error;
};

/// Parses `text`. A placeholder is `{` identifier `}`; errors: an unclosed
/// `{`, a placeholder that is not an identifier ("placeholder '{account
/// id}' must be an identifier: letters, digits and '_', not starting with a
/// digit"), and a `}` that closes nothing (write `}}` for a literal one).
ParsedTemplate ParseTextTemplate(std::string_view text);

/// `text` written back as a template: placeholders as {name}, literal
/// braces doubled. ParseTextTemplate(TemplateSource(t)) gives t again.
std::string TemplateSource(const TextTemplate& text);

/// Letters, digits and '_', not starting with a digit, not empty.
bool IsIdentifier(std::string_view name);

/// A JSON request body with placeholders, built from the YAML of `body:`.
struct BodyTemplate {
  enum class Kind {
    kLiteral,   // a number, bool, null, or a string without placeholders
    kText,      // a string with placeholders: they are filled in as text
    kArgument,  // a string that is exactly "{name}": the argument's value
    kObject,
    kArray,
  };
  Kind kind = Kind::kLiteral;
  /// kLiteral: the value.
  nlohmann::ordered_json literal;
  /// kText, kArgument (one placeholder piece).
  TextTemplate text;
  /// kObject: member names, one per element of `children`.
  std::vector<std::string> keys;
  /// kObject: member values; kArray: items.
  std::vector<BodyTemplate> children;
};

/// The body value of a string written as `text`: kLiteral (the string)
/// without placeholders, kArgument when it is exactly one, else kText.
BodyTemplate BodyString(TextTemplate text);

/// A header sent with every call of an endpoint.
struct HeaderField {
  std::string name;
  std::string value;
  /// Came from {env: ...} or {file: ...} (or the name is one the HTTP
  /// client always treats as secret): never logged.
  bool secret = false;
};

/// A query parameter: a template, or (secret) a literal resolved value.
struct QueryParameter {
  std::string name;
  TextTemplate value;
  /// A secret value ({env: ...} or {file: ...}): one literal piece, logged
  /// as ***.
  bool secret = false;
};

/// One member of a mapped result: `name` takes the value at `pointer` (an
/// RFC 6901 JSON pointer, "" for the whole body) in the response.
struct ResultField {
  std::string name;
  std::string pointer;
};

/// Where a placeholder is used, for argument rules and descriptions.
enum class PlaceholderPlace {
  kUrl,        // in the URL (path or literal query): percent-encoded
  kQuery,      // in a `query` parameter's value
  kBodyValue,  // a whole body value, "{name}": keeps the argument's type
  kBodyText,   // inside longer text in the body
};

struct PlaceholderUse {
  std::string name;
  PlaceholderPlace place = PlaceholderPlace::kUrl;
  /// kQuery: the parameter's name; kBody*: the member path ("customer.name",
  /// "items[0]"), "" for the whole body.
  std::string where;
};

/// The methods an endpoint may use.
inline const std::vector<std::string> kMethods = {"GET", "POST", "PUT", "PATCH",
                                                  "DELETE"};
/// The statuses that count as success when `accept` is not given.
inline const std::vector<unsigned> kDefaultAccept = {200, 201, 202, 204};

/// One declared REST call: the action `http.<name>`.
struct HttpEndpoint {
  /// An identifier; the action is "http." + name.
  std::string name;
  /// One of kMethods.
  std::string method = "GET";
  /// An absolute http(s) URL whose placeholders lie after the host (in the
  /// path or the query); each value is percent-encoded.
  TextTemplate url;
  std::vector<QueryParameter> query;
  std::vector<HeaderField> headers;
  /// The JSON body; none: the request has no body.
  std::optional<BodyTemplate> body;
  /// Statuses that are success; any other is an error.
  std::vector<unsigned> accept = kDefaultAccept;
  /// The result's members; nullopt: the result is the whole body.
  std::optional<std::vector<ResultField>> result;
  /// Dotted paths in the result that hold secrets ("token",
  /// "credentials.password"): the manifest's secret_fields.
  std::vector<std::string> secret;
  /// Arguments that may be left out (only query and whole body values).
  std::vector<std::string> optional;
  /// Longest time of one call (connect, send, read, and the client's own
  /// retry of a request that was never sent).
  std::chrono::milliseconds timeout{30'000};
  /// When set, the call's idempotency key is sent in this header.
  std::string idempotency_header;

  std::string action() const { return "http." + name; }
};

/// The connector's configuration: the endpoints and the CA file their
/// HttpClient trusts besides the system store.
struct HttpConfig {
  std::vector<HttpEndpoint> endpoints;
  /// Extra trusted CA certificates (PEM); empty: the system store only.
  std::string ca_file;
};

/// The side effects the connector uses besides the network, injectable for
/// tests. Empty members take the real thing.
struct HttpEnvironment {
  /// The wall clock, for Retry-After dates.
  std::function<std::chrono::system_clock::time_point()> now;
  /// Uniform 64-bit random numbers, for correlation ids and jitter.
  std::function<uint64_t()> random;
  /// Receives the HTTP client's log lines, secrets already redacted.
  std::function<void(const net::LogLine&)> log;
};

/// Every placeholder use of `endpoint`, in the order url, query, body.
std::vector<PlaceholderUse> PlaceholderUses(const HttpEndpoint& endpoint);

/// The endpoint's arguments: its placeholders' names, each once, in order
/// of first use.
std::vector<std::string> ArgumentNames(const HttpEndpoint& endpoint);

/// True when `name` is listed in `optional`.
bool IsOptional(const HttpEndpoint& endpoint, std::string_view name);

/// nullopt when `pointer` is a valid RFC 6901 JSON pointer ("" or
/// "/a/b~1c"), else what is wrong with it.
std::optional<std::string> JsonPointerProblem(std::string_view pointer);

/// The member name under which the HTTP client's log finds the secret at
/// dotted `path` of the endpoint's result: the path's last segment, or,
/// for a whole result field, the last token of its pointer. nullopt when
/// the secret has no member name (a pointer to the whole body or to an
/// array element), or when `path` names no result field.
std::optional<std::string> SecretMemberName(const HttpEndpoint& endpoint,
                                            std::string_view path);

}  // namespace bssflow::connectors::http

#endif  // BSSFLOW_CONNECTORS_HTTP_ENDPOINT_H_
