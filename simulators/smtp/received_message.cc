#include "simulators/smtp/received_message.h"

#include <strings.h>

#include "simulators/smtp/mime_decoding.h"

namespace bssflow::simulators::smtp {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

// The line at `pos` without its ending, and where the next one starts.
std::pair<std::string_view, size_t> LineAt(std::string_view text, size_t pos) {
  size_t end = text.find('\n', pos);
  if (end == std::string_view::npos) return {text.substr(pos), text.size()};
  size_t content_end = end > pos && text[end - 1] == '\r' ? end - 1 : end;
  return {text.substr(pos, content_end - pos), end + 1};
}

}  // namespace

std::optional<std::string> ReceivedMessage::Header(
    std::string_view name) const {
  for (const auto& [field, value] : headers) {
    if (SameName(field, name)) return value;
  }
  return std::nullopt;
}

std::string ReceivedMessage::DecodedHeader(std::string_view name) const {
  std::optional<std::string> value = Header(name);
  return value.has_value() ? DecodeHeaderValue(*value) : "";
}

std::string ReceivedMessage::DecodedBody() const {
  std::string encoding = Header("Content-Transfer-Encoding").value_or("");
  if (SameName(encoding, "quoted-printable"))
    return DecodeQuotedPrintable(body);
  if (SameName(encoding, "base64")) {
    std::string compact;
    for (char c : body) {
      if (c != '\r' && c != '\n') compact += c;
    }
    return DecodeBase64(compact).value_or("");
  }
  return body;
}

void ParseData(ReceivedMessage& message) {
  std::string_view data = message.data;
  message.headers.clear();
  size_t pos = 0;
  while (pos < data.size()) {
    auto [line, next] = LineAt(data, pos);
    pos = next;
    if (line.empty()) break;
    bool continuation = line[0] == ' ' || line[0] == '\t';
    if (continuation && !message.headers.empty()) {
      message.headers.back().second += std::string(line);
      continue;
    }
    size_t colon = line.find(':');
    std::string_view name = line.substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? "" : line.substr(colon + 1);
    while (!value.empty() && (value[0] == ' ' || value[0] == '\t'))
      value.remove_prefix(1);
    message.headers.emplace_back(std::string(name), std::string(value));
  }
  message.body = std::string(data.substr(pos));
}

}  // namespace bssflow::simulators::smtp
