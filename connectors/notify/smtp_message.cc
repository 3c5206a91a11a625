#include "connectors/notify/smtp_message.h"

#include <time.h>

#include <algorithm>
#include <cstdio>

#include "dsl/json_value.h"

namespace bssflow::connectors::notify {
namespace {

constexpr std::string_view kCrlf = "\r\n";
// RFC 5322 2.1.1: lines SHOULD stay within 78 characters, MUST within 998.
constexpr size_t kFoldAt = 78;
constexpr size_t kMaxLine = 998;
// RFC 2045 6.7: encoded lines are at most 76 characters.
constexpr size_t kQpLine = 76;
// Bytes of subject per encoded-word: 30 bytes are 40 base64 characters, so
// "Subject: =?UTF-8?B?...?=" stays within RFC 2047's 76 per line.
constexpr size_t kEncodedWordBytes = 30;
// An ASCII word longer than this is encoded, so that no line nears 998.
constexpr size_t kLongestPlainWord = 900;

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

bool IsPlainSubject(std::string_view subject) {
  if (subject.find("=?") != std::string_view::npos) return false;
  size_t word = 0;
  for (char c : subject) {
    if (c < 0x20 || c > 0x7E) return false;
    word = c == ' ' ? 0 : word + 1;
    if (word > kLongestPlainWord) return false;
  }
  return true;
}

// `value` of header `name` folded before the spaces that precede words, so
// that lines stay near kFoldAt; unfolding gives `value` back exactly.
std::string FoldAtSpaces(std::string_view name, std::string_view value) {
  std::string out;
  size_t column = name.size() + 2;  // "Name: "
  size_t start = 0;
  while (start < value.size()) {
    // The next segment: up to the next space that precedes a word.
    size_t end = start + 1;
    while (
        end < value.size() &&
        !(value[end] == ' ' && end + 1 < value.size() && value[end + 1] != ' '))
      ++end;
    std::string_view segment = value.substr(start, end - start);
    if (start > 0 && column + segment.size() > kFoldAt) {
      out += kCrlf;
      column = 0;
    }
    out += segment;
    column += segment.size();
    start = end;
  }
  return out;
}

std::string EncodedWords(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    size_t take = std::min(kEncodedWordBytes, text.size());
    while (take < text.size() && take > 0 && IsContinuationByte(text[take]))
      --take;
    if (take == 0) take = std::min(kEncodedWordBytes, text.size());
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + dsl::Base64Encode(text.substr(0, take)) + "?=";
    text.remove_prefix(take);
  }
  return out;
}

// "To: a@b.example, c@d.example" folded after commas near kFoldAt.
std::string AddressHeader(std::string_view name,
                          const std::vector<std::string>& addresses) {
  std::string out = std::string(name) + ":";
  size_t column = out.size();
  for (size_t i = 0; i < addresses.size(); ++i) {
    const std::string& address = addresses[i];
    if (i > 0) {
      out += ",";
      ++column;
      if (column + 1 + address.size() > kFoldAt) {
        out += kCrlf;
        column = 0;
      }
    }
    out += " " + address;
    column += 1 + address.size();
  }
  return out + std::string(kCrlf);
}

void AppendQuotedPrintableLine(std::string_view line, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  size_t column = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(line[i]);
    bool last = i + 1 == line.size();
    char token[3] = {static_cast<char>(c), 0, 0};
    size_t length = 1;
    bool literal =
        (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
    if (!literal) {
      token[0] = '=';
      token[1] = kHex[c >> 4];
      token[2] = kHex[c & 15];
      length = 3;
    }
    // A soft break ("=") takes a column, except after the line's last token.
    if (column + length > (last ? kQpLine : kQpLine - 1)) {
      out += "=\r\n";
      column = 0;
    }
    out.append(token, length);
    column += length;
  }
}

std::string EncodedBody(std::string_view body, BodyEncoding encoding) {
  std::string text = NormalizeLineEndings(body);
  if (encoding == BodyEncoding::kQuotedPrintable) text = QuotedPrintable(text);
  if (text.size() < 2 || text.compare(text.size() - 2, 2, kCrlf) != 0)
    text += kCrlf;
  return text;
}

}  // namespace

std::string MessageIdOf(std::string_view idempotency_key) {
  return "<" + std::string(idempotency_key) + "@bssflow>";
}

bool HasNonAscii(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x7F;
  });
}

std::string NormalizeLineEndings(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += kCrlf;
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += kCrlf;
    } else {
      out += c;
    }
  }
  return out;
}

BodyEncoding ChooseBodyEncoding(std::string_view body, bool server_8bitmime) {
  if (HasNonAscii(body) && !server_8bitmime)
    return BodyEncoding::kQuotedPrintable;
  if (body.find('\0') != std::string_view::npos)
    return BodyEncoding::kQuotedPrintable;
  size_t line = 0;
  for (char c : body) {
    line = (c == '\r' || c == '\n') ? 0 : line + 1;
    if (line > kMaxLine) return BodyEncoding::kQuotedPrintable;
  }
  return BodyEncoding::k8Bit;
}

std::string QuotedPrintable(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(kCrlf, start);
    bool hard_break = end != std::string_view::npos;
    AppendQuotedPrintableLine(
        text.substr(start, hard_break ? end - start : std::string_view::npos),
        out);
    if (!hard_break) break;
    out += kCrlf;
    start = end + kCrlf.size();
  }
  return out;
}

std::string EncodeSubject(std::string_view subject) {
  if (IsPlainSubject(subject)) return FoldAtSpaces("Subject", subject);
  return EncodedWords(subject);
}

std::string FormatDate(std::chrono::system_clock::time_point time) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                          "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  time_t seconds = std::chrono::system_clock::to_time_t(time);
  struct tm utc {};
  gmtime_r(&seconds, &utc);
  char text[40];
  snprintf(text, sizeof(text), "%s, %02d %s %04d %02d:%02d:%02d +0000",
           kDays[utc.tm_wday], utc.tm_mday, kMonths[utc.tm_mon],
           utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
  return text;
}

std::string FormatMessage(const MailMessage& message, BodyEncoding encoding,
                          std::chrono::system_clock::time_point date) {
  std::string out = "From: " + message.from + std::string(kCrlf);
  out += AddressHeader("To", message.to);
  if (!message.cc.empty()) out += AddressHeader("Cc", message.cc);
  out += "Subject: " + EncodeSubject(message.subject) + std::string(kCrlf);
  out += "Date: " + FormatDate(date) + std::string(kCrlf);
  out += "Message-ID: " + message.message_id + std::string(kCrlf);
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += encoding == BodyEncoding::k8Bit
             ? "Content-Transfer-Encoding: 8bit\r\n"
             : "Content-Transfer-Encoding: quoted-printable\r\n";
  out += kCrlf;
  out += EncodedBody(message.body, encoding);
  return out;
}

std::string DataSection(std::string_view message) {
  std::string out;
  out.reserve(message.size() + 16);
  bool line_start = true;
  for (size_t i = 0; i < message.size(); ++i) {
    if (line_start && message[i] == '.') out += '.';
    out += message[i];
    line_start = message[i] == '\n' && i > 0 && message[i - 1] == '\r';
  }
  if (!message.empty() &&
      !(message.size() >= 2 && message.substr(message.size() - 2) == kCrlf))
    out += kCrlf;
  out += ".\r\n";
  return out;
}

}  // namespace bssflow::connectors::notify
