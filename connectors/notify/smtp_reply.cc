#include "connectors/notify/smtp_reply.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "dsl/json_value.h"

namespace bssflow::connectors::notify {
namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) words.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// `line` for a message: cut, with control bytes shown as '?'.
std::string Shown(std::string_view line) {
  constexpr size_t kShown = 80;
  std::string out;
  for (char c : line.substr(0, kShown))
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
  if (line.size() > kShown) out += "...";
  return out;
}

}  // namespace

std::string SmtpReply::Text() const {
  std::string text;
  for (const std::string& line : lines) {
    if (line.empty()) continue;
    if (!text.empty()) text += ' ';
    text += line;
  }
  return text;
}

std::string SmtpReply::ToString() const {
  std::string text = Text();
  return std::to_string(code) + (text.empty() ? "" : " " + text);
}

Status ReplyAssembler::Add(std::string_view line) {
  if (line.size() > kMaxLine) {
    return Status::Error("a reply line longer than " +
                         std::to_string(kMaxLine) + " bytes");
  }
  bool digits = line.size() >= 3 && line[0] >= '2' && line[0] <= '5' &&
                std::isdigit(static_cast<unsigned char>(line[1])) &&
                std::isdigit(static_cast<unsigned char>(line[2]));
  char separator = line.size() > 3 ? line[3] : ' ';
  if (!digits || (separator != ' ' && separator != '-'))
    return Status::Error("malformed reply \"" + Shown(line) + "\"");
  int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
  if (!reply_.lines.empty() && code != reply_.code) {
    return Status::Error("malformed reply: \"" + Shown(line) +
                         "\" continues a " + std::to_string(reply_.code) +
                         " reply");
  }
  if (reply_.lines.size() >= kMaxLines)
    return Status::Error("a reply of more than " + std::to_string(kMaxLines) +
                         " lines");
  reply_.code = code;
  reply_.lines.emplace_back(line.size() > 4 ? line.substr(4) : "");
  complete_ = separator == ' ';
  return Status::Ok();
}

SmtpReply ReplyAssembler::Take() {
  SmtpReply reply = std::move(reply_);
  reply_ = SmtpReply();
  complete_ = false;
  return reply;
}

bool Capabilities::HasAuth(std::string_view mechanism) const {
  return std::find(auth.begin(), auth.end(), mechanism) != auth.end();
}

Capabilities ParseCapabilities(const SmtpReply& ehlo) {
  Capabilities caps;
  for (size_t i = 1; i < ehlo.lines.size(); ++i) {
    std::vector<std::string> words = Words(ehlo.lines[i]);
    if (words.empty()) continue;
    std::string keyword = Upper(words[0]);
    caps.keywords.push_back(keyword);
    if (keyword == "STARTTLS") caps.starttls = true;
    if (keyword == "8BITMIME") caps.eight_bit_mime = true;
    if (keyword == "SIZE") caps.size = true;
    if (keyword == "AUTH") {
      for (size_t w = 1; w < words.size(); ++w)
        caps.auth.push_back(Upper(words[w]));
    }
  }
  return caps;
}

std::string AuthPlainCommand(std::string_view username,
                             std::string_view password) {
  std::string message;
  message += '\0';
  message += username;
  message += '\0';
  message += password;
  return "AUTH PLAIN " + dsl::Base64Encode(message);
}

std::string ErrorKindOfReply(SmtpStage stage, int code) {
  if (code >= 400 && code <= 499) return "retryable";
  switch (code) {
    case 530:  // authentication required
    case 534:  // mechanism too weak
    case 535:  // credentials invalid
    case 538:  // encryption required for the mechanism
      return "auth";
    case 550:  // mailbox unavailable
    case 553:  // mailbox name not allowed
      if (stage == SmtpStage::kRcptTo) return "invalid";
      return "fatal";
    default:
      return "fatal";
  }
}

engine::ActionError ErrorFromReply(SmtpStage stage, std::string_view what,
                                   const SmtpReply& reply) {
  return engine::ActionError{
      ErrorKindOfReply(stage, reply.code), std::to_string(reply.code),
      std::string(what) + ": " + reply.ToString(), std::nullopt};
}

}  // namespace bssflow::connectors::notify
