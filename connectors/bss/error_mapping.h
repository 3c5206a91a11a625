// How the BSS's answers become the runner's ActionErrors. Every BSS error is
// an RFC 7807 problem (docs/connectors/bss.md, "Errors"): the kind comes
// from the status, the code from the problem `type`, the message from its
// `detail`. Pure functions of (status, body, headers) and of the HTTP
// client's Status.
#ifndef BSSFLOW_CONNECTORS_BSS_ERROR_MAPPING_H_
#define BSSFLOW_CONNECTORS_BSS_ERROR_MAPPING_H_

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"
#include "engine/connector.h"

namespace bssflow::connectors::bss {

/// The error kind of an HTTP status: 400/422 invalid, 401/403 auth, 404
/// not_found, 408 timeout, 409 conflict, 429 throttled, 5xx retryable,
/// anything else fatal.
std::string ErrorKindOfStatus(unsigned status);

/// The part of a problem `type` after "urn:bss:problem:"
/// ("account-not-found"); another type is returned whole, and "about:blank"
/// or "" give "".
std::string ProblemSlug(std::string_view type);

/// The ActionError for a BSS error response. `code` is ProblemSlug(type),
/// else the status as text; `message` the problem's `detail`, else its
/// `title`, else "<what>: HTTP <status>". On 429, `retry_after` comes from
/// the Retry-After header value `retry_after` (seconds or an HTTP date,
/// relative to `now`), else the problem's `RetryAfter` member (seconds).
engine::ActionError ErrorFromResponse(unsigned status, std::string_view body,
                                      std::string_view retry_after,
                                      std::string_view what,
                                      std::chrono::system_clock::time_point now);

/// The ActionError for a refused token request: as ErrorFromResponse, but
/// 400 and 401 are "auth" (wrong credentials are the configuration's fault,
/// not the call's arguments').
engine::ActionError ErrorFromTokenResponse(
    unsigned status, std::string_view body, std::string_view retry_after,
    std::chrono::system_clock::time_point now);

/// The ActionError for a request that got no response (the HTTP client's
/// Status): "timeout" when the message says it timed out ("timed out
/// after", "no response within the read timeout of"), else
/// "retryable"; the message is the client's ("GET http://...: ...").
engine::ActionError ErrorFromTransport(const Status& status);

/// An "invalid" error about the caller's arguments, code empty.
engine::ActionError InvalidArgument(std::string message);

}  // namespace bssflow::connectors::bss

#endif  // BSSFLOW_CONNECTORS_BSS_ERROR_MAPPING_H_
