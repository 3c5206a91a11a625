#include "net/redact.h"

#include <algorithm>
#include <cctype>

namespace bssflow::net {

namespace {

char LowerChar(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), LowerChar);
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = LowerChar(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Form decoding of a field name: "+" is a space, "%XX" a byte; a broken
// escape stays as written.
std::string FormDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() &&
               HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out +=
          static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool IsAuthorizationHeader(std::string_view name) {
  std::string lower = Lower(name);
  return lower == "authorization" || lower == "proxy-authorization";
}

std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back())))
    type.remove_suffix(1);
  while (!type.empty() &&
         std::isspace(static_cast<unsigned char>(type.front())))
    type.remove_prefix(1);
  return Lower(type);
}

bool IsJsonType(std::string_view type) {
  return type == "application/json" || type.ends_with("+json");
}

bool IsShownText(std::string_view type) {
  return type.starts_with("text/") || type == "application/xml" ||
         type.ends_with("+xml");
}

std::string RedactJsonBody(const Redaction& redaction, std::string_view body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded()) {
    return "(" + std::to_string(body.size()) +
           " bytes of invalid JSON, not shown)";
  }
  return RedactJson(redaction, std::move(json))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a,
                                     std::string_view b) const {
  return std::lexicographical_compare(
      a.begin(), a.end(), b.begin(), b.end(),
      [](char x, char y) { return LowerChar(x) < LowerChar(y); });
}

Redaction::Redaction()
    : Redaction({"client_secret", "password", "access_token", "refresh_token",
                 "id_token", "client_assertion", "api_key", "cookie",
                 "set-cookie"}) {}

Redaction::Redaction(std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) names_.emplace(name);
}

bool Redaction::IsSecret(std::string_view name) const {
  return names_.find(name) != names_.end();
}

std::vector<LoggedHeader> RedactHeaders(
    const Redaction& redaction, const boost::beast::http::fields& headers) {
  std::vector<LoggedHeader> out;
  for (const auto& field : headers) {
    std::string_view name(field.name_string().data(),
                          field.name_string().size());
    bool secret = IsAuthorizationHeader(name) || redaction.IsSecret(name);
    out.emplace_back(
        std::string(name),
        secret ? std::string(kRedacted)
               : std::string(field.value().data(), field.value().size()));
  }
  return out;
}

nlohmann::json RedactJson(const Redaction& redaction, nlohmann::json json) {
  if (json.is_object()) {
    for (auto& [name, value] : json.items()) {
      value = redaction.IsSecret(name)
                  ? nlohmann::json(kRedacted)
                  : RedactJson(redaction, std::move(value));
    }
  } else if (json.is_array()) {
    for (auto& element : json)
      element = RedactJson(redaction, std::move(element));
  }
  return json;
}

std::string RedactForm(const Redaction& redaction, std::string_view form) {
  std::string out;
  size_t start = 0;
  while (start <= form.size()) {
    size_t end = std::min(form.find('&', start), form.size());
    std::string_view pair = form.substr(start, end - start);
    size_t equals = pair.find('=');
    std::string_view name = pair.substr(0, equals);
    if (equals != std::string_view::npos &&
        redaction.IsSecret(FormDecode(name))) {
      out.append(name).append("=").append(kRedacted);
    } else {
      out.append(pair);
    }
    if (end == form.size()) break;
    out += '&';
    start = end + 1;
  }
  return out;
}

std::string RedactTarget(const Redaction& redaction, std::string_view target) {
  size_t question = target.find('?');
  if (question == std::string_view::npos) return std::string(target);
  return std::string(target.substr(0, question + 1)) +
         RedactForm(redaction, target.substr(question + 1));
}

std::string RedactBody(const Redaction& redaction,
                       std::string_view content_type, std::string_view body,
                       size_t max_length) {
  if (body.empty()) return "";
  std::string type = MediaType(content_type);
  std::string out;
  if (IsJsonType(type)) {
    out = RedactJsonBody(redaction, body);
  } else if (type == "application/x-www-form-urlencoded") {
    out = RedactForm(redaction, body);
  } else if (IsShownText(type)) {
    out = std::string(body);
  } else {
    return "(" + std::to_string(body.size()) + " bytes of " +
           (type.empty() ? std::string("unknown type") : type) + ", not shown)";
  }
  if (out.size() > max_length) {
    out = out.substr(0, max_length) + "...(" + std::to_string(out.size()) +
          " bytes)";
  }
  return out;
}

}  // namespace bssflow::net
