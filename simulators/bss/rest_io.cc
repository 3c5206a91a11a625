#include "simulators/bss/rest_io.h"

#include <algorithm>
#include <cctype>

namespace bssflow::simulators::bss {
namespace {

namespace http = boost::beast::http;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out +=
          static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) end = text.size();
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string Lowered(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return text;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    std::size_t value = kAlphabet.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

// The credentials part of "Authorization: <scheme> <credentials>".
std::optional<std::string_view> AuthorizationOf(const HttpRequest& request,
                                                std::string_view scheme) {
  auto header = request.find(http::field::authorization);
  if (header == request.end()) return std::nullopt;
  std::string_view value(header->value().data(), header->value().size());
  if (value.size() <= scheme.size() ||
      !EqualsIgnoringCase(value.substr(0, scheme.size()), scheme) ||
      value[scheme.size()] != ' ') {
    return std::nullopt;
  }
  std::string_view credentials = value.substr(scheme.size() + 1);
  while (!credentials.empty() && credentials.front() == ' ') {
    credentials.remove_prefix(1);
  }
  if (credentials.empty()) return std::nullopt;
  return credentials;
}

}  // namespace

ParsedTarget ParseTarget(std::string_view target) {
  ParsedTarget parsed;
  std::size_t question = target.find('?');
  parsed.path = std::string(target.substr(0, question));
  for (std::string_view segment : Split(parsed.path, '/')) {
    if (!segment.empty()) {
      parsed.segments.push_back(PercentDecode(segment, false));
    }
  }
  if (question != std::string_view::npos) {
    for (auto& [key, value] : ParseForm(target.substr(question + 1))) {
      parsed.query[Lowered(key)] = value;
    }
  }
  return parsed;
}

std::map<std::string, std::string> ParseForm(std::string_view form) {
  std::map<std::string, std::string> fields;
  for (std::string_view pair : Split(form, '&')) {
    if (pair.empty()) continue;
    std::size_t equals = pair.find('=');
    std::string key = PercentDecode(pair.substr(0, equals), true);
    std::string value = equals == std::string_view::npos
                            ? std::string()
                            : PercentDecode(pair.substr(equals + 1), true);
    fields[key] = value;
  }
  return fields;
}

std::optional<std::vector<std::string>> MatchRoute(
    std::string_view pattern, const std::vector<std::string>& segments) {
  std::vector<std::string_view> parts = Split(pattern, '/');
  if (parts.size() != segments.size()) return std::nullopt;
  std::vector<std::string> captures;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "{}") {
      captures.push_back(segments[i]);
    } else if (!EqualsIgnoringCase(parts[i], segments[i])) {
      return std::nullopt;
    }
  }
  return captures;
}

std::optional<std::string> BearerToken(const HttpRequest& request) {
  std::optional<std::string_view> token = AuthorizationOf(request, "Bearer");
  if (!token) return std::nullopt;
  return std::string(*token);
}

std::optional<std::pair<std::string, std::string>> BasicCredentials(
    const HttpRequest& request) {
  std::optional<std::string_view> encoded = AuthorizationOf(request, "Basic");
  if (!encoded) return std::nullopt;
  std::optional<std::string> decoded = Base64Decode(*encoded);
  if (!decoded) return std::nullopt;
  std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

HttpResponse JsonResponse(const HttpRequest& request, int status,
                          const Json& body) {
  HttpResponse response;
  response.version(request.version());
  response.result(static_cast<unsigned>(status));
  response.set(http::field::content_type, "application/json; charset=utf-8");
  response.keep_alive(request.keep_alive());
  response.body() = body.dump();
  response.prepare_payload();
  return response;
}

HttpResponse ProblemResponse(const HttpRequest& request, int status,
                             std::string_view slug, std::string_view title,
                             std::string detail, const Json& extensions) {
  std::string_view target(request.target().data(), request.target().size());
  Json body = {{"type", "urn:bss:problem:" + std::string(slug)},
               {"title", std::string(title)},
               {"status", status},
               {"detail", std::move(detail)},
               {"instance", std::string(target.substr(0, target.find('?')))}};
  for (const auto& [key, value] : extensions.items()) body[key] = value;
  HttpResponse response = JsonResponse(request, status, body);
  response.set(http::field::content_type, "application/problem+json");
  return response;
}

}  // namespace bssflow::simulators::bss
