// How Partner Center's answers become the runner's ActionErrors: the kind a
// retry policy branches on, the service's code and its description. Pure
// functions of (status, body, headers) and of the client's Status.
#ifndef BSSFLOW_CONNECTORS_PARTNER_CENTER_ERROR_MAPPING_H_
#define BSSFLOW_CONNECTORS_PARTNER_CENTER_ERROR_MAPPING_H_

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"
#include "engine/connector.h"

namespace bssflow::connectors::partner_center {

/// The error kind of an HTTP status: 400 invalid, 401/403 auth, 404
/// not_found, 408 timeout, 409/412 conflict, 429 throttled,
/// 500/502/503/504 retryable, anything else fatal.
std::string ErrorKindOfStatus(unsigned status);

/// The ActionError for a Partner Center error response. `code` is the
/// body's `code` (or a 429 body's `statusCode`) as text, else the status;
/// `message` the body's `description` (or `message`), else
/// "<what>: HTTP <status>". On 429, `retry_after` comes from the Retry-After
/// header value `retry_after` (seconds or an HTTP date, relative to `now`).
engine::ActionError ErrorFromResponse(
    unsigned status, std::string_view body, std::string_view retry_after,
    std::string_view what, std::chrono::system_clock::time_point now);

/// The ActionError for an Entra ID token endpoint error: `code` is the body's
/// `error` ("invalid_client"), `message` its `error_description`; 400 and
/// 401 are "auth" (bad credentials are no caller's mistake to fix by
/// editing arguments), others as ErrorKindOfStatus.
engine::ActionError ErrorFromTokenResponse(
    unsigned status, std::string_view body, std::string_view retry_after,
    std::chrono::system_clock::time_point now);

/// The ActionError for a request that got no response (the HTTP client's
/// Status): "timeout" when the client says it timed out, else "retryable";
/// the message is the client's ("GET https://...: ...").
engine::ActionError ErrorFromTransport(const Status& status);

/// An "invalid" error about the caller's arguments, code empty.
engine::ActionError InvalidArgument(std::string message);

}  // namespace bssflow::connectors::partner_center

#endif  // BSSFLOW_CONNECTORS_PARTNER_CENTER_ERROR_MAPPING_H_
