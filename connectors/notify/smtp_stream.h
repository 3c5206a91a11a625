// The transport of one SMTP session of the client: a TCP connection that
// STARTTLS upgrades in place to TLS, reading reply lines and writing
// commands, every operation bounded by one deadline for the whole session.
// Internal to the notify connector (smtp_client.cc).
#ifndef BSSFLOW_CONNECTORS_NOTIFY_SMTP_STREAM_H_
#define BSSFLOW_CONNECTORS_NOTIFY_SMTP_STREAM_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bssflow::connectors::notify {

/// One connection. When the deadline passes, the connection is closed and
/// the operation under way fails with boost::beast::error::timeout (so does
/// any later one). Used by one coroutine at a time; destroy it before its
/// executor's io_context.
class SmtpStream {
 public:
  SmtpStream(boost::asio::any_io_executor executor,
             std::chrono::steady_clock::time_point deadline);

  /// Resolves `host` (unless it is an IP literal) and connects to `port`.
  boost::asio::awaitable<boost::system::error_code> Connect(
      const std::string& host, uint16_t port);

  /// Reads one line into `line`, without its CRLF (or bare LF).
  /// boost::asio::error::message_size when a line exceeds `max_length`
  /// bytes.
  boost::asio::awaitable<boost::system::error_code> ReadLine(std::string& line,
                                                             size_t max_length);

  /// Writes all of `data`.
  boost::asio::awaitable<boost::system::error_code> Write(
      std::string_view data);

  /// The TLS handshake as a client, verifying the server's certificate
  /// against `context` and `host` (a name, with SNI, or an IP literal).
  /// On failure, CertificateProblem() tells whether the certificate was
  /// refused.
  boost::asio::awaitable<boost::system::error_code> StartTls(
      boost::asio::ssl::context& context, const std::string& host);

  /// Why the certificate was refused ("certificate has expired"), or ""
  /// when verification passed or did not run.
  std::string CertificateProblem() const;
  /// True when the certificate's names did not match the host.
  bool CertificateNameMismatch() const;
  /// The TLS version after StartTls ("TLSv1.3"), else "".
  std::string TlsVersion() const;

  /// Received bytes not yet read as lines. Must be none when TLS starts:
  /// bytes sent before the handshake would pass as sent under TLS.
  bool HasBufferedInput() const { return !buffer_.empty(); }

  /// Closes the connection at once (no TLS close_notify).
  void Close();

 private:
  boost::beast::tcp_stream& Tcp();

  std::chrono::steady_clock::time_point deadline_;
  std::optional<boost::beast::tcp_stream> tcp_;
  std::unique_ptr<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
  std::string buffer_;
};

}  // namespace bssflow::connectors::notify

#endif  // BSSFLOW_CONNECTORS_NOTIFY_SMTP_STREAM_H_
