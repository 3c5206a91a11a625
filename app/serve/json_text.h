// JSON text built by hand, for the lines logged per request and per run
// event: cheaper than building a JSON object to print it once.
#ifndef BSSFLOW_APP_SERVE_JSON_TEXT_H_
#define BSSFLOW_APP_SERVE_JSON_TEXT_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace bssflow::serve {

/// Appends `text` as a JSON string, quotes included. Control characters
/// are escaped; other bytes are copied as they are.
inline void AppendJsonString(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x",
                    static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += escaped;
    } else {
      out.push_back(c);
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
