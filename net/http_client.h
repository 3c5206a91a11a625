// The HTTP client of the connectors: one request in, one response (or an
// infrastructure error) out, with TLS verification, keep-alive pooling,
// timeouts, retries with backoff and Retry-After, a correlation id and
// redacted logging. docs/connectors/http-client.md is the operator's view.
//
// What is an error: Send() fails (Status) only when no HTTP response could
// be had: a bad URL, a refused plain-http host, a connection, TLS, timeout or
// protocol failure, a response over the size limit. Any HTTP status,
// 4xx and 5xx included, is a response: deciding what a 404 means is the
// connector's job. When retries run out on a retryable status, the last
// response is returned.
//
// Retries (RetryPolicy in retry.h): transport failures are retried when the
// policy says so for their class ("unsent": the request cannot have reached
// the server; "unanswered": it may have), statuses when listed, with full
// jitter backoff or the server's Retry-After, within the total timeout.
// Certificate errors, size limits and malformed responses are never retried.
//
// Connection reuse rule: before a pooled connection is reused, the client
// checks that the server has not closed it (nothing readable on the socket);
// if it has, the connection is dropped unused. If writing the request on a
// reused connection then fails, the server cannot have received a complete
// request, so it is sent once more on a fresh connection, without counting
// an attempt. A reused connection that fails after the request was written
// (EOF, reset, timeout while reading) is "unanswered": the server may have
// acted on it, so only the policy (retry_unanswered) may send it again.
#ifndef BSSFLOW_NET_HTTP_CLIENT_H_
#define BSSFLOW_NET_HTTP_CLIENT_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "net/redact.h"
#include "net/retry.h"

namespace bssflow::net {

/// One line of the client's log. Every text in it is already redacted
/// (ClientOptions::redaction): header values, JSON and form fields, query
/// parameters.
struct LogLine {
  enum class Event {
    kRequest,   // an attempt is about to be sent
    kResponse,  // a response arrived
    kFailure,   // an attempt failed without a response
    kRetry,     // the client waits, then tries again
  };
  Event event = Event::kRequest;
  std::string method;
  /// The URL, its query redacted.
  std::string url;
  /// The correlation id (ClientOptions::request_id_header) of the request.
  std::string request_id;
  /// 1 for the first attempt.
  int attempt = 1;
  /// kResponse: the status.
  unsigned status = 0;
  /// kRequest: the request's headers; kResponse: the response's.
  std::vector<LoggedHeader> headers;
  /// kRequest, kResponse: the body, redacted and cut at log_body_limit.
  std::string body;
  /// kResponse, kFailure: time since the attempt began; kRetry: the wait.
  std::chrono::milliseconds duration{0};
  /// kFailure: the error; kRetry: the reason ("status 503", or the error).
  std::string message;
};

/// One LogLine as a line of text, e.g.
/// `http response GET https://h/x attempt=1 id=abc status=200 in 12 ms ...`.
std::string FormatLogLine(const LogLine& line);

/// How an HttpClient behaves; every field has a default fit for production.
struct ClientOptions {
  /// Resolving the host, connecting, and the TLS handshake, per attempt.
  std::chrono::milliseconds connect_timeout{10'000};
  /// Writing the whole request, per attempt.
  std::chrono::milliseconds write_timeout{30'000};
  /// Reading the whole response after the request was written, per attempt.
  std::chrono::milliseconds read_timeout{30'000};
  /// All of Send(): every attempt and every wait between them.
  std::chrono::milliseconds total_timeout{120'000};
  /// The largest response body accepted, in bytes; more is an error.
  uint64_t max_response_body = 8 * 1024 * 1024;
  /// The largest response header accepted, in bytes; more is an error.
  uint32_t max_response_header = 64 * 1024;
  /// Idle keep-alive connections kept per origin (scheme, host, port);
  /// 0 disables reuse.
  size_t max_idle_per_host = 8;
  /// An idle connection older than this is closed rather than reused. Keep
  /// it below the servers' own keep-alive timeout.
  std::chrono::milliseconds idle_timeout{30'000};
  /// Allow plain http:// to hosts other than loopback (localhost,
  /// 127.0.0.0/8, ::1). Off: such URLs are refused before connecting.
  bool allow_plain_http = false;
  /// A PEM file of extra trusted CA certificates, in addition to the system
  /// store (e.g. a private CA, or a test CA). Empty: system store only.
  std::string ca_file;
  /// The correlation header added (with a random UUID) to requests that
  /// lack it; the same value on every attempt. Empty: none added.
  std::string request_id_header = "X-Request-Id";
  /// The User-Agent of requests that do not set one.
  std::string user_agent = "bssflow";
  /// The retry policy of requests that bring none.
  RetryPolicy retry;
  /// Names whose values are never logged (see redact.h).
  Redaction redaction;
  /// Receives every log line; empty: no logging.
  std::function<void(const LogLine&)> log;
  /// Bodies are cut to this many bytes in log lines.
  size_t log_body_limit = 2048;
  /// Uniform 64-bit random numbers for jitter and request ids; empty: a
  /// generator seeded from std::random_device. Tests inject their own.
  std::function<uint64_t()> random;
  /// The wall clock, for Retry-After dates; empty: system_clock::now.
  std::function<std::chrono::system_clock::time_point()> now;
};

/// A request. Only `url` is required.
struct HttpRequest {
  /// A method token: GET, POST, PUT, PATCH, DELETE, HEAD, ...
  std::string method = "GET";
  /// An absolute http(s) URL (url.h).
  std::string url;
  /// Sent as given; Host, Content-Length, Connection, User-Agent and the
  /// request id header are filled in unless set.
  boost::beast::http::fields headers;
  std::string body;
  /// Overrides ClientOptions::retry for this request (e.g. no retry of
  /// unanswered attempts for a POST without an idempotency key).
  std::optional<RetryPolicy> retry;
  /// Override the ClientOptions timeouts of the same names.
  std::optional<std::chrono::milliseconds> connect_timeout;
  std::optional<std::chrono::milliseconds> write_timeout;
  std::optional<std::chrono::milliseconds> read_timeout;
  std::optional<std::chrono::milliseconds> total_timeout;
};

/// A response, whatever its status.
struct HttpResponse {
  unsigned status = 0;
  boost::beast::http::fields headers;
  std::string body;
  /// Attempts made, this one included (1: no retry was needed).
  int attempts = 1;
  /// The correlation id the request carried.
  std::string request_id;
};

class ConnectionPool;

/// Sends HTTP requests. Create() it once per connector configuration and
/// share it: it owns the TLS context and the connection pool. Send() may run
/// many times at once on one executor that does not run handlers
/// concurrently (an io_context run by one thread, or a strand), like the
/// runner's; the pool itself is guarded by a mutex. Destroy it before its
/// io_context (it owns sockets of that context).
class HttpClient {
 public:
  /// A client whose sockets live on `executor`; an error when ca_file
  /// cannot be loaded.
  static Result<std::unique_ptr<HttpClient>> Create(
      boost::asio::any_io_executor executor, ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends `request`, retrying as its policy says (see the file comment).
  /// Errors read "<METHOD> <url>: <problem>", plus "(gave up after N
  /// attempts)" when retries were made. Cancelling the awaitable (Asio
  /// per-operation cancellation) abandons the request.
  boost::asio::awaitable<Result<HttpResponse>> Send(HttpRequest request);

  /// Idle pooled connections right now, all origins together.
  size_t idle_connections() const;
  /// Connections opened since Create() (a measure of reuse).
  uint64_t connections_opened() const;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace bssflow::net

#endif  // BSSFLOW_NET_HTTP_CLIENT_H_
