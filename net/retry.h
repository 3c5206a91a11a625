// When and how long the HTTP client waits before trying a request again:
// the RetryPolicy, exponential backoff with full jitter, and Retry-After.
// Everything here is a pure function of its arguments (the random number and
// the current time are parameters), so it is tested without sleeping.
#ifndef BSSFLOW_NET_RETRY_H_
#define BSSFLOW_NET_RETRY_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace bssflow::net {

/// How the client retries one request. Whether a request may be sent twice
/// is the caller's business (idempotency): a POST that the server cannot
/// recognise when it comes again should use a policy with
/// `retry_unanswered = false` (or max_attempts 1). Partner Center requests
/// carry an MS-RequestId idempotency key and may be retried freely.
struct RetryPolicy {
  /// Attempts in all, the first included; 1 means no retry.
  int max_attempts = 3;
  /// The backoff before retry n (n = 1, 2, ...) is drawn uniformly from
  /// [0, min(max_delay, base_delay * 2^(n-1))] ("full jitter").
  std::chrono::milliseconds base_delay{200};
  /// The upper bound of any backoff.
  std::chrono::milliseconds max_delay{10'000};
  /// Responses with these statuses are retried (the last one is returned
  /// when attempts run out). 429 and 503 honour Retry-After.
  std::vector<unsigned> retry_statuses = {429, 502, 503, 504};
  /// The longest Retry-After honoured: a longer one waits this long. Keep
  /// it below the request's total timeout, or the wait ends the request.
  std::chrono::milliseconds max_retry_after{30'000};
  /// Retry when the request never reached the server: name resolution,
  /// connect, TLS handshake (not certificate verification) and write
  /// failures, and their timeouts. Always safe.
  bool retry_unsent = true;
  /// Retry when the request was sent but no complete response came back
  /// (read timeout, connection closed or reset). The server may have acted
  /// on it: only for idempotent requests or requests with an idempotency
  /// key.
  bool retry_unanswered = true;
};

/// The backoff before retry `retry` (1 for the first retry), full jitter:
/// `random` (uniform over uint64_t) picks a whole number of milliseconds in
/// [0, min(max_delay, base_delay * 2^(retry-1))]. A retry below 1 counts as
/// 1; the exponent stops growing once it exceeds max_delay (no overflow).
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry,
                                       uint64_t random);

/// The delay a Retry-After header value asks for (RFC 9110 section 10.2.3):
/// delay-seconds ("120") or an HTTP-date in any of the three formats
/// ("Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
/// "Sun Nov  6 08:49:37 1994"), relative to `now`; a date in the past is a
/// zero delay. nullopt for anything else (garbage, negative numbers, empty).
std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now);

/// True when responses with `status` are retried under `policy`.
bool IsRetryableStatus(const RetryPolicy& policy, unsigned status);

/// The wait before retry `retry` after a response with `status`: a
/// Retry-After value (only on 429 and 503, parsed with ParseRetryAfter,
/// capped at max_retry_after) when there is a usable one, else
/// BackoffDelay(policy, retry, random). Pass an empty `retry_after` when the
/// header is absent or the failure had no response.
std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int retry,
                                     unsigned status,
                                     std::string_view retry_after,
                                     std::chrono::system_clock::time_point now,
                                     uint64_t random);

}  // namespace bssflow::net

#endif  // BSSFLOW_NET_RETRY_H_
