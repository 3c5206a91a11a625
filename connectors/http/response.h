// What the answer to one `http.<name>` call becomes: the result (the whole
// body, or the members `result` maps from JSON pointers) or an ActionError
// whose kind comes from the status (docs/connectors/http.md, "Errors").
// Pure functions of the endpoint, the status, the body and the headers.
#ifndef BSSFLOW_CONNECTORS_HTTP_RESPONSE_H_
#define BSSFLOW_CONNECTORS_HTTP_RESPONSE_H_

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"
#include "connectors/http/endpoint.h"
#include "engine/connector.h"

namespace bssflow::connectors::http {

/// The error kind of a status that is not accepted: 400/422 invalid,
/// 401/403 auth, 404 not_found, 408 timeout, 409/412 conflict, 429
/// throttled, 5xx retryable, anything else (other 4xx, 1xx-3xx) fatal.
std::string ErrorKindOfStatus(unsigned status);

/// What a response says about itself, for messages: the `detail`,
/// `message`, `error_description` or `title` member (the first that is
/// text) of a JSON object body, else the body's first 200 bytes (cut at a
/// character, each run of spaces and control characters as one space), else
/// "". A body that is not UTF-8 is "(N bytes that are not text)".
std::string ResponseSummary(std::string_view body);

/// One answered call. `label` is "METHOD url" (secret query values hidden),
/// `retry_after` the Retry-After header's value ("" when absent), `now` the
/// wall clock for a Retry-After date.
struct Answer {
  std::string label;
  unsigned status = 0;
  std::string_view body;
  std::string_view retry_after;
  std::chrono::system_clock::time_point now;
};

/// The ActionError of a status `endpoint` does not accept. `code` is the
/// status as text; `message` "<label>: HTTP <status>: <summary>" (a 2xx or
/// 3xx adds that it is not accepted, with the accepted list); on 429,
/// `retry_after` comes from the header.
engine::ActionError ErrorFromAnswer(const HttpEndpoint& endpoint,
                                    const Answer& answer);

/// The outcome of an answer: an error for a status not accepted, else the
/// result. Without `result`, the result is the body as JSON, the body as a
/// string when it is not JSON, null when it is empty. With `result`, a map
/// of its fields, each the value at its pointer (null where the pointer
/// reaches nothing, and for an empty body); a body that is not JSON is a
/// "fatal" error. A body that is neither JSON nor UTF-8 text, or nests too
/// deep, is "fatal" too.
engine::ActionOutcome OutcomeOf(const HttpEndpoint& endpoint,
                                const Answer& answer);

/// The ActionError of a request that got no response (the HTTP client's
/// Status): "timeout" when the client timed out, else "retryable"; code
/// empty, the message the client's ("GET http://...: ...").
engine::ActionError ErrorFromTransport(const Status& status);

}  // namespace bssflow::connectors::http

#endif  // BSSFLOW_CONNECTORS_HTTP_RESPONSE_H_
