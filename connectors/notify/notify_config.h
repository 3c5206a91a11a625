// How the `notify` connector delivers the notifications that `notify` steps
// render: through the BSS notification API (POST /api/Notifications, the
// default) or by SMTP. docs/connectors/notify.md.
#ifndef BSSFLOW_CONNECTORS_NOTIFY_NOTIFY_CONFIG_H_
#define BSSFLOW_CONNECTORS_NOTIFY_NOTIFY_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace bssflow::connectors::notify {

/// An SMTP relay (RFC 5321). Plain SMTP is allowed to a loopback host only;
/// elsewhere the connection must be secured with STARTTLS (verified against
/// the system CA store plus `ca_file`).
struct SmtpConfig {
  std::string host;
  uint16_t port = 25;
  /// The envelope sender and the From header, e.g. "noreply@cloud.example".
  std::string from;
  /// The name sent in EHLO; empty: "localhost".
  std::string helo_name;
  /// AUTH PLAIN credentials; empty username: no AUTH. Never logged.
  std::string username;
  std::string password;
  /// STARTTLS: required for any host that is not loopback.
  bool starttls = false;
  std::string ca_file;
  /// The whole exchange of one message, connect to QUIT.
  std::chrono::milliseconds timeout = std::chrono::seconds(30);
};

struct NotifyConfig {
  enum class Transport { kBss, kSmtp };
  Transport transport = Transport::kBss;
  /// Used when transport is kSmtp.
  SmtpConfig smtp;
};

/// The side effects the connector uses besides the network, injectable for
/// tests. Empty members take the real thing.
struct NotifyEnvironment {
  /// The wall clock, for the Date header of SMTP messages.
  std::function<std::chrono::system_clock::time_point()> now;
  /// Receives the SMTP conversation, a line per command, reply and event
  /// ("smtp 127.0.0.1:2525 > RCPT TO:<a@b.example>"). Never the password,
  /// the AUTH PLAIN data or the message itself. Empty: no logging.
  std::function<void(const std::string&)> log;
};

}  // namespace bssflow::connectors::notify

#endif  // BSSFLOW_CONNECTORS_NOTIFY_NOTIFY_CONFIG_H_
