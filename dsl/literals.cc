#include "dsl/literals.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace bssflow::dsl {

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads `count` hex digits at body[pos]; -1 when they are not all there.
int64_t ReadHex(std::string_view body, size_t pos, size_t count) {
  if (pos + count > body.size()) return -1;
  int64_t value = 0;
  for (size_t i = 0; i < count; ++i) {
    int digit = HexValue(body[pos + i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

char SimpleEscape(char c) {
  switch (c) {
    case 'a':
      return '\a';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'v':
      return '\v';
    case '\\':
    case '?':
    case '"':
    case '\'':
    case '`':
      return c;
    default:
      return 0;
  }
}

struct Decoder {
  std::string_view body;
  bool bytes;
  size_t body_offset;  // where body starts in the token
  std::string out;
  LiteralResult failure;

  bool Fail(size_t at, std::string message) {
    failure.ok = false;
    failure.error_offset = static_cast<int32_t>(body_offset + at);
    failure.error = std::move(message);
    return false;
  }

  // A \x or octal escape: a byte in bytes literals, a code point in strings.
  void AppendSmall(uint32_t value) {
    if (bytes) {
      out.push_back(static_cast<char>(value));
    } else {
      AppendUtf8(out, value);
    }
  }

  // Decodes the escape at body[i] == '\\'; advances i past it.
  bool Escape(size_t& i) {
    char c = i + 1 < body.size() ? body[i + 1] : '\0';
    if (char simple = SimpleEscape(c)) {
      out.push_back(simple);
      i += 2;
      return true;
    }
    if (c == 'x' || c == 'X') {
      int64_t v = ReadHex(body, i + 2, 2);
      if (v < 0) return Fail(i, "\\x must be followed by two hex digits");
      AppendSmall(static_cast<uint32_t>(v));
      i += 4;
      return true;
    }
    if (c >= '0' && c <= '3') {
      uint32_t v = 0;
      for (size_t k = 1; k <= 3; ++k) {
        char d = i + k < body.size() ? body[i + k] : '\0';
        if (d < '0' || d > '7') {
          return Fail(i, "an octal escape needs three digits, as in \\101");
        }
        v = v * 8 + static_cast<uint32_t>(d - '0');
      }
      AppendSmall(v);
      i += 4;
      return true;
    }
    if (c == 'u' || c == 'U') return Unicode(i, c == 'u' ? 4 : 8);
    std::string shown = c == '\0' ? "\\" : std::string("\\") + c;
    return Fail(i, "invalid escape sequence '" + shown + "'");
  }

  bool Unicode(size_t& i, size_t digits) {
    if (bytes) return Fail(i, "\\u and \\U escapes are not allowed in bytes");
    int64_t cp = ReadHex(body, i + 2, digits);
    if (cp < 0) {
      return Fail(i, "\\" + std::string(1, body[i + 1]) +
                         " must be followed by " + std::to_string(digits) +
                         " hex digits");
    }
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return Fail(i, "escape names an invalid code point");
    }
    AppendUtf8(out, static_cast<uint32_t>(cp));
    i += 2 + digits;
    return true;
  }

  bool Run() {
    for (size_t i = 0; i < body.size();) {
      if (body[i] == '\\') {
        if (!Escape(i)) return false;
      } else {
        out.push_back(body[i++]);
      }
    }
    return true;
  }
};

}  // namespace

LiteralResult DecodeStringLiteral(std::string_view text) {
  bool raw = false, bytes = false;
  size_t pos = 0;
  while (pos < text.size() && text[pos] != '"' && text[pos] != '\'') {
    char c = text[pos++];
    if (c == 'r' || c == 'R') raw = true;
    if (c == 'b' || c == 'B') bytes = true;
  }
  char quote = text[pos];
  bool triple = text.size() - pos >= 6 && text[pos + 1] == quote &&
                text[pos + 2] == quote;
  size_t quote_len = triple ? 3 : 1;
  size_t body_begin = pos + quote_len;
  std::string_view body =
      text.substr(body_begin, text.size() - body_begin - quote_len);
  LiteralResult result;
  if (raw) {
    std::string copy(body);
    result.value =
        bytes ? Value::Bytes(std::move(copy)) : Value::String(std::move(copy));
    return result;
  }
  Decoder decoder{body, bytes, body_begin, {}, {}};
  if (!decoder.Run()) return decoder.failure;
  result.value = bytes ? Value::Bytes(std::move(decoder.out))
                       : Value::String(std::move(decoder.out));
  return result;
}

bool DecodeUnsigned(std::string_view digits, uint64_t& magnitude) {
  bool hex = digits.size() > 2 && digits[0] == '0' &&
             (digits[1] == 'x' || digits[1] == 'X');
  uint64_t base = hex ? 16 : 10;
  magnitude = 0;
  for (char c : hex ? digits.substr(2) : digits) {
    auto digit = static_cast<uint64_t>(HexValue(c));
    if (magnitude > (UINT64_MAX - digit) / base) return false;
    magnitude = magnitude * base + digit;
  }
  return true;
}

bool DecodeDouble(std::string_view text, double& value) {
  std::string copy(text);
  errno = 0;
  char* end = nullptr;
  value = std::strtod(copy.c_str(), &end);
  // Underflow to zero or a subnormal is fine; overflow to infinity is not.
  return !(errno == ERANGE && std::isinf(value));
}

}  // namespace bssflow::dsl
