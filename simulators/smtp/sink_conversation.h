// The SMTP sink's side of one session as a pure state machine: lines in,
// replies and decisions out, never a socket (smtp_sink.cc does the I/O).
// It speaks enough ESMTP for the notify connector (RFC 5321): EHLO/HELO,
// STARTTLS (RFC 3207) when TLS is configured, AUTH PLAIN (RFC 4954, RFC
// 4616) when credentials are, MAIL (BODY, SIZE), RCPT, DATA, RSET, NOOP,
// VRFY, QUIT; one command at a time (no PIPELINING). It acts out the faults
// of SmtpFaults.
#ifndef BSSFLOW_SIMULATORS_SMTP_SINK_CONVERSATION_H_
#define BSSFLOW_SIMULATORS_SMTP_SINK_CONVERSATION_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "simulators/smtp/received_message.h"

namespace bssflow::simulators::smtp {

/// How the sink presents itself; every field has a default.
struct SinkSettings {
  /// The name in the greeting and the EHLO reply.
  std::string hostname = "sink.localhost";
  /// AUTH PLAIN credentials. With a username, AUTH PLAIN is offered and
  /// MAIL is refused (530) until the session has authenticated.
  std::string username;
  std::string password;
  /// Offer STARTTLS (the sink host must have a TLS context).
  bool starttls = false;
  /// Offer 8BITMIME (and accept BODY=8BITMIME).
  bool eight_bit_mime = true;
  /// The largest message accepted, announced with SIZE; larger: 552.
  size_t max_message_size = 10 * 1024 * 1024;
};

/// A reply a fault gives instead of the sink's own.
struct FaultReply {
  int code = 0;
  /// After the code and a space: "4.3.2 Service not available".
  std::string text;
};

/// Points of a session at which a fault can stall it.
enum class SinkStage {
  kGreeting,
  kHello,
  kMailFrom,
  kRcptTo,
  kData,
  kEndOfData
};

/// Faults to act out. A session takes a copy when it starts.
struct SmtpFaults {
  /// Answer the connection with this reply instead of 220, then close it
  /// (e.g. {421, "4.3.2 Service not available"}).
  std::optional<FaultReply> greeting;
  /// RCPT TO of these addresses (lower case) gets this reply instead of
  /// 250 (e.g. {451, "4.3.0 Try again later"}, {550, "5.1.1 No such user"}).
  std::map<std::string, FaultReply> recipients;
  /// After the final ".", keep the message (acknowledged = false) and close
  /// the connection without replying.
  bool drop_after_data = false;
  /// Stop replying at this point: what the client sends is read and
  /// ignored until it closes the connection. At kEndOfData the message is
  /// kept (acknowledged = false).
  std::optional<SinkStage> stall;
};

/// What the host does after a line.
struct SinkStep {
  enum class Then {
    kRead,      // read the next line
    kStartTls,  // run the TLS handshake as a server, then read
    kClose,     // close the connection (after QUIT, or a fatal reply)
    kDrop,      // close at once (a fault)
    kStall,     // stop answering (a fault)
  };
  /// Written before `then` is acted on; CRLF-terminated; may be empty.
  std::string reply;
  Then then = Then::kRead;
  /// A message that just arrived, to keep before the reply is written.
  std::optional<ReceivedMessage> message;
  /// The command as logged (AUTH data as "***"); "" for data lines.
  std::string command;
};

/// One session. Not thread-safe: one per connection.
class SinkConversation {
 public:
  SinkConversation(SinkSettings settings, SmtpFaults faults);

  /// The greeting (or the greeting fault).
  SinkStep Open();
  /// One line from the client, with its line ending (CRLF or LF).
  SinkStep Receive(std::string_view line);
  /// The TLS handshake succeeded: the session starts over (RFC 3207 4.2),
  /// the client must say EHLO again.
  void TlsStarted();

 private:
  enum class State { kNeedHello, kReady, kMail, kData, kAuthResponse };

  SinkStep Command(std::string_view verb, std::string_view args,
                   std::string_view line);
  SinkStep Ehlo(std::string_view args);
  SinkStep Helo(std::string_view args);
  SinkStep StartTls(std::string_view args);
  SinkStep Auth(std::string_view args);
  SinkStep AuthResponse(std::string_view response);
  SinkStep Mail(std::string_view args);
  SinkStep Rcpt(std::string_view args);
  SinkStep Data(std::string_view args);
  SinkStep DataLine(std::string_view line);
  SinkStep EndOfData();
  bool Stalls(SinkStage stage) const;
  void ResetTransaction();

  const SinkSettings settings_;
  const SmtpFaults faults_;
  State state_ = State::kNeedHello;
  bool tls_ = false;
  std::string helo_;
  std::string authenticated_as_;
  ReceivedMessage message_;
  size_t data_size_ = 0;
  bool too_big_ = false;
};

/// "a@b.example" from "<a@b.example>" and the parameters after it, as in
/// "FROM:<a@b.example> BODY=8BITMIME" (`keyword` "FROM"); nullopt when
/// malformed.
struct PathArgument {
  std::string address;
  std::vector<std::string> parameters;
};
std::optional<PathArgument> ParsePathArgument(std::string_view args,
                                              std::string_view keyword);

}  // namespace bssflow::simulators::smtp

#endif  // BSSFLOW_SIMULATORS_SMTP_SINK_CONVERSATION_H_
