// The request of one `http.<name>` call, built from the endpoint and the
// call's arguments: URL and query filled in and percent-encoded, headers,
// the JSON body from its template, the idempotency header. Pure: no I/O.
//
// Filling rules (docs/connectors/http.md, "Templates"):
//   - a placeholder takes the argument's text: a string as it is, a number
//     or a bool in JSON form; null, lists, maps and bytes have no text;
//   - in the URL each value is percent-encoded (so '/' cannot change the
//     path);
//   - a query parameter whose placeholders' arguments are absent or null is
//     left out;
//   - a body value that is exactly "{name}" takes the argument's value with
//     its JSON type; absent, it is left out of its object (null in an
//     array, and no body at all for the whole body).
#ifndef BSSFLOW_CONNECTORS_HTTP_REQUEST_H_
#define BSSFLOW_CONNECTORS_HTTP_REQUEST_H_

#include <optional>
#include <string>

#include "connectors/http/endpoint.h"
#include "dsl/value.h"
#include "engine/connector.h"
#include "net/http_client.h"
#include "net/redact.h"

namespace bssflow::connectors::http {

/// The request of one call, or why there is none (an "invalid" error about
/// the arguments). Exactly one of `request` and `error` is set.
struct PreparedRequest {
  std::optional<net::HttpRequest> request;
  std::optional<engine::ActionError> error;
  /// "METHOD url" with secret query values as ***, for error messages.
  std::string label;
};

/// Builds the request of `endpoint` from `arguments` (a map from argument
/// names to values) and `ctx` (the idempotency key). `redaction` names the
/// query parameters whose values `label` hides.
PreparedRequest PrepareRequest(const HttpEndpoint& endpoint,
                               const dsl::Value& arguments,
                               const engine::CallContext& ctx,
                               const net::Redaction& redaction);

/// `url` with the values of its query's secret parameters replaced by ***.
std::string RedactUrl(const net::Redaction& redaction, const std::string& url);

}  // namespace bssflow::connectors::http

#endif  // BSSFLOW_CONNECTORS_HTTP_REQUEST_H_
