// A message as the SMTP sink received it: the envelope, the DATA as sent
// (dot-stuffing undone, line endings as they came), its header fields and
// body, and how the session went (TLS, AUTH, acknowledged or not).
#ifndef BSSFLOW_SIMULATORS_SMTP_RECEIVED_MESSAGE_H_
#define BSSFLOW_SIMULATORS_SMTP_RECEIVED_MESSAGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bssflow::simulators::smtp {

/// One header field, unfolded: the name as sent, the value without the
/// leading whitespace and with its line breaks removed.
using HeaderField = std::pair<std::string, std::string>;

struct ReceivedMessage {
  /// The argument of the session's EHLO or HELO.
  std::string helo;
  /// MAIL FROM's address, without the angle brackets ("" for "<>").
  std::string mail_from;
  /// MAIL FROM's parameters as sent ("BODY=8BITMIME", "SIZE=1234").
  std::vector<std::string> mail_parameters;
  /// The accepted RCPT TO addresses, in order.
  std::vector<std::string> recipients;
  /// Everything between DATA's 354 and the final ".", with the leading dot
  /// of stuffed lines removed and line endings exactly as received.
  std::string data;
  /// The header fields in order.
  std::vector<HeaderField> headers;
  /// What follows the blank line, as transferred (still encoded).
  std::string body;
  /// The session ran STARTTLS before this message.
  bool tls = false;
  /// The AUTH PLAIN user, or "" when the session did not authenticate.
  std::string authenticated_as;
  /// False when a fault kept the sink from answering the final "." (it
  /// dropped the connection or stalled): the client cannot know that the
  /// message arrived.
  bool acknowledged = true;

  /// The first field named `name` (ignoring case), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
  /// That field with its RFC 2047 encoded-words decoded, or "".
  std::string DecodedHeader(std::string_view name) const;
  /// The body with its Content-Transfer-Encoding (quoted-printable or
  /// base64) undone; 7bit and 8bit bodies as they are.
  std::string DecodedBody() const;
};

/// Fills `message.headers` and `message.body` from `message.data`: fields
/// up to the first empty line (CRLF or LF), continuation lines (starting
/// with a space or tab) joined to the field before.
void ParseData(ReceivedMessage& message);

}  // namespace bssflow::simulators::smtp

#endif  // BSSFLOW_SIMULATORS_SMTP_RECEIVED_MESSAGE_H_
