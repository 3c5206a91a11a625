#include "net/http_client.h"

#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <mutex>
#include <random>

#include "net/client_connection.h"
#include "net/url.h"

namespace bssflow::net {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using std::chrono::milliseconds;

milliseconds Since(SteadyTime start) {
  return std::chrono::duration_cast<milliseconds>(
      std::chrono::steady_clock::now() - start);
}

std::string NewRequestId(const std::function<uint64_t()>& random) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t high = random(), low = random();
  // Version 4, variant 10xx (RFC 4122).
  high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  std::string id;
  for (int i = 0; i < 32; ++i) {
    uint64_t word = i < 16 ? high : low;
    int shift = 60 - 4 * (i % 16);
    id += kHex[(word >> shift) & 15];
    if (i == 7 || i == 11 || i == 15 || i == 19) id += '-';
  }
  return id;
}

std::function<uint64_t()> DefaultRandom() {
  struct Source {
    std::mutex mutex;
    std::mt19937_64 engine{std::random_device{}()};
  };
  auto source = std::make_shared<Source>();
  return [source] {
    std::lock_guard<std::mutex> lock(source->mutex);
    return source->engine();
  };
}

const char* EventName(LogLine::Event event) {
  switch (event) {
    case LogLine::Event::kRequest:
      return "request";
    case LogLine::Event::kResponse:
      return "response";
    case LogLine::Event::kFailure:
      return "failure";
    case LogLine::Event::kRetry:
      return "retry";
  }
  return "?";
}

/// One request being sent: what every attempt shares.
struct PreparedRequest {
  Url url;
  ClientRequestMessage message;
  ExchangeLimits limits;
  RetryPolicy policy;
  std::string label;  // "GET https://host:443/path?q=***", for messages
  std::string request_id;
};

}  // namespace

std::string FormatLogLine(const LogLine& line) {
  std::string out = std::string("http ") + EventName(line.event) + " " +
                    line.method + " " + line.url +
                    " attempt=" + std::to_string(line.attempt);
  if (!line.request_id.empty()) out += " id=" + line.request_id;
  std::string ms = std::to_string(line.duration.count()) + " ms";
  switch (line.event) {
    case LogLine::Event::kRequest:
      break;
    case LogLine::Event::kResponse:
      out += " status=" + std::to_string(line.status) + " in " + ms;
      break;
    case LogLine::Event::kFailure:
      out += " after " + ms + ": " + line.message;
      break;
    case LogLine::Event::kRetry:
      out += " in " + ms + ": " + line.message;
      break;
  }
  if (!line.headers.empty()) {
    out += " headers=[";
    for (size_t i = 0; i < line.headers.size(); ++i) {
      if (i > 0) out += ", ";
      out += line.headers[i].first + ": " + line.headers[i].second;
    }
    out += "]";
  }
  if (!line.body.empty()) out += " body=" + line.body;
  return out;
}

struct HttpClient::Impl {
  Impl(asio::any_io_executor executor_in, ClientOptions options_in)
      : executor(std::move(executor_in)),
        options(std::move(options_in)),
        pool(options.max_idle_per_host, options.idle_timeout) {}

  Result<PreparedRequest> Prepare(HttpRequest request) const;
  asio::awaitable<ExchangeResult> Attempt(PreparedRequest& exchange);
  asio::awaitable<bool> WaitToRetry(PreparedRequest& exchange, int attempt,
                                    milliseconds delay, std::string reason);
  void Log(LogLine line) const {
    if (options.log) options.log(line);
  }
  LogLine Line(LogLine::Event event, const PreparedRequest& exchange,
               int attempt) const;

  asio::any_io_executor executor;
  ClientOptions options;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  ConnectionPool pool;
  std::atomic<uint64_t> opened{0};
};

Result<std::unique_ptr<HttpClient>> HttpClient::Create(
    asio::any_io_executor executor, ClientOptions options) {
  if (!options.random) options.random = DefaultRandom();
  if (!options.now)
    options.now = [] { return std::chrono::system_clock::now(); };
  auto impl = std::make_unique<Impl>(std::move(executor), std::move(options));
  SSL_CTX_set_min_proto_version(impl->tls.native_handle(), TLS1_2_VERSION);
  impl->tls.set_verify_mode(asio::ssl::verify_peer);
  boost::system::error_code ec;
  impl->tls.set_default_verify_paths(ec);
  if (ec) {
    return Status::Error("cannot load the system's trusted CA certificates: " +
                         ec.message());
  }
  const std::string& ca_file = impl->options.ca_file;
  if (!ca_file.empty() && impl->tls.load_verify_file(ca_file, ec)) {
    return Status::Error("cannot load the CA file \"" + ca_file +
                         "\" (ClientOptions::ca_file): " + ec.message() +
                         "; it must hold PEM certificates");
  }
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

size_t HttpClient::idle_connections() const { return impl_->pool.idle(); }
uint64_t HttpClient::connections_opened() const { return impl_->opened; }

Result<PreparedRequest> HttpClient::Impl::Prepare(HttpRequest request) const {
  Result<Url> url = ParseUrl(request.url);
  if (!url.ok()) return url.status();
  if (!url.value().tls() && !options.allow_plain_http &&
      !IsLoopbackHost(url.value().host)) {
    return Status::Error(
        "refusing plain http:// to \"" + url.value().host +
        "\": only loopback hosts may be reached without TLS; use https://, or "
        "set ClientOptions::allow_plain_http on a trusted network");
  }
  http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown)
    return Status::Error("unknown HTTP method \"" + request.method + "\"");
  PreparedRequest exchange{
      url.value(),
      ClientRequestMessage(verb, url.value().target, 11,
                           std::move(request.body), std::move(request.headers)),
      {},
      request.retry.value_or(options.retry),
      "",
      ""};
  ClientRequestMessage& message = exchange.message;
  if (message.find(http::field::host) == message.end())
    message.set(http::field::host, exchange.url.HostHeader());
  if (!options.user_agent.empty() &&
      message.find(http::field::user_agent) == message.end())
    message.set(http::field::user_agent, options.user_agent);
  const std::string& id_header = options.request_id_header;
  if (!id_header.empty()) {
    if (message.find(id_header) == message.end())
      message.set(id_header, NewRequestId(options.random));
    exchange.request_id = std::string(message[id_header]);
  }
  message.prepare_payload();
  exchange.label = request.method + " " + exchange.url.Origin() +
                   RedactTarget(options.redaction, exchange.url.target);
  milliseconds total = request.total_timeout.value_or(options.total_timeout);
  exchange.limits =
      ExchangeLimits{request.connect_timeout.value_or(options.connect_timeout),
                     request.write_timeout.value_or(options.write_timeout),
                     request.read_timeout.value_or(options.read_timeout),
                     total,
                     std::chrono::steady_clock::now() + total,
                     options.max_response_body,
                     options.max_response_header};
  return exchange;
}

LogLine HttpClient::Impl::Line(LogLine::Event event,
                               const PreparedRequest& exchange,
                               int attempt) const {
  LogLine line;
  line.event = event;
  line.method = std::string(exchange.message.method_string());
  line.url = exchange.label.substr(line.method.size() + 1);
  line.request_id = exchange.request_id;
  line.attempt = attempt;
  return line;
}

// One attempt, on a pooled connection or a new one. See "Connection reuse
// rule" in http_client.h.
asio::awaitable<ExchangeResult> HttpClient::Impl::Attempt(
    PreparedRequest& exchange) {
  const std::string origin = exchange.url.Origin();
  std::unique_ptr<ClientConnection> connection =
      pool.Acquire(origin, std::chrono::steady_clock::now());
  bool reused = connection != nullptr;
  ExchangeResult result;
  for (;;) {
    if (!connection) {
      OpenResult open = co_await ClientConnection::Open(executor, exchange.url,
                                                        &tls, exchange.limits);
      if (!open.connection) {
        result.failure = std::move(open.failure);
        co_return result;
      }
      ++opened;
      connection = std::move(open.connection);
    }
    result = co_await connection->Exchange(exchange.message, exchange.limits);
    if (result.failure.has_value() && reused &&
        result.failure->kind == FailureKind::kUnsent) {
      connection.reset();  // stale; the request did not get through
      reused = false;
      continue;
    }
    break;
  }
  if (result.response.has_value() && result.reusable)
    pool.Release(origin, std::move(connection),
                 std::chrono::steady_clock::now());
  co_return result;
}

// Waits `delay` before the next attempt; false when that would pass the
// total timeout, or when the wait was cancelled.
asio::awaitable<bool> HttpClient::Impl::WaitToRetry(PreparedRequest& exchange,
                                                    int attempt,
                                                    milliseconds delay,
                                                    std::string reason) {
  if (std::chrono::steady_clock::now() + delay >= exchange.limits.deadline)
    co_return false;
  LogLine line = Line(LogLine::Event::kRetry, exchange, attempt);
  line.duration = delay;
  line.message = std::move(reason);
  Log(std::move(line));
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !ec;
}

asio::awaitable<Result<HttpResponse>> HttpClient::Send(HttpRequest request) {
  Result<PreparedRequest> prepared = impl_->Prepare(std::move(request));
  if (!prepared.ok()) co_return prepared.status();
  PreparedRequest& exchange = prepared.value();
  const RetryPolicy& policy = exchange.policy;
  const Redaction& redaction = impl_->options.redaction;
  const size_t body_limit = impl_->options.log_body_limit;
  // Redacting costs a JSON parse and print per message (bench/http: about a
  // third of the client's CPU), so it is done only for a log that reads it.
  const bool logging = static_cast<bool>(impl_->options.log);
  for (int attempt = 1;; ++attempt) {
    if (logging) {
      LogLine sent = impl_->Line(LogLine::Event::kRequest, exchange, attempt);
      sent.headers = RedactHeaders(redaction, exchange.message);
      sent.body =
          RedactBody(redaction, exchange.message[http::field::content_type],
                     exchange.message.body(), body_limit);
      impl_->Log(std::move(sent));
    }
    SteadyTime start = std::chrono::steady_clock::now();
    ExchangeResult result = co_await impl_->Attempt(exchange);
    if (result.response.has_value()) {
      ClientResponseMessage& message = *result.response;
      if (logging) {
        LogLine got =
            impl_->Line(LogLine::Event::kResponse, exchange, attempt);
        got.status = message.result_int();
        got.duration = Since(start);
        got.headers = RedactHeaders(redaction, message);
        got.body = RedactBody(redaction, message[http::field::content_type],
                              message.body(), body_limit);
        impl_->Log(std::move(got));
      }
      if (attempt < policy.max_attempts &&
          IsRetryableStatus(policy, message.result_int())) {
        milliseconds delay =
            RetryDelay(policy, attempt, message.result_int(),
                       message[http::field::retry_after], impl_->options.now(),
                       impl_->options.random());
        bool waited = co_await impl_->WaitToRetry(
            exchange, attempt, delay,
            "status " + std::to_string(message.result_int()));
        if (waited) continue;
      }
      co_return HttpResponse{
          message.result_int(), static_cast<const http::fields&>(message),
          std::move(message.body()), attempt, exchange.request_id};
    }
    const AttemptFailure& failure = *result.failure;
    LogLine failed = impl_->Line(LogLine::Event::kFailure, exchange, attempt);
    failed.duration = Since(start);
    failed.message = failure.message;
    impl_->Log(std::move(failed));
    bool retryable =
        (failure.kind == FailureKind::kUnsent && policy.retry_unsent) ||
        (failure.kind == FailureKind::kUnanswered && policy.retry_unanswered);
    if (retryable && attempt < policy.max_attempts) {
      bool waited = co_await impl_->WaitToRetry(
          exchange, attempt,
          BackoffDelay(policy, attempt, impl_->options.random()),
          failure.message);
      if (waited) continue;
    }
    std::string tries = attempt > 1 ? " (gave up after " +
                                          std::to_string(attempt) + " attempts)"
                                    : "";
    co_return Status::Error(exchange.label + ": " + failure.message + tries);
  }
}

}  // namespace bssflow::net
