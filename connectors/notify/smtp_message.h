// The message the SMTP client sends (RFC 5322 with MIME, RFC 2045-2047),
// built as pure functions: the header (address lists folded, a non-ASCII
// Subject as RFC 2047 encoded-words), the body in 8bit or quoted-printable,
// CRLF line endings, and the DATA section with dot-stuffing (RFC 5321
// 4.5.2). Nothing here does I/O or reads a clock.
#ifndef BSSFLOW_CONNECTORS_NOTIFY_SMTP_MESSAGE_H_
#define BSSFLOW_CONNECTORS_NOTIFY_SMTP_MESSAGE_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace bssflow::connectors::notify {

/// One message. Addresses passed LooksLikeAddress (addresses.h), the
/// subject is one line of UTF-8, the body UTF-8 with any line endings.
struct MailMessage {
  /// The envelope sender and the From header.
  std::string from;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::string subject;
  std::string body;
  /// The Message-ID header value, MessageIdOf(key).
  std::string message_id;
};

/// How the body travels.
enum class BodyEncoding {
  /// As it is (CRLF line endings); needs the server's 8BITMIME when the
  /// body is not ASCII.
  k8Bit,
  /// RFC 2045 quoted-printable: 7-bit lines of at most 76 characters.
  kQuotedPrintable,
};

/// "<key@bssflow>": the same key, the same Message-ID, so that a receiver
/// can drop a resent duplicate.
std::string MessageIdOf(std::string_view idempotency_key);

/// True when `text` has a byte above 0x7F.
bool HasNonAscii(std::string_view text);

/// `text` with every line ending (CRLF, lone LF, lone CR) as CRLF.
std::string NormalizeLineEndings(std::string_view text);

/// k8Bit when every line of `body` fits in 998 bytes, it holds no NUL, and
/// it is ASCII or the server announced 8BITMIME; else kQuotedPrintable.
BodyEncoding ChooseBodyEncoding(std::string_view body, bool server_8bitmime);

/// RFC 2045 quoted-printable of `text` (CRLF line endings kept as hard
/// breaks): '=', control bytes and bytes above 0x7E as =XX, a space or
/// tab ending a line as =20 / =09, soft breaks ("=" CRLF) keeping lines at
/// 76 characters at most.
std::string QuotedPrintable(std::string_view text);

/// The Subject header's value: `subject` as it is when it is printable
/// ASCII with no "=?" in it (folded at spaces to keep lines near 78
/// characters); otherwise RFC 2047 encoded-words ("=?UTF-8?B?...?="), never
/// splitting a UTF-8 character, one per folded line.
std::string EncodeSubject(std::string_view subject);

/// An RFC 5322 date in UTC: "Wed, 01 May 2024 12:00:00 +0000".
std::string FormatDate(std::chrono::system_clock::time_point time);

/// The whole message: From, To, Cc (when any), Subject, Date, Message-ID,
/// MIME-Version, Content-Type (text/plain; charset=utf-8) and
/// Content-Transfer-Encoding, a blank line, the body in `encoding`. CRLF
/// line endings, ending with CRLF; not dot-stuffed.
std::string FormatMessage(const MailMessage& message, BodyEncoding encoding,
                          std::chrono::system_clock::time_point date);

/// What follows the DATA command's 354: `message` with a '.' added before
/// every line that starts with '.', a final CRLF if it lacks one, and the
/// terminating ".\r\n". `message` must have CRLF line endings.
std::string DataSection(std::string_view message);

}  // namespace bssflow::connectors::notify

#endif  // BSSFLOW_CONNECTORS_NOTIFY_SMTP_MESSAGE_H_
