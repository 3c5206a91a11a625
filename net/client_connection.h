// Internals of HttpClient: one connection (plain or TLS) that sends a
// request and reads its response under deadlines, and the keep-alive pool.
// Not part of the public interface.
#ifndef BSSFLOW_NET_CLIENT_CONNECTION_H_
#define BSSFLOW_NET_CLIENT_CONNECTION_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "net/url.h"

namespace bssflow::net {

using ClientRequestMessage =
    boost::beast::http::request<boost::beast::http::string_body>;
using ClientResponseMessage =
    boost::beast::http::response<boost::beast::http::string_body>;
using SteadyTime = std::chrono::steady_clock::time_point;

/// Why an attempt got no response, as far as retrying is concerned.
enum class FailureKind {
  kUnsent,      // the server cannot have received the request
  kUnanswered,  // the request was written; the server may have acted on it
  kFatal,       // retrying cannot help (TLS verification, limits, protocol)
  kOutOfTime,   // the total timeout ran out
};

/// An attempt's failure, with a message for people.
struct AttemptFailure {
  FailureKind kind;
  std::string message;
};

/// The per-attempt limits of one request.
struct ExchangeLimits {
  std::chrono::milliseconds connect_timeout;
  std::chrono::milliseconds write_timeout;
  std::chrono::milliseconds read_timeout;
  std::chrono::milliseconds total_timeout;  // for messages only
  SteadyTime deadline;                      // end of the total timeout
  uint64_t max_body;
  uint32_t max_header;
};

class ClientConnection;

/// A connection, or why there is none.
struct OpenResult {
  std::unique_ptr<ClientConnection> connection;
  std::optional<AttemptFailure> failure;
};

/// A response, or why there is none.
struct ExchangeResult {
  std::optional<ClientResponseMessage> response;
  std::optional<AttemptFailure> failure;
  /// With a response: the connection may serve another request.
  bool reusable = false;
};

/// One connection to an origin. Used by one request at a time.
class ClientConnection {
 public:
  /// Resolves, connects and (https) handshakes with verification of `url`'s
  /// host against `tls` (required for https).
  static boost::asio::awaitable<OpenResult> Open(
      boost::asio::any_io_executor executor, const Url& url,
      boost::asio::ssl::context* tls, const ExchangeLimits& limits);

  /// Writes `request` and reads the response.
  boost::asio::awaitable<ExchangeResult> Exchange(ClientRequestMessage& request,
                                                  const ExchangeLimits& limits);

  /// False when the server closed the connection while it was idle (or
  /// sent something unasked): it must not be reused.
  bool LooksAlive();

  SteadyTime idle_since;

 private:
  ClientConnection() = default;
  boost::beast::tcp_stream& Tcp();

  template <typename Stream>
  boost::asio::awaitable<ExchangeResult> ExchangeOn(
      Stream& stream, ClientRequestMessage& request,
      const ExchangeLimits& limits);
  boost::asio::awaitable<std::optional<AttemptFailure>> Connect(
      const Url& url, const ExchangeLimits& limits);
  boost::asio::awaitable<std::optional<AttemptFailure>> Handshake(
      const Url& url, const ExchangeLimits& limits);

  std::optional<boost::beast::tcp_stream> tcp_;  // plain http
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  boost::beast::flat_buffer buffer_;
};

/// Idle keep-alive connections by origin. Thread-safe.
class ConnectionPool {
 public:
  ConnectionPool(size_t max_idle_per_origin, std::chrono::milliseconds max_idle)
      : max_idle_per_origin_(max_idle_per_origin), max_idle_(max_idle) {}

  /// The most recently used live connection to `origin`, or null. Expired
  /// and dead connections met on the way are closed.
  std::unique_ptr<ClientConnection> Acquire(const std::string& origin,
                                            SteadyTime now);
  /// Keeps `connection` for reuse; the oldest of the origin goes when
  /// there are too many.
  void Release(const std::string& origin,
               std::unique_ptr<ClientConnection> connection, SteadyTime now);
  size_t idle() const;

 private:
  const size_t max_idle_per_origin_;
  const std::chrono::milliseconds max_idle_;
  mutable std::mutex mutex_;
  std::map<std::string, std::deque<std::unique_ptr<ClientConnection>>> idle_;
};

}  // namespace bssflow::net

#endif  // BSSFLOW_NET_CLIENT_CONNECTION_H_
