#include "simulators/smtp/mime_decoding.h"

#include <cctype>

namespace bssflow::simulators::smtp {
namespace {

int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 2047 "Q": '_' is a space, =XX a byte.
std::string DecodeQWord(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_') {
      out += ' ';
    } else if (text[i] == '=' && i + 2 < text.size() &&
               HexDigit(text[i + 1]) >= 0 && HexDigit(text[i + 2]) >= 0) {
      out +=
          static_cast<char>(HexDigit(text[i + 1]) * 16 + HexDigit(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The encoded-word at the start of `text` ("=?utf-8?B?...?="): its decoded
// bytes and length, or nullopt when there is none.
std::optional<std::pair<std::string, size_t>> EncodedWordAt(
    std::string_view text) {
  if (text.substr(0, 2) != "=?") return std::nullopt;
  size_t charset_end = text.find('?', 2);
  if (charset_end == std::string_view::npos || charset_end + 2 >= text.size() ||
      text[charset_end + 2] != '?')
    return std::nullopt;
  char encoding = static_cast<char>(
      std::toupper(static_cast<unsigned char>(text[charset_end + 1])));
  size_t start = charset_end + 3;
  size_t end = text.find("?=", start);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view payload = text.substr(start, end - start);
  if (encoding == 'Q') return std::pair{DecodeQWord(payload), end + 2};
  if (encoding != 'B') return std::nullopt;
  std::optional<std::string> bytes = DecodeBase64(payload);
  if (!bytes.has_value()) return std::nullopt;
  return std::pair{std::move(*bytes), end + 2};
}

std::string Unfolded(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\r' && i + 1 < value.size() && value[i + 1] == '\n') {
      ++i;
      continue;
    }
    if (value[i] == '\n') continue;
    out += value[i];
  }
  return out;
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < text.size(); i += 4) {
    int d[4];
    int padding = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      bool last_quad = i + 4 == text.size();
      if (c == '=' && last_quad && k >= 2) {
        d[k] = 0;
        ++padding;
        continue;
      }
      if (padding > 0) return std::nullopt;  // data after '='
      d[k] = Base64Digit(c);
      if (d[k] < 0) return std::nullopt;
    }
    unsigned triple = (d[0] << 18) | (d[1] << 12) | (d[2] << 6) | d[3];
    out += static_cast<char>((triple >> 16) & 0xFF);
    if (padding < 2) out += static_cast<char>((triple >> 8) & 0xFF);
    if (padding < 1) out += static_cast<char>(triple & 0xFF);
  }
  return out;
}

std::string DecodeQuotedPrintable(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
      continue;
    }
    std::string_view rest = text.substr(i + 1);
    if (rest.substr(0, 2) == "\r\n") {
      i += 2;
    } else if (rest.substr(0, 1) == "\n") {
      i += 1;
    } else if (rest.size() >= 2 && HexDigit(rest[0]) >= 0 &&
               HexDigit(rest[1]) >= 0) {
      out += static_cast<char>(HexDigit(rest[0]) * 16 + HexDigit(rest[1]));
      i += 2;
    } else {
      out += '=';
    }
  }
  return out;
}

std::string DecodeHeaderValue(std::string_view value) {
  std::string text = Unfolded(value);
  std::string out;
  std::string pending_space;  // whitespace after an encoded-word
  bool after_word = false;
  size_t i = 0;
  while (i < text.size()) {
    auto word = EncodedWordAt(std::string_view(text).substr(i));
    if (word.has_value()) {
      if (!after_word) out += pending_space;
      pending_space.clear();
      out += word->first;
      i += word->second;
      after_word = true;
      continue;
    }
    if (text[i] == ' ' || text[i] == '\t') {
      pending_space += text[i++];
      continue;
    }
    out += pending_space;
    pending_space.clear();
    out += text[i++];
    after_word = false;
  }
  return out + pending_space;
}

}  // namespace bssflow::simulators::smtp
