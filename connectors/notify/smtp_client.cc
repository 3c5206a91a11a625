#include "connectors/notify/smtp_client.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "connectors/notify/addresses.h"
#include "connectors/notify/smtp_reply.h"
#include "connectors/notify/smtp_stream.h"
#include "net/url.h"

namespace bssflow::connectors::notify {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using boost::system::error_code;
using engine::ActionError;

/// One command and the reply that means success.
struct Command {
  SmtpStage stage;
  /// Sent with CRLF; empty: nothing is sent, a reply is only read (the
  /// greeting, the reply to the message).
  std::string line;
  /// What is being done, in messages and (when `secret`) the log.
  std::string label;
  int expected = 250;
  /// Another success code (251 "will forward" to RCPT), or 0.
  int also_expected = 0;
  /// The line holds a credential: the log shows "<label> ***".
  bool secret = false;
};

/// What was under way when the connection failed.
enum class Doing { kConnecting, kSending, kReading, kHandshake };

/// A step that failed, and whether the session may still say QUIT.
struct Failure {
  ActionError error;
  bool can_quit = false;
};
using Step = std::optional<Failure>;

Failure Fail(std::string kind, std::string message, bool can_quit) {
  return Failure{
      ActionError{std::move(kind), "", std::move(message), std::nullopt},
      can_quit};
}

bool IsConnectionLoss(const error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted ||
         ec == asio::ssl::error::stream_truncated;
}

std::string Joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& word : words) out += (out.empty() ? "" : " ") + word;
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// To, then cc, each address once (compared ignoring case).
std::vector<std::string> Recipients(const MailMessage& message) {
  std::vector<std::string> all, seen;
  for (const auto* list : {&message.to, &message.cc}) {
    for (const std::string& address : *list) {
      std::string key = Lower(address);
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(std::move(key));
      all.push_back(address);
    }
  }
  return all;
}

/// One SMTP session: the dialogue of the file comment in smtp_client.h.
class Session {
 public:
  Session(asio::any_io_executor executor, const SmtpConfig& config,
          asio::ssl::context& tls, const NotifyEnvironment& env)
      : config_(config),
        tls_(tls),
        env_(env),
        server_(config.host + ":" + std::to_string(config.port)),
        stream_(std::move(executor),
                std::chrono::steady_clock::now() + config.timeout) {
    if (!config.username.empty())
      auth_command_ = AuthPlainCommand(config.username, config.password);
  }

  asio::awaitable<std::optional<ActionError>> Run(const MailMessage& message) {
    Step failure = co_await Deliver(message);
    if (!failure.has_value() || failure->can_quit) co_await Quit();
    stream_.Close();
    if (failure.has_value()) co_return std::move(failure->error);
    co_return std::nullopt;
  }

 private:
  asio::awaitable<Step> Deliver(const MailMessage& message) {
    Step failure = co_await Open();
    if (failure.has_value()) co_return failure;
    failure = co_await Hello();
    if (failure.has_value()) co_return failure;
    if (config_.starttls) {
      failure = co_await SecureWithStartTls();
      if (failure.has_value()) co_return failure;
    }
    if (!config_.username.empty()) {
      failure = co_await Authenticate();
      if (failure.has_value()) co_return failure;
    }
    failure = co_await Transfer(message);
    co_return failure;
  }

  asio::awaitable<Step> Open() {
    Log("*", "connecting");
    error_code ec = co_await stream_.Connect(config_.host, config_.port);
    if (ec)
      co_return TransportFailure("connecting to " + server_, ec,
                                 Doing::kConnecting);
    const Command greeting{SmtpStage::kGreeting, "", "greeting", 220};
    SmtpReply reply;
    Step failure = co_await Exchange(greeting, reply);
    co_return failure;
  }

  // EHLO; HELO when the server does not know EHLO and nothing needs it.
  asio::awaitable<Step> Hello() {
    const std::string name =
        config_.helo_name.empty() ? "localhost" : config_.helo_name;
    const Command ehlo{SmtpStage::kHello, "EHLO " + name, "EHLO " + name};
    SmtpReply reply;
    Step failure = co_await Exchange(ehlo, reply);
    if (!failure.has_value()) {
      caps_ = ParseCapabilities(reply);
      co_return std::nullopt;
    }
    bool unknown = failure->error.code == "500" || failure->error.code == "502";
    if (!unknown || config_.starttls || !config_.username.empty())
      co_return failure;
    caps_ = Capabilities();
    const Command helo{SmtpStage::kHello, "HELO " + name, "HELO " + name};
    failure = co_await Exchange(helo, reply);
    co_return failure;
  }

  asio::awaitable<Step> SecureWithStartTls() {
    if (!caps_.starttls) {
      co_return Fail("fatal",
                     "STARTTLS: the server does not offer STARTTLS (its EHLO "
                     "reply lists: " +
                         Joined(caps_.keywords) +
                         "), and smtp.starttls requires it",
                     true);
    }
    const Command starttls{SmtpStage::kStartTls, "STARTTLS", "STARTTLS", 220};
    SmtpReply reply;
    Step failure = co_await Exchange(starttls, reply);
    if (failure.has_value()) co_return failure;
    // Bytes that arrived in the clear must not pass for protected ones.
    if (stream_.HasBufferedInput()) {
      co_return Fail("fatal",
                     "STARTTLS: the server sent data before the TLS handshake",
                     false);
    }
    error_code ec = co_await stream_.StartTls(tls_, config_.host);
    if (ec) co_return HandshakeFailure(ec);
    Log("*", "TLS established (" + stream_.TlsVersion() + ")");
    // The capabilities may differ under TLS (AUTH often appears only now).
    failure = co_await Hello();
    co_return failure;
  }

  Failure HandshakeFailure(const error_code& ec) const {
    std::string problem = stream_.CertificateProblem();
    if (!problem.empty()) {
      return Fail("fatal",
                  "STARTTLS: TLS certificate verification failed for " +
                      config_.host + ": " + problem +
                      (stream_.CertificateNameMismatch()
                           ? " (the certificate does not name this host)"
                           : " (to trust a private CA, name its PEM file in "
                             "smtp.ca_file)"),
                  false);
    }
    if (ec == beast::error::timeout || IsConnectionLoss(ec))
      return TransportFailure("STARTTLS", ec, Doing::kHandshake);
    return Fail("fatal", "STARTTLS: the TLS handshake failed: " + ec.message(),
                false);
  }

  asio::awaitable<Step> Authenticate() {
    if (!caps_.HasAuth("PLAIN")) {
      co_return Fail(
          "auth",
          "AUTH PLAIN: the server does not offer AUTH PLAIN (" +
              (caps_.auth.empty() ? std::string("it offers no AUTH")
                                  : "it offers " + Joined(caps_.auth)) +
              ")",
          true);
    }
    const Command auth{
        SmtpStage::kAuth, auth_command_, "AUTH PLAIN", 235, 0, true};
    SmtpReply reply;
    Step failure = co_await Exchange(auth, reply);
    co_return failure;
  }

  asio::awaitable<Step> Transfer(const MailMessage& message) {
    BodyEncoding encoding =
        ChooseBodyEncoding(message.body, caps_.eight_bit_mime);
    std::string text = FormatMessage(message, encoding, Now());
    std::string mail = "MAIL FROM:<" + message.from + ">";
    std::string parameters;
    if (encoding == BodyEncoding::k8Bit && HasNonAscii(message.body))
      parameters += " BODY=8BITMIME";
    if (caps_.size) parameters += " SIZE=" + std::to_string(text.size());
    const Command mail_from{SmtpStage::kMailFrom, mail + parameters, mail};
    SmtpReply reply;
    Step failure = co_await Exchange(mail_from, reply);
    if (failure.has_value()) co_return failure;
    for (const std::string& recipient : Recipients(message)) {
      const std::string rcpt = "RCPT TO:<" + recipient + ">";
      const Command rcpt_to{SmtpStage::kRcptTo, rcpt, rcpt, 250, 251};
      failure = co_await Exchange(rcpt_to, reply);
      if (failure.has_value()) co_return failure;
    }
    const Command data{SmtpStage::kData, "DATA", "DATA", 354};
    failure = co_await Exchange(data, reply);
    if (failure.has_value()) co_return failure;
    const std::string section = DataSection(text);
    Log(">", "(the message, " + std::to_string(section.size()) +
                 " bytes, not logged)");
    error_code ec = co_await stream_.Write(section);
    if (ec) co_return TransportFailure("message data", ec, Doing::kSending);
    const Command end{SmtpStage::kMessage, "", "message data"};
    failure = co_await Exchange(end, reply);
    co_return failure;
  }

  asio::awaitable<void> Quit() {
    const Command quit{SmtpStage::kQuit, "QUIT", "QUIT", 221};
    SmtpReply reply;
    // A refused or lost QUIT changes nothing: the outcome is decided.
    Step ignored = co_await Exchange(quit, reply);
    (void)ignored;
  }

  // Sends `command` (unless its line is empty), reads the reply, and checks
  // its code.
  asio::awaitable<Step> Exchange(const Command& command, SmtpReply& reply) {
    if (!command.line.empty()) {
      Log(">", command.secret ? command.label + " ***" : command.line);
      const std::string line = command.line + "\r\n";
      error_code ec = co_await stream_.Write(line);
      if (ec) co_return TransportFailure(command.label, ec, Doing::kSending);
    }
    Step failure = co_await ReadReply(command.label, reply);
    if (failure.has_value()) co_return failure;
    if (reply.code == command.expected ||
        (command.also_expected != 0 && reply.code == command.also_expected))
      co_return std::nullopt;
    // 421: the server is closing the connection; QUIT would go nowhere.
    co_return Failure{ErrorFromReply(command.stage, command.label, reply),
                      reply.code != 421};
  }

  asio::awaitable<Step> ReadReply(const std::string& label, SmtpReply& reply) {
    ReplyAssembler assembler;
    while (true) {
      std::string line;
      error_code ec = co_await stream_.ReadLine(line, ReplyAssembler::kMaxLine);
      if (ec) co_return TransportFailure(label, ec, Doing::kReading);
      Status added = assembler.Add(Scrubbed(line));
      if (!added.ok())
        co_return Fail("fatal", label + ": " + added.message(), false);
      if (assembler.complete()) break;
    }
    reply = assembler.Take();
    Log("<", reply.ToString());
    co_return std::nullopt;
  }

  // A failure without a reply.
  Failure TransportFailure(const std::string& label, const error_code& ec,
                           Doing doing) const {
    if (ec == beast::error::timeout) {
      return Fail("timeout",
                  label + ": timed out: the session took longer than " +
                      std::to_string(config_.timeout.count()) +
                      " ms (smtp.timeout)",
                  false);
    }
    if (ec == asio::error::message_size) {
      return Fail("fatal",
                  label + ": the server sent a line longer than " +
                      std::to_string(ReplyAssembler::kMaxLine) + " bytes",
                  false);
    }
    if (IsConnectionLoss(ec) && doing != Doing::kConnecting) {
      return Fail("retryable",
                  label + ": the server closed the connection" +
                      (doing == Doing::kReading ? " without replying" : ""),
                  false);
    }
    return Fail("retryable", label + ": " + Describe(doing) + ec.message(),
                false);
  }

  static std::string Describe(Doing doing) {
    switch (doing) {
      case Doing::kConnecting:
        return "";
      case Doing::kSending:
        return "sending failed: ";
      case Doing::kReading:
        return "reading the reply failed: ";
      case Doing::kHandshake:
        return "the TLS handshake failed: ";
    }
    return "";
  }

  // A server might echo the AUTH PLAIN data in a refusal; it never reaches
  // a message or the log.
  std::string Scrubbed(std::string line) const {
    constexpr std::string_view kPrefix = "AUTH PLAIN ";
    if (auth_command_.empty()) return line;
    std::string_view secret =
        std::string_view(auth_command_).substr(kPrefix.size());
    for (size_t at = line.find(secret); at != std::string::npos;
         at = line.find(secret, at))
      line.replace(at, secret.size(), "***");
    return line;
  }

  void Log(std::string_view direction, const std::string& text) const {
    if (env_.log)
      env_.log("smtp " + server_ + " " + std::string(direction) + " " + text);
  }

  std::chrono::system_clock::time_point Now() const {
    return env_.now ? env_.now() : std::chrono::system_clock::now();
  }

  const SmtpConfig& config_;
  asio::ssl::context& tls_;
  const NotifyEnvironment& env_;
  const std::string server_;
  std::string auth_command_;
  SmtpStream stream_;
  Capabilities caps_;
};

bool IsHostNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ||
         c == '[' || c == ']' || c == ':';
}

}  // namespace

Status CheckSmtpConfig(const SmtpConfig& config) {
  if (config.host.empty())
    return Status::Error("notify: smtp.host is required");
  if (config.port == 0) return Status::Error("notify: smtp.port must not be 0");
  if (config.from.empty())
    return Status::Error("notify: smtp.from is required");
  if (!LooksLikeAddress(config.from)) {
    return Status::Error("notify: smtp.from \"" + config.from +
                         "\" is not an email address");
  }
  if (!std::all_of(config.helo_name.begin(), config.helo_name.end(),
                   IsHostNameChar)) {
    return Status::Error("notify: smtp.helo_name \"" + config.helo_name +
                         "\" is not a host name");
  }
  if (!config.username.empty() && config.password.empty())
    return Status::Error(
        "notify: smtp.password is required with smtp.username");
  if (config.username.empty() && !config.password.empty())
    return Status::Error(
        "notify: smtp.username is required with smtp.password");
  if (config.timeout.count() <= 0) {
    return Status::Error("notify: smtp.timeout must be positive, got " +
                         std::to_string(config.timeout.count()) + " ms");
  }
  if (!config.starttls && !net::IsLoopbackHost(config.host)) {
    return Status::Error("notify: refusing plain SMTP to \"" + config.host +
                         "\": only loopback hosts may be reached without "
                         "STARTTLS; set smtp.starttls");
  }
  return Status::Ok();
}

SmtpClient::SmtpClient(asio::any_io_executor executor, SmtpConfig config,
                       NotifyEnvironment env)
    : executor_(std::move(executor)),
      config_(std::move(config)),
      env_(std::move(env)),
      tls_(asio::ssl::context::tls_client) {}

Result<std::unique_ptr<SmtpClient>> SmtpClient::Create(
    asio::any_io_executor executor, SmtpConfig config, NotifyEnvironment env) {
  Status valid = CheckSmtpConfig(config);
  if (!valid.ok()) return valid;
  std::unique_ptr<SmtpClient> client(
      new SmtpClient(std::move(executor), std::move(config), std::move(env)));
  Status trust = client->LoadTrust();
  if (!trust.ok()) return trust;
  return client;
}

Status SmtpClient::LoadTrust() {
  SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_2_VERSION);
  tls_.set_verify_mode(asio::ssl::verify_peer);
  error_code ec;
  tls_.set_default_verify_paths(ec);
  if (ec) {
    return Status::Error(
        "notify: cannot load the system's trusted CA certificates: " +
        ec.message());
  }
  if (!config_.ca_file.empty() && tls_.load_verify_file(config_.ca_file, ec)) {
    return Status::Error("notify: cannot load the CA file \"" +
                         config_.ca_file + "\" (smtp.ca_file): " +
                         ec.message() + "; it must hold PEM certificates");
  }
  return Status::Ok();
}

asio::awaitable<std::optional<ActionError>> SmtpClient::Send(
    const MailMessage& message) {
  Session session(executor_, config_, tls_, env_);
  std::optional<ActionError> error = co_await session.Run(message);
  co_return error;
}

}  // namespace bssflow::connectors::notify
