// An asynchronous HTTP/1.1 server (Boost.Beast on Asio, C++20 coroutines):
// the transport of `bssflow serve` and of the connector simulators. It knows
// nothing of routes: every request goes to one RequestHandler coroutine.
//
// Each connection is a session on its own strand. Every socket operation
// runs under a deadline (ServerOptions), requests are bounded in size, and
// the number of connections served at once is capped. A connection serves
// one request at a time (keep-alive; pipelined requests wait their turn).
// Errors the server answers itself (400, 408, 413, 431, 503, and 500 when
// the handler throws) are RFC 7807 problem+json (problem.h), sent with
// `Connection: close` followed by a lingering close, so that the client
// reads the answer rather than a connection reset.
#ifndef BSSFLOW_NET_HTTP_SERVER_H_
#define BSSFLOW_NET_HTTP_SERVER_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace bssflow::net {

/// A request as the server hands it to the handler.
using ServerRequest =
    boost::beast::http::request<boost::beast::http::string_body>;
/// A response as the handler returns it.
using ServerResponse =
    boost::beast::http::response<boost::beast::http::string_body>;

/// Answers one request. Runs on the connection's strand; it may co_await
/// anything (timers for injected latency, other I/O) and holds no thread
/// while it waits. Return nullopt to close the connection without answering
/// (simulated dropped connections). The server sets Content-Length, the
/// HTTP version and the Connection header of the response; a handler that
/// wants the connection closed after its response sets `Connection: close`.
/// An exception escaping the handler becomes a 500 problem response.
using RequestHandler =
    std::function<boost::asio::awaitable<std::optional<ServerResponse>>(
        ServerRequest)>;

/// Limits and timeouts of an HttpServer. The defaults suit a service behind
/// a reverse proxy or on loopback.
struct ServerOptions {
  /// Time to receive a complete request header once its first byte has
  /// arrived (and, with TLS, to complete the handshake). Exceeded: 408.
  std::chrono::milliseconds header_timeout{10'000};
  /// Time to receive the whole request body after the header. Exceeded: 408.
  std::chrono::milliseconds body_timeout{30'000};
  /// How long a connection may wait for the first byte of its next request
  /// (or of its first one) before it is closed without a word.
  std::chrono::milliseconds idle_timeout{60'000};
  /// Time to write one response. Exceeded: the connection is closed.
  std::chrono::milliseconds write_timeout{30'000};
  /// The largest request header (request line and fields), in bytes.
  /// Exceeded: 431.
  uint32_t header_limit = 16 * 1024;
  /// The largest request body, in bytes. Exceeded: 413.
  uint64_t body_limit = 1024 * 1024;
  /// Connections served at once. A connection beyond is answered 503 (once
  /// its request header is read) and closed.
  size_t max_connections = 1024;
  /// How long Stop() lets in-flight requests finish; then the connections
  /// left are closed and their handlers cancelled.
  std::chrono::milliseconds shutdown_timeout{30'000};
  /// After an error answer that closes the connection, how long the server
  /// keeps reading (and discarding) what the client still sends, so that
  /// its answer is not lost to a reset.
  std::chrono::milliseconds linger_timeout{2'000};
  /// When set, every connection speaks TLS with this context (certificate
  /// chain and private key loaded by the caller). Shared with the caller.
  std::shared_ptr<boost::asio::ssl::context> tls;
  /// The Server header of every response; empty: none.
  std::string server_name = "bssflow";
  /// When set, the answers the server makes itself (400, 408, 413, 431,
  /// 503, 500) carry this header: the request's own value when its header
  /// was read and the value is sane (request_id.h), else a fresh id. The
  /// handler's responses are the handler's business.
  std::string request_id_header;
  /// Called with each answer the server makes itself (before it is
  /// written), so that they are counted and logged like the handler's; on
  /// the connection's strand, from any io thread. May be empty.
  std::function<void(const ServerResponse& answer)> on_own_answer;
};

struct ServerCore;

/// An HTTP/1.1 server. Listen(), Start() and the destructor are called from
/// one thread; Stop() and the counters may be called from any thread.
/// Sessions share the server's internals, so destroying the HttpServer
/// while its executor still runs is safe (the destructor calls Stop()); it
/// must be destroyed before its io_context, though.
class HttpServer {
 public:
  /// Serves with `handler`; sockets, timers and sessions live on
  /// `executor` (each session on its own strand of it).
  HttpServer(boost::asio::any_io_executor executor, RequestHandler handler,
             ServerOptions options = {});
  HttpServer(boost::asio::io_context& context, RequestHandler handler,
             ServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and listens on `host` (an IPv4 or IPv6 address, or "localhost"
  /// for 127.0.0.1) and `port` (0: any free port). Returns the bound port,
  /// or an error such as "cannot listen on 127.0.0.1:80: Permission denied".
  Result<uint16_t> Listen(std::string_view host, uint16_t port);

  /// Starts accepting connections; an error before a successful Listen().
  Status Start();

  /// Graceful shutdown, asynchronous: stops accepting at once, lets
  /// requests in flight finish (their responses carry Connection: close),
  /// closes idle keep-alive connections, and after shutdown_timeout closes
  /// whatever is left. When the last connection is gone the server holds
  /// no more work on the executor (io_context::run() can return). Safe to
  /// call twice, and from any thread.
  void Stop();

  /// The port Listen() bound; 0 before.
  uint16_t port() const;
  /// Connections being served now (rejected ones not counted).
  size_t active_connections() const;
  /// Connections accepted since Start(), rejected ones included.
  uint64_t accepted_connections() const;
  /// Connections answered 503 because max_connections were being served.
  uint64_t rejected_connections() const;

 private:
  std::shared_ptr<ServerCore> core_;
};

}  // namespace bssflow::net

#endif  // BSSFLOW_NET_HTTP_SERVER_H_
