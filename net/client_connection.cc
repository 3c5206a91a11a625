#include "net/client_connection.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <variant>

namespace bssflow::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::as_tuple;
using asio::use_awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using std::chrono::milliseconds;

/// The time one operation may take: its own timeout, or what is left of
/// the total timeout when that is shorter.
struct Budget {
  milliseconds timeout;
  bool total_limited;
};

Budget BudgetOf(milliseconds op_timeout, SteadyTime deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left < op_timeout) return {std::max(left, milliseconds(0)), true};
  return {op_timeout, false};
}

std::string Ms(milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

AttemptFailure OutOfTime(const ExchangeLimits& limits) {
  return {FailureKind::kOutOfTime, "no response within the total timeout of " +
                                       Ms(limits.total_timeout)};
}

// A timeout: of the operation itself, or of the whole request.
AttemptFailure TimedOut(const Budget& budget, const ExchangeLimits& limits,
                        FailureKind kind, std::string message) {
  if (budget.total_limited) return OutOfTime(limits);
  return {kind, std::move(message) + Ms(budget.timeout)};
}

bool IsConnectionLoss(const error_code& ec) {
  return ec == http::error::end_of_stream ||
         ec == http::error::partial_message || ec == asio::error::eof ||
         ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted ||
         ec == asio::ssl::error::stream_truncated;
}

AttemptFailure ReadFailure(const error_code& ec, size_t bytes_read,
                           const Budget& budget, const ExchangeLimits& limits) {
  if (ec == beast::error::timeout) {
    return TimedOut(budget, limits, FailureKind::kUnanswered,
                    "no response within the read timeout of ");
  }
  if (ec == http::error::body_limit) {
    return {FailureKind::kFatal,
            "the response body exceeds the limit of " +
                std::to_string(limits.max_body) +
                " bytes (ClientOptions::max_response_body)"};
  }
  if (ec == http::error::header_limit) {
    return {FailureKind::kFatal,
            "the response header exceeds the limit of " +
                std::to_string(limits.max_header) +
                " bytes (ClientOptions::max_response_header)"};
  }
  if (IsConnectionLoss(ec)) {
    return {FailureKind::kUnanswered,
            bytes_read == 0
                ? "the server closed the connection without responding"
                : "the server closed the connection in the middle of the "
                  "response"};
  }
  if (ec.category() ==
      http::make_error_code(http::error::bad_version).category())
    return {FailureKind::kFatal, "malformed response: " + ec.message()};
  return {FailureKind::kUnanswered,
          "reading the response failed: " + ec.message()};
}

std::string HostPort(const Url& url) {
  return (url.host.find(':') != std::string::npos ? "[" + url.host + "]"
                                                  : url.host) +
         ":" + std::to_string(url.port);
}

// Resolves `url`'s host within `budget`; failures are "unsent".
asio::awaitable<std::variant<tcp::resolver::results_type, AttemptFailure>>
Resolve(const Url& url, const Budget& budget, const ExchangeLimits& limits) {
  using namespace asio::experimental::awaitable_operators;
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  asio::steady_timer timer(executor, budget.timeout);
  auto outcome =
      co_await (resolver.async_resolve(url.host, std::to_string(url.port),
                                       as_tuple(use_awaitable)) ||
                timer.async_wait(as_tuple(use_awaitable)));
  if (outcome.index() == 1) {
    co_return TimedOut(budget, limits, FailureKind::kUnsent,
                       "resolving \"" + url.host + "\" timed out after ");
  }
  auto [ec, results] = std::get<0>(std::move(outcome));
  if (ec) {
    co_return AttemptFailure{
        FailureKind::kUnsent,
        "cannot resolve host \"" + url.host + "\": " + ec.message()};
  }
  co_return results;
}

}  // namespace

beast::tcp_stream& ClientConnection::Tcp() {
  return tls_ ? tls_->next_layer() : *tcp_;
}

asio::awaitable<OpenResult> ClientConnection::Open(
    asio::any_io_executor executor, const Url& url, asio::ssl::context* tls,
    const ExchangeLimits& limits) {
  std::unique_ptr<ClientConnection> connection(new ClientConnection());
  if (url.tls()) {
    connection->tls_ =
        std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, *tls);
  } else {
    connection->tcp_.emplace(executor);
  }
  // (No co_await inside conditions: GCC 12 miscompiles some of them.)
  std::optional<AttemptFailure> failure =
      co_await connection->Connect(url, limits);
  if (!failure.has_value() && url.tls())
    failure = co_await connection->Handshake(url, limits);
  if (failure.has_value()) co_return OpenResult{nullptr, std::move(failure)};
  co_return OpenResult{std::move(connection), std::nullopt};
}

asio::awaitable<std::optional<AttemptFailure>> ClientConnection::Connect(
    const Url& url, const ExchangeLimits& limits) {
  Budget budget = BudgetOf(limits.connect_timeout, limits.deadline);
  if (budget.timeout.count() <= 0) co_return OutOfTime(limits);
  error_code ec;
  if (IsIpLiteral(url.host)) {
    tcp::endpoint endpoint(asio::ip::make_address(url.host), url.port);
    Tcp().expires_after(budget.timeout);
    std::tie(ec) =
        co_await Tcp().async_connect(endpoint, as_tuple(use_awaitable));
  } else {
    auto resolved = co_await Resolve(url, budget, limits);
    if (auto* failure = std::get_if<AttemptFailure>(&resolved))
      co_return *failure;
    budget = BudgetOf(limits.connect_timeout, limits.deadline);
    Tcp().expires_after(budget.timeout);
    tcp::endpoint ignored;
    std::tie(ec, ignored) = co_await Tcp().async_connect(
        std::get<tcp::resolver::results_type>(resolved),
        as_tuple(use_awaitable));
  }
  Tcp().expires_never();
  if (ec == beast::error::timeout) {
    co_return TimedOut(budget, limits, FailureKind::kUnsent,
                       "connecting to " + HostPort(url) + " timed out after ");
  }
  if (ec) {
    co_return AttemptFailure{
        FailureKind::kUnsent,
        "cannot connect to " + HostPort(url) + ": " + ec.message()};
  }
  co_return std::nullopt;
}

asio::awaitable<std::optional<AttemptFailure>> ClientConnection::Handshake(
    const Url& url, const ExchangeLimits& limits) {
  SSL* ssl = tls_->native_handle();
  if (IsIpLiteral(url.host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str());
  } else {
    // SNI (SSL_set_tlsext_host_name is a macro with an old-style cast).
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(url.host.c_str()));
    SSL_set1_host(ssl, url.host.c_str());
  }
  Budget budget = BudgetOf(limits.connect_timeout, limits.deadline);
  if (budget.timeout.count() <= 0) co_return OutOfTime(limits);
  Tcp().expires_after(budget.timeout);
  auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                             as_tuple(use_awaitable));
  Tcp().expires_never();
  if (!ec) co_return std::nullopt;
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    bool wrong_name = verify == X509_V_ERR_HOSTNAME_MISMATCH ||
                      verify == X509_V_ERR_IP_ADDRESS_MISMATCH;
    co_return AttemptFailure{
        FailureKind::kFatal,
        "TLS certificate verification failed for " + url.host + ": " +
            X509_verify_cert_error_string(verify) +
            (wrong_name ? " (the certificate does not name this host)"
                        : " (to trust a private CA, name its PEM file in "
                          "ClientOptions::ca_file)")};
  }
  if (ec == beast::error::timeout) {
    co_return TimedOut(
        budget, limits, FailureKind::kUnsent,
        "the TLS handshake with " + HostPort(url) + " timed out after ");
  }
  co_return AttemptFailure{
      FailureKind::kUnsent,
      "the TLS handshake with " + HostPort(url) + " failed: " + ec.message()};
}

asio::awaitable<ExchangeResult> ClientConnection::Exchange(
    ClientRequestMessage& request, const ExchangeLimits& limits) {
  ExchangeResult result;
  if (tls_) {
    result = co_await ExchangeOn(*tls_, request, limits);
  } else {
    result = co_await ExchangeOn(*tcp_, request, limits);
  }
  co_return result;
}

template <typename Stream>
asio::awaitable<ExchangeResult> ClientConnection::ExchangeOn(
    Stream& stream, ClientRequestMessage& request,
    const ExchangeLimits& limits) {
  ExchangeResult result;
  Budget write = BudgetOf(limits.write_timeout, limits.deadline);
  if (write.timeout.count() <= 0) {
    result.failure = OutOfTime(limits);
    co_return result;
  }
  Tcp().expires_after(write.timeout);
  auto [write_ec, written] =
      co_await http::async_write(stream, request, as_tuple(use_awaitable));
  if (write_ec) {
    // Not all of the request left: the server cannot act on it.
    result.failure = write_ec == beast::error::timeout
                         ? TimedOut(write, limits, FailureKind::kUnsent,
                                    "sending the request timed out after ")
                         : AttemptFailure{FailureKind::kUnsent,
                                          "sending the request failed: " +
                                              write_ec.message()};
    co_return result;
  }
  http::response_parser<http::string_body> parser;
  parser.header_limit(limits.max_header);
  parser.body_limit(limits.max_body);
  if (request.method() == http::verb::head) parser.skip(true);
  Budget read = BudgetOf(limits.read_timeout, limits.deadline);
  Tcp().expires_after(read.timeout);
  auto [read_ec, bytes] = co_await http::async_read(stream, buffer_, parser,
                                                    as_tuple(use_awaitable));
  Tcp().expires_never();
  if (read_ec) {
    result.failure = ReadFailure(read_ec, bytes, read, limits);
    co_return result;
  }
  result.reusable =
      parser.get().keep_alive() && request.keep_alive() && !parser.need_eof();
  result.response = parser.release();
  co_return result;
}

bool ClientConnection::LooksAlive() {
  if (buffer_.size() > 0) return false;  // bytes nobody asked for
  tcp::socket& socket = Tcp().socket();
  if (!socket.is_open()) return false;
  char byte;
  ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  // 0: the server closed; > 0: it sent something unasked (with TLS, likely a
  // close_notify). Either way the connection is not reused.
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

std::unique_ptr<ClientConnection> ConnectionPool::Acquire(
    const std::string& origin, SteadyTime now) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = idle_.find(origin);
  if (it == idle_.end()) return nullptr;
  auto& connections = it->second;
  while (!connections.empty()) {
    std::unique_ptr<ClientConnection> connection =
        std::move(connections.back());
    connections.pop_back();
    if (now - connection->idle_since < max_idle_ && connection->LooksAlive())
      return connection;
  }
  idle_.erase(it);
  return nullptr;
}

void ConnectionPool::Release(const std::string& origin,
                             std::unique_ptr<ClientConnection> connection,
                             SteadyTime now) {
  if (max_idle_per_origin_ == 0) return;
  connection->idle_since = now;
  std::lock_guard<std::mutex> lock(mutex_);
  auto& connections = idle_[origin];
  connections.push_back(std::move(connection));
  while (connections.size() > max_idle_per_origin_) connections.pop_front();
}

size_t ConnectionPool::idle() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t count = 0;
  for (const auto& [origin, connections] : idle_) count += connections.size();
  return count;
}

}  // namespace bssflow::net
