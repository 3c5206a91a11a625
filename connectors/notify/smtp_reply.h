// The SMTP client's side of the conversation as pure functions (RFC 5321):
// assembling multi-line replies ("250-..." then "250 ..."), reading EHLO
// capabilities, the AUTH PLAIN command (RFC 4616), and how a reply or a lost
// connection becomes the runner's ActionError. No I/O.
#ifndef BSSFLOW_CONNECTORS_NOTIFY_SMTP_REPLY_H_
#define BSSFLOW_CONNECTORS_NOTIFY_SMTP_REPLY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engine/connector.h"

namespace bssflow::connectors::notify {

/// One reply: its code and the text of each line (after "250-" / "250 ").
struct SmtpReply {
  int code = 0;
  std::vector<std::string> lines;

  /// The lines' texts joined by spaces: "5.1.1 no such user".
  std::string Text() const;
  /// "550 5.1.1 no such user", or "550" when there is no text.
  std::string ToString() const;
};

/// Builds a reply from its lines as they arrive. Not thread-safe.
class ReplyAssembler {
 public:
  /// Longest line accepted, without its CRLF (RFC 5321 says 512; servers
  /// write longer ones).
  static constexpr size_t kMaxLine = 4096;
  /// Most lines in one reply (an EHLO reply lists a few dozen at most).
  static constexpr size_t kMaxLines = 256;

  /// Adds `line` (without CRLF). An error for a malformed line: not three
  /// digits 2xx-5xx followed by '-', ' ' or nothing; a code other than the
  /// first line's; too many lines. After the last line (a space or nothing
  /// after the code) complete() is true.
  Status Add(std::string_view line);
  bool complete() const { return complete_; }
  /// The reply; only when complete(). Resets the assembler.
  SmtpReply Take();

 private:
  SmtpReply reply_;
  bool complete_ = false;
};

/// What an EHLO reply announces that the client uses.
struct Capabilities {
  bool starttls = false;
  bool eight_bit_mime = false;
  /// SIZE is announced (with or without a limit).
  bool size = false;
  /// The AUTH mechanisms, upper case ("PLAIN", "LOGIN").
  std::vector<std::string> auth;
  /// Every keyword, upper case, in order ("8BITMIME", "AUTH", ...).
  std::vector<std::string> keywords;

  bool HasAuth(std::string_view mechanism) const;
};

/// The capabilities of an EHLO reply (its first line is the server's name
/// and greeting; each further line is a keyword and its parameters).
Capabilities ParseCapabilities(const SmtpReply& ehlo);

/// "AUTH PLAIN " and base64("\0" username "\0" password) (RFC 4616, no
/// authorization identity).
std::string AuthPlainCommand(std::string_view username,
                             std::string_view password);

/// Where in the conversation a reply or a failure came.
enum class SmtpStage {
  kConnect,
  kGreeting,
  kHello,     // EHLO or HELO
  kStartTls,  // the command and the handshake
  kAuth,
  kMailFrom,
  kRcptTo,
  kData,     // the DATA command
  kMessage,  // the reply to the message's final "."
  kQuit,
};

/// The error kind of reply `code` at `stage`: 4xx "retryable"; 530, 534,
/// 535 and 538 "auth" (authentication required, too weak, refused,
/// needs encryption); 550 and 553 at kRcptTo "invalid" (the recipient was
/// refused: the workflow's data is wrong); any other code "fatal".
std::string ErrorKindOfReply(SmtpStage stage, int code);

/// The ActionError for `reply`, received when a different one was expected
/// at `stage`: kind ErrorKindOfReply, code the reply code,
/// message "<what>: <code> <text>" ("RCPT TO:<x@y.example>: 550 no such
/// user"). `what` names what was being done, never with a credential.
engine::ActionError ErrorFromReply(SmtpStage stage, std::string_view what,
                                   const SmtpReply& reply);

}  // namespace bssflow::connectors::notify

#endif  // BSSFLOW_CONNECTORS_NOTIFY_SMTP_REPLY_H_
