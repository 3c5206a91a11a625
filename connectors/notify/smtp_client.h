// The SMTP client of the notify connector (RFC 5321): one session per
// message, one command at a time (no PIPELINING):
//
//   connect, 220 greeting, EHLO (HELO when the server refuses EHLO and
//   neither STARTTLS nor AUTH is needed), STARTTLS and EHLO again, AUTH
//   PLAIN, MAIL FROM, RCPT TO for each recipient (to, then cc, duplicates
//   once), DATA and the message (smtp_message.h), QUIT.
//
// The whole session, connect to QUIT, runs within SmtpConfig::timeout.
// Once the server has accepted the message (250 after the final "."), the
// send has succeeded whatever happens to QUIT. Refusing one recipient
// refuses the message: nothing is sent to the others.
//
// Failures are ActionErrors (smtp_reply.h maps reply codes): 4xx replies,
// lost connections and refused connects "retryable", timeouts "timeout",
// 550/553 to RCPT "invalid", 530/534/535/538 "auth", other 5xx and protocol
// or certificate problems "fatal". Messages name what was being done:
// "RCPT TO:<x@y.example>: 550 5.1.1 no such user".
//
// The log (NotifyEnvironment::log) gets one line per command, reply and
// event, prefixed "smtp host:port"; it never holds the password or the
// AUTH PLAIN data (shown as "AUTH PLAIN ***"), nor the message (shown as
// its size).
#ifndef BSSFLOW_CONNECTORS_NOTIFY_SMTP_CLIENT_H_
#define BSSFLOW_CONNECTORS_NOTIFY_SMTP_CLIENT_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <optional>

#include "base/status.h"
#include "connectors/notify/notify_config.h"
#include "connectors/notify/smtp_message.h"
#include "engine/connector.h"

namespace bssflow::connectors::notify {

/// Checks `config` before anything connects: host, port, a valid `from`,
/// a host-name-like helo_name, username and password both or neither, a
/// positive timeout, and STARTTLS for any host that is not loopback.
/// Messages start "notify: " and name the field, e.g. `notify: refusing
/// plain SMTP to "mail.example": only loopback hosts may be reached
/// without STARTTLS; set smtp.starttls`.
Status CheckSmtpConfig(const SmtpConfig& config);

/// Sends messages through one relay. Send() may run many times at once
/// (each call is its own session) on the executor given to Create(), which
/// must not run handlers concurrently. Destroy the client before that
/// executor's io_context.
class SmtpClient {
 public:
  /// A client for `config` (CheckSmtpConfig), trusting the system's CA
  /// store and `ca_file`; an error when either cannot be loaded.
  static Result<std::unique_ptr<SmtpClient>> Create(
      boost::asio::any_io_executor executor, SmtpConfig config,
      NotifyEnvironment env = {});
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  /// Delivers `message` in one session: nullopt once the server accepted
  /// it, else why not (see the file comment). `message` must outlive the
  /// call. Never throws for I/O failures; cancelling the awaitable
  /// abandons the session.
  boost::asio::awaitable<std::optional<engine::ActionError>> Send(
      const MailMessage& message);

  const SmtpConfig& config() const { return config_; }

 private:
  SmtpClient(boost::asio::any_io_executor executor, SmtpConfig config,
             NotifyEnvironment env);
  Status LoadTrust();

  boost::asio::any_io_executor executor_;
  SmtpConfig config_;
  NotifyEnvironment env_;
  boost::asio::ssl::context tls_;
};

}  // namespace bssflow::connectors::notify

#endif  // BSSFLOW_CONNECTORS_NOTIFY_SMTP_CLIENT_H_
