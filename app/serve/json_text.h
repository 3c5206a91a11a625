// JSON text built by hand, for the lines logged per request and per run
// event: cheaper than building a JSON object to print it once.
#ifndef BSSFLOW_APP_SERVE_JSON_TEXT_H_
#define BSSFLOW_APP_SERVE_JSON_TEXT_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace bssflow::serve {

/// The length of the valid UTF-8 sequence at `text[i]`, or 0 when the
/// bytes there are not one.
inline size_t Utf8Length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) {
    return static_cast<unsigned char>(text[k]);
  };
  const unsigned char lead = byte(i);
  size_t length = lead < 0xC2 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3
                : lead < 0xF5 ? 4 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  // Overlong forms, surrogates and code points above U+10FFFF.
  if (lead == 0xE0 && byte(i + 1) < 0xA0) return 0;
  if (lead == 0xED && byte(i + 1) >= 0xA0) return 0;
  if (lead == 0xF0 && byte(i + 1) < 0x90) return 0;
  if (lead == 0xF4 && byte(i + 1) >= 0x90) return 0;
  return length;
}

/// Appends `text` as a JSON string, quotes included. Control characters
/// are escaped, and bytes that are not UTF-8 become U+FFFD, so that a line
/// stays valid JSON whatever a client sent.
inline void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x",
                    static_cast<unsigned>(byte));
      out += escaped;
    } else if (byte < 0x80) {
      out.push_back(c);
    } else if (size_t length = Utf8Length(text, i); length > 0) {
      out.append(text.substr(i, length));
      i += length - 1;
    } else {
      out += "\\ufffd";
    }
  }
  out.push_back('"');
}

/// Appends `"name":"text"`, after a comma unless `out` is empty.
inline void AppendMember(std::string& out, const char* name,
                         std::string_view text) {
  if (!out.empty()) out.push_back(',');
  out.push_back('"');
  out += name;
  out += "\":";
  AppendJsonString(out, text);
}

/// Appends `"name":number`, after a comma unless `out` is empty.
inline void AppendMember(std::string& out, const char* name, int64_t number) {
  if (!out.empty()) out.push_back(',');
  out.push_back('"');
  out += name;
  out += "\":";
  out += std::to_string(number);
}

}  // namespace bssflow::serve

#endif  // BSSFLOW_APP_SERVE_JSON_TEXT_H_
