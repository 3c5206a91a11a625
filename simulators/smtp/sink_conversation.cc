#include "simulators/smtp/sink_conversation.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

#include "simulators/smtp/mime_decoding.h"

namespace bssflow::simulators::smtp {
namespace {

constexpr size_t kMaxRecipients = 100;

using Then = SinkStep::Then;

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view WithoutLineEnding(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

SinkStep Reply(std::string text, Then then = Then::kRead) {
  SinkStep step;
  step.reply = std::move(text) + "\r\n";
  step.then = then;
  return step;
}

SinkStep Stall() {
  SinkStep step;
  step.then = Then::kStall;
  return step;
}

// An address as the sink accepts it: something@something, no spaces.
bool IsMailbox(std::string_view address) {
  size_t at = address.rfind('@');
  return at != std::string_view::npos && at > 0 && at + 1 < address.size() &&
         address.find_first_of(" <>\t") == std::string_view::npos;
}

// The command as the sink's log shows it: AUTH's credentials as "***".
std::string LoggedCommand(std::string_view verb, std::string_view args,
                          std::string_view line) {
  if (verb != "AUTH") return std::string(line);
  std::string_view trimmed = Trimmed(args);
  size_t space = trimmed.find(' ');
  std::string logged = "AUTH " + Upper(trimmed.substr(0, space));
  return space == std::string_view::npos ? logged : logged + " ***";
}

}  // namespace

std::optional<PathArgument> ParsePathArgument(std::string_view args,
                                              std::string_view keyword) {
  if (args.size() <= keyword.size() ||
      Upper(args.substr(0, keyword.size())) != keyword ||
      args[keyword.size()] != ':')
    return std::nullopt;
  std::string_view rest = Trimmed(args.substr(keyword.size() + 1));
  if (rest.empty() || rest[0] != '<') return std::nullopt;
  size_t close = rest.find('>');
  if (close == std::string_view::npos) return std::nullopt;
  PathArgument path{std::string(rest.substr(1, close - 1)), {}};
  std::string_view parameters = rest.substr(close + 1);
  if (!parameters.empty() && parameters[0] != ' ') return std::nullopt;
  size_t start = 0;
  while (start < parameters.size()) {
    size_t end = parameters.find(' ', start);
    if (end == std::string_view::npos) end = parameters.size();
    if (end > start)
      path.parameters.emplace_back(parameters.substr(start, end - start));
    start = end + 1;
  }
  return path;
}

SinkConversation::SinkConversation(SinkSettings settings, SmtpFaults faults)
    : settings_(std::move(settings)), faults_(std::move(faults)) {}

bool SinkConversation::Stalls(SinkStage stage) const {
  return faults_.stall.has_value() && *faults_.stall == stage;
}

SinkStep SinkConversation::Open() {
  if (Stalls(SinkStage::kGreeting)) return Stall();
  if (faults_.greeting.has_value()) {
    return Reply(
        std::to_string(faults_.greeting->code) + " " + faults_.greeting->text,
        Then::kClose);
  }
  return Reply("220 " + settings_.hostname + " ESMTP bssflow SMTP sink");
}

void SinkConversation::TlsStarted() {
  tls_ = true;
  state_ = State::kNeedHello;
  helo_.clear();
  authenticated_as_.clear();
  ResetTransaction();
}

void SinkConversation::ResetTransaction() {
  message_ = ReceivedMessage();
  data_size_ = 0;
  too_big_ = false;
}

SinkStep SinkConversation::Receive(std::string_view raw) {
  if (state_ == State::kData) return DataLine(raw);
  std::string_view line = WithoutLineEnding(raw);
  if (state_ == State::kAuthResponse) {
    SinkStep step = AuthResponse(line);
    step.command = "(AUTH PLAIN response) ***";
    return step;
  }
  size_t space = line.find(' ');
  std::string verb = Upper(line.substr(0, space));
  std::string_view args =
      space == std::string_view::npos ? "" : line.substr(space + 1);
  SinkStep step = Command(verb, args, line);
  step.command = LoggedCommand(verb, args, line);
  return step;
}

SinkStep SinkConversation::Command(std::string_view verb, std::string_view args,
                                   std::string_view line) {
  if (verb == "EHLO") return Ehlo(args);
  if (verb == "HELO") return Helo(args);
  if (verb == "STARTTLS") return StartTls(args);
  if (verb == "AUTH") return Auth(args);
  if (verb == "MAIL") return Mail(args);
  if (verb == "RCPT") return Rcpt(args);
  if (verb == "DATA") return Data(args);
  if (verb == "RSET") {
    ResetTransaction();
    if (state_ == State::kMail) state_ = State::kReady;
    return Reply("250 2.0.0 Ok");
  }
  if (verb == "NOOP") return Reply("250 2.0.0 Ok");
  if (verb == "VRFY") return Reply("252 2.0.0 Cannot VRFY user");
  if (verb == "QUIT") return Reply("221 2.0.0 Bye", Then::kClose);
  if (line.empty()) return Reply("500 5.5.2 Error: bad syntax");
  return Reply("500 5.5.2 Error: command not recognized");
}

SinkStep SinkConversation::Ehlo(std::string_view args) {
  if (Trimmed(args).empty()) return Reply("501 5.5.4 Syntax: EHLO hostname");
  if (Stalls(SinkStage::kHello)) return Stall();
  helo_ = std::string(Trimmed(args));
  state_ = State::kReady;
  ResetTransaction();
  std::string reply = "250-" + settings_.hostname + " greets " + helo_ + "\r\n";
  if (settings_.eight_bit_mime) reply += "250-8BITMIME\r\n";
  reply += "250-SIZE " + std::to_string(settings_.max_message_size) + "\r\n";
  if (settings_.starttls && !tls_) reply += "250-STARTTLS\r\n";
  if (!settings_.username.empty()) reply += "250-AUTH PLAIN\r\n";
  reply += "250 ENHANCEDSTATUSCODES\r\n";
  SinkStep step;
  step.reply = std::move(reply);
  return step;
}

SinkStep SinkConversation::Helo(std::string_view args) {
  if (Trimmed(args).empty()) return Reply("501 5.5.4 Syntax: HELO hostname");
  if (Stalls(SinkStage::kHello)) return Stall();
  helo_ = std::string(Trimmed(args));
  state_ = State::kReady;
  ResetTransaction();
  return Reply("250 " + settings_.hostname);
}

SinkStep SinkConversation::StartTls(std::string_view args) {
  if (!settings_.starttls) return Reply("502 5.5.1 STARTTLS not available");
  if (tls_) return Reply("503 5.5.1 TLS already active");
  if (!args.empty()) return Reply("501 5.5.4 Syntax: STARTTLS");
  return Reply("220 2.0.0 Ready to start TLS", Then::kStartTls);
}

SinkStep SinkConversation::Auth(std::string_view args) {
  if (settings_.username.empty()) return Reply("502 5.5.1 AUTH not available");
  if (state_ == State::kNeedHello) return Reply("503 5.5.1 Send EHLO first");
  if (!authenticated_as_.empty())
    return Reply("503 5.5.1 Already authenticated");
  if (state_ != State::kReady)
    return Reply("503 5.5.1 Not during a transaction");
  std::string_view trimmed = Trimmed(args);
  size_t space = trimmed.find(' ');
  if (Upper(trimmed.substr(0, space)) != "PLAIN")
    return Reply("504 5.5.4 Unrecognized authentication type");
  if (space == std::string_view::npos) {
    state_ = State::kAuthResponse;
    return Reply("334 ");
  }
  return AuthResponse(Trimmed(trimmed.substr(space + 1)));
}

SinkStep SinkConversation::AuthResponse(std::string_view response) {
  state_ = State::kReady;
  if (response == "*") return Reply("501 5.7.0 Authentication cancelled");
  std::optional<std::string> decoded = DecodeBase64(response);
  if (!decoded.has_value())
    return Reply("501 5.5.2 Cannot decode the AUTH PLAIN response");
  // authzid NUL authcid NUL passwd (RFC 4616).
  size_t first = decoded->find('\0');
  size_t second =
      first == std::string::npos ? first : decoded->find('\0', first + 1);
  if (second == std::string::npos)
    return Reply("501 5.5.2 Malformed AUTH PLAIN response");
  std::string user = decoded->substr(first + 1, second - first - 1);
  std::string password = decoded->substr(second + 1);
  if (user != settings_.username || password != settings_.password)
    return Reply("535 5.7.8 Authentication credentials invalid");
  authenticated_as_ = user;
  return Reply("235 2.7.0 Authentication successful");
}

SinkStep SinkConversation::Mail(std::string_view args) {
  if (state_ == State::kNeedHello) return Reply("503 5.5.1 Send EHLO first");
  if (state_ == State::kMail) return Reply("503 5.5.1 Nested MAIL command");
  if (!settings_.username.empty() && authenticated_as_.empty())
    return Reply("530 5.7.0 Authentication required");
  std::optional<PathArgument> path = ParsePathArgument(args, "FROM");
  if (!path.has_value() ||
      (!path->address.empty() && !IsMailbox(path->address)))
    return Reply("501 5.5.4 Syntax: MAIL FROM:<address>");
  for (const std::string& parameter : path->parameters) {
    std::string upper = Upper(parameter);
    if (upper == "BODY=7BIT" ||
        (upper == "BODY=8BITMIME" && settings_.eight_bit_mime))
      continue;
    if (upper.rfind("SIZE=", 0) == 0) {
      size_t size = 0;
      auto [end, ec] =
          std::from_chars(upper.data() + 5, upper.data() + upper.size(), size);
      if (ec != std::errc() || end != upper.data() + upper.size())
        return Reply("501 5.5.4 Bad SIZE parameter");
      if (size > settings_.max_message_size)
        return Reply(
            "552 5.3.4 Message size exceeds fixed maximum message size");
      continue;
    }
    return Reply("555 5.5.4 Unsupported parameter " + parameter);
  }
  if (Stalls(SinkStage::kMailFrom)) return Stall();
  ResetTransaction();
  message_.helo = helo_;
  message_.mail_from = path->address;
  message_.mail_parameters = path->parameters;
  state_ = State::kMail;
  return Reply("250 2.1.0 Ok");
}

SinkStep SinkConversation::Rcpt(std::string_view args) {
  if (state_ != State::kMail) return Reply("503 5.5.1 Need MAIL command");
  std::optional<PathArgument> path = ParsePathArgument(args, "TO");
  if (!path.has_value() || !IsMailbox(path->address))
    return Reply("501 5.1.3 Bad recipient address syntax");
  if (!path->parameters.empty())
    return Reply("555 5.5.4 Unsupported parameter " + path->parameters[0]);
  if (Stalls(SinkStage::kRcptTo)) return Stall();
  auto fault = faults_.recipients.find(Lower(path->address));
  if (fault != faults_.recipients.end())
    return Reply(std::to_string(fault->second.code) + " " + fault->second.text);
  if (message_.recipients.size() >= kMaxRecipients)
    return Reply("452 4.5.3 Too many recipients");
  message_.recipients.push_back(path->address);
  return Reply("250 2.1.5 Ok");
}

SinkStep SinkConversation::Data(std::string_view args) {
  if (state_ != State::kMail) return Reply("503 5.5.1 Need MAIL command");
  if (message_.recipients.empty())
    return Reply("554 5.5.1 No valid recipients");
  if (!args.empty()) return Reply("501 5.5.4 Syntax: DATA");
  if (Stalls(SinkStage::kData)) return Stall();
  state_ = State::kData;
  return Reply("354 End data with <CR><LF>.<CR><LF>");
}

SinkStep SinkConversation::DataLine(std::string_view line) {
  if (WithoutLineEnding(line) == ".") return EndOfData();
  if (!line.empty() && line[0] == '.') line.remove_prefix(1);
  data_size_ += line.size();
  if (data_size_ > settings_.max_message_size) too_big_ = true;
  if (!too_big_) message_.data += line;
  return SinkStep();
}

SinkStep SinkConversation::EndOfData() {
  state_ = State::kReady;
  if (too_big_) {
    ResetTransaction();
    return Reply("552 5.3.4 Message too big");
  }
  ReceivedMessage message = std::move(message_);
  ResetTransaction();
  message.tls = tls_;
  message.authenticated_as = authenticated_as_;
  ParseData(message);
  bool drop = faults_.drop_after_data;
  bool stall = Stalls(SinkStage::kEndOfData);
  message.acknowledged = !drop && !stall;
  SinkStep step = drop    ? SinkStep()
                  : stall ? Stall()
                          : Reply("250 2.0.0 Ok: queued");
  if (drop) step.then = Then::kDrop;
  step.message = std::move(message);
  return step;
}

}  // namespace bssflow::simulators::smtp
