#include "connectors/notify/smtp_stream.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <variant>

#include "net/url.h"

namespace bssflow::connectors::notify {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::as_tuple;
using asio::use_awaitable;
using asio::ip::tcp;
using boost::system::error_code;

// Resolves `host`, racing the deadline: the resolver does not watch the
// stream's timer.
asio::awaitable<std::pair<error_code, tcp::resolver::results_type>> Resolve(
    const std::string& host, const std::string& service,
    std::chrono::steady_clock::time_point deadline) {
  using namespace asio::experimental::awaitable_operators;
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  asio::steady_timer timer(executor, deadline);
  auto resolve = resolver.async_resolve(host, service, as_tuple(use_awaitable));
  auto expire = timer.async_wait(as_tuple(use_awaitable));
  auto race = std::move(resolve) || std::move(expire);
  auto outcome = co_await std::move(race);
  if (outcome.index() == 1) {
    co_return std::pair{error_code(beast::error::timeout),
                        tcp::resolver::results_type()};
  }
  auto [ec, results] = std::get<0>(std::move(outcome));
  co_return std::pair{ec, std::move(results)};
}

}  // namespace

SmtpStream::SmtpStream(asio::any_io_executor executor,
                       std::chrono::steady_clock::time_point deadline)
    : deadline_(deadline) {
  tcp_.emplace(std::move(executor));
  // Every later operation, TLS included, runs under this expiry.
  tcp_->expires_at(deadline_);
}

beast::tcp_stream& SmtpStream::Tcp() {
  return tls_ ? tls_->next_layer() : *tcp_;
}

asio::awaitable<error_code> SmtpStream::Connect(const std::string& host,
                                                uint16_t port) {
  if (net::IsIpLiteral(host)) {
    tcp::endpoint endpoint(asio::ip::make_address(host), port);
    auto [ec] = co_await Tcp().async_connect(endpoint, as_tuple(use_awaitable));
    co_return ec;
  }
  const std::string service = std::to_string(port);
  auto [resolve_ec, results] = co_await Resolve(host, service, deadline_);
  if (resolve_ec) co_return resolve_ec;
  auto [ec, endpoint] =
      co_await Tcp().async_connect(results, as_tuple(use_awaitable));
  co_return ec;
}

asio::awaitable<error_code> SmtpStream::ReadLine(std::string& line,
                                                 size_t max_length) {
  // The limit counts the CRLF too.
  auto buffer = asio::dynamic_buffer(buffer_, max_length + 2);
  error_code ec;
  size_t length = 0;
  if (tls_) {
    std::tie(ec, length) = co_await asio::async_read_until(
        *tls_, buffer, "\n", as_tuple(use_awaitable));
  } else {
    std::tie(ec, length) = co_await asio::async_read_until(
        *tcp_, buffer, "\n", as_tuple(use_awaitable));
  }
  if (ec == asio::error::not_found) co_return asio::error::message_size;
  if (ec) co_return ec;
  line.assign(buffer_, 0, length - 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  buffer_.erase(0, length);
  co_return error_code();
}

asio::awaitable<error_code> SmtpStream::Write(std::string_view data) {
  error_code ec;
  size_t written = 0;
  auto bytes = asio::buffer(data.data(), data.size());
  if (tls_) {
    std::tie(ec, written) =
        co_await asio::async_write(*tls_, bytes, as_tuple(use_awaitable));
  } else {
    std::tie(ec, written) =
        co_await asio::async_write(*tcp_, bytes, as_tuple(use_awaitable));
  }
  co_return ec;
}

asio::awaitable<error_code> SmtpStream::StartTls(asio::ssl::context& context,
                                                 const std::string& host) {
  tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(
      std::move(*tcp_), context);
  tcp_.reset();
  // The move carries the timers over; the deadline is set again all the same.
  Tcp().expires_at(deadline_);
  SSL* ssl = tls_->native_handle();
  if (net::IsIpLiteral(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str());
  } else {
    // SNI (SSL_set_tlsext_host_name is a macro with an old-style cast).
    SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(host.c_str()));
    SSL_set1_host(ssl, host.c_str());
  }
  auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                             as_tuple(use_awaitable));
  co_return ec;
}

std::string SmtpStream::CertificateProblem() const {
  if (!tls_) return "";
  long verify = SSL_get_verify_result(tls_->native_handle());
  if (verify == X509_V_OK) return "";
  return X509_verify_cert_error_string(verify);
}

bool SmtpStream::CertificateNameMismatch() const {
  if (!tls_) return false;
  long verify = SSL_get_verify_result(tls_->native_handle());
  return verify == X509_V_ERR_HOSTNAME_MISMATCH ||
         verify == X509_V_ERR_IP_ADDRESS_MISMATCH;
}

std::string SmtpStream::TlsVersion() const {
  if (!tls_) return "";
  return SSL_get_version(tls_->native_handle());
}

void SmtpStream::Close() {
  error_code ignored;
  Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
  Tcp().close();
}

}  // namespace bssflow::connectors::notify
