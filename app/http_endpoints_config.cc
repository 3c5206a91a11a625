// The `http` section of the connectors file: the generic http connector's
// endpoints (docs/connectors/http.md, "Configuration"). Every template is
// parsed and every rule checked here, once, so that a call only fills in.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <regex>

#include "app/connector_config_reader.h"
#include "net/redact.h"
#include "net/url.h"

namespace bssflow::app::config_internal {
namespace {

namespace http = connectors::http;
using http::BodyTemplate;
using http::HttpEndpoint;
using http::PlaceholderPlace;
using http::TextTemplate;

const std::vector<std::string> kHttpFields = {"endpoints", "ca_file"};
const std::vector<std::string> kEndpointFields = {"method",
                                                  "url",
                                                  "query",
                                                  "headers",
                                                  "body",
                                                  "accept",
                                                  "result",
                                                  "secret",
                                                  "optional",
                                                  "timeout",
                                                  "idempotency_header"};
// Headers the HTTP client writes itself.
const std::vector<std::string> kClientHeaders = {
    "host", "content-length", "transfer-encoding", "connection"};
constexpr int kMaxBodyDepth = 32;

std::string Lower(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Upper(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// RFC 9110 token characters, the only ones a header name may hold.
bool IsToken(std::string_view name) {
  static const std::string kSymbols = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           kSymbols.find(c) != std::string::npos;
  });
}

// Headers the HTTP client's log always hides: their values are taken as
// secrets even when written as text (masked in rendered lines).
bool IsSecretHeader(const std::string& name) {
  const std::string lower = Lower(name);
  return lower == "authorization" || lower == "proxy-authorization" ||
         net::Redaction().IsSecret(name);
}

// The JSON value of a plain YAML scalar that YAML reads as a number, a bool
// or null (5, -1.5e3, 0x1F, true, ~); nullopt for text.
std::optional<nlohmann::ordered_json> TypedScalar(const YAML::Node& node) {
  static const std::regex kInteger(R"(^[-+]?[0-9]+$)");
  static const std::regex kHex(R"(^0x[0-9a-fA-F]+$)");
  static const std::regex kFloat(
      R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (node.Tag() != "?") return std::nullopt;  // quoted: text
  const std::string& text = node.Scalar();
  if (text == "true" || text == "false") return text == "true";
  if (text == "null" || text == "~" || text.empty()) return nullptr;
  // Base 10 even with leading zeros ("010" is ten, as in YAML 1.2).
  const bool hex = std::regex_match(text, kHex);
  if (hex || std::regex_match(text, kInteger)) {
    errno = 0;
    long long value = std::strtoll(text.c_str(), nullptr, hex ? 16 : 10);
    if (errno == 0) return static_cast<int64_t>(value);
  }
  // Decimals, and whole numbers too large for an int64.
  if (std::regex_match(text, kFloat)) return std::strtod(text.c_str(), nullptr);
  return std::nullopt;
}

// Reports each key of `map` that repeats an earlier one but for its case,
// when case does not matter (headers), at the second. (A key repeated as it
// is, the reader reports for every file: YamlFile::duplicate_keys.)
void CheckDuplicateKeys(ConfigReader& r, const YAML::Node& map,
                        const std::string& what, bool ignore_case) {
  std::map<std::string, std::pair<std::string, int32_t>> first;
  for (const auto& entry : map) {
    std::string name = entry.first.Scalar();
    int32_t offset = r.file().OffsetOf(entry.first);
    auto [it, added] =
        first.emplace(ignore_case ? Lower(name) : name,
                      std::make_pair(name, offset));
    if (added || it->second.first == name) continue;
    dsl::Location first_at =
        dsl::Locate(r.file().source(), it->second.second);
    r.Report(entry.first, what + " '" + name + "' is given twice (first at " +
                              std::to_string(first_at.line) + ":" +
                              std::to_string(first_at.column) + ")");
  }
}

// Reads one endpoint, reporting every problem through the ConfigReader.
class EndpointReader {
 public:
  EndpointReader(ConfigReader& reader, HttpEndpoint& endpoint)
      : r_(reader), endpoint_(endpoint) {}

  void Read(const YAML::Node& key, const YAML::Node& map);

 private:
  std::optional<TextTemplate> ReadTemplate(const YAML::Node& node);
  bool IsUnquotedPlaceholder(const YAML::Node& node);
  void ReadMethod(const YAML::Node& node);
  void ReadUrl(const YAML::Node& node);
  void ReadQuery(const YAML::Node& map);
  void ReadHeaders(const YAML::Node& map);
  std::optional<BodyTemplate> ReadBody(const YAML::Node& node, int depth);
  void ReadAccept(const YAML::Node& node);
  void ReadResult(const YAML::Node& map);
  void ReadSecretPaths(const YAML::Node& list);
  void ReadOptional(const YAML::Node& list);
  void ReadIdempotencyHeader(const YAML::Node& map);

  ConfigReader& r_;
  HttpEndpoint& endpoint_;
};

void EndpointReader::Read(const YAML::Node& key, const YAML::Node& map) {
  const std::string where = "endpoint '" + endpoint_.name + "'";
  if (!r_.ExpectMap(map, where)) return;
  r_.CheckFields(map, kEndpointFields, where);
  r_.Require(key, map, where, {"method", "url"});
  endpoint_.method.clear();  // set only when valid
  if (map["method"]) ReadMethod(map["method"]);
  if (map["url"]) ReadUrl(map["url"]);
  if (map["query"] && r_.ExpectMap(map["query"], "'query'"))
    ReadQuery(map["query"]);
  if (map["headers"] && r_.ExpectMap(map["headers"], "'headers'"))
    ReadHeaders(map["headers"]);
  if (map["body"]) {
    if (endpoint_.method == "GET") {
      r_.Report(ConfigReader::KeyOf(map, "body"),
                "'body' is not sent with GET; pass values in 'query'");
    } else if (map["body"].IsNull()) {
      r_.Report(ConfigReader::KeyOf(map, "body"),
                "'body' is empty; leave it out to send no body");
    } else {
      endpoint_.body = ReadBody(map["body"], 0);
    }
  }
  if (map["accept"]) ReadAccept(map["accept"]);
  if (map["result"] && r_.ExpectMap(map["result"], "'result'"))
    ReadResult(map["result"]);
  if (map["secret"]) ReadSecretPaths(map["secret"]);
  if (map["optional"]) ReadOptional(map["optional"]);
  r_.ReadDuration(map, "timeout", endpoint_.timeout);
  if (map["idempotency_header"]) ReadIdempotencyHeader(map);
}

std::optional<TextTemplate> EndpointReader::ReadTemplate(
    const YAML::Node& node) {
  http::ParsedTemplate parsed = http::ParseTextTemplate(node.Scalar());
  if (!parsed.error.has_value()) return std::move(parsed.text);
  r_.ReportAt(r_.file().OffsetInScalar(
                  node, static_cast<int32_t>(parsed.error->offset)),
              parsed.error->message);
  return std::nullopt;
}

// `name: {account_id}` unquoted is a YAML map, not a placeholder.
bool EndpointReader::IsUnquotedPlaceholder(const YAML::Node& node) {
  if (!node.IsMap() || node.size() != 1) return false;
  const auto entry = *node.begin();
  const std::string name = entry.first.Scalar();
  const std::string& text = r_.file().source().text;
  size_t at = static_cast<size_t>(r_.file().OffsetOf(node));
  if (!entry.second.IsNull() || !http::IsIdentifier(name) ||
      at >= text.size() || text[at] != '{') {
    return false;
  }
  r_.Report(node, "'{" + name +
                      "}' is read by YAML as a map; quote it to make it a "
                      "placeholder: \"{" +
                      name + "}\"");
  return true;
}

void EndpointReader::ReadMethod(const YAML::Node& node) {
  if (!r_.ExpectText(node, "'method'")) return;
  const std::string& method = node.Scalar();
  if (std::find(http::kMethods.begin(), http::kMethods.end(), method) !=
      http::kMethods.end()) {
    endpoint_.method = method;
    return;
  }
  std::string message =
      "'method' must be GET, POST, PUT, PATCH or DELETE, "
      "got '" +
      method + "'";
  std::string guess = Upper(method);
  if (std::find(http::kMethods.begin(), http::kMethods.end(), guess) ==
      http::kMethods.end()) {
    guess = dsl::ClosestMatch(guess, http::kMethods);
  }
  if (!guess.empty()) message += "; did you mean '" + guess + "'?";
  r_.Report(node, message);
}

void EndpointReader::ReadUrl(const YAML::Node& node) {
  if (!r_.ExpectText(node, "'url'")) return;
  const std::string& text = node.Scalar();
  std::optional<TextTemplate> url = ReadTemplate(node);
  if (!url.has_value()) return;
  // Placeholders stay out of the scheme, host and port, so that where a
  // call goes (and whether it is encrypted) is checked here.
  size_t scheme_end = text.find("://");
  size_t origin_end = scheme_end == std::string::npos
                          ? 0
                          : text.find_first_of("/?#", scheme_end + 3);
  if (origin_end == std::string::npos) origin_end = text.size();
  for (const TextTemplate::Piece& piece : url->pieces) {
    if (!piece.placeholder || piece.offset >= origin_end) continue;
    r_.ReportAt(
        r_.file().OffsetInScalar(node, static_cast<int32_t>(piece.offset)),
        "placeholders may appear in the URL's path and query only, not in "
        "its scheme, host or port");
    return;
  }
  Result<net::Url> parsed = net::ParseUrl(text.substr(0, origin_end));
  if (!parsed.ok()) {
    r_.Report(node, "'url': " + parsed.status().message());
    return;
  }
  if (!parsed.value().tls() && !net::IsLoopbackHost(parsed.value().host)) {
    r_.Report(node, PlainHttpProblem("url", parsed.value().host));
    return;
  }
  endpoint_.url = std::move(*url);
}

void EndpointReader::ReadQuery(const YAML::Node& map) {
  CheckDuplicateKeys(r_, map, "query parameter", false);
  const net::Redaction always_secret;
  for (const auto& entry : map) {
    const std::string name = entry.first.Scalar();
    const YAML::Node& value = entry.second;
    http::QueryParameter parameter{name, {}, always_secret.IsSecret(name)};
    if (IsUnquotedPlaceholder(value)) continue;
    if (value.IsMap()) {
      std::string secret;
      if (!r_.ReadSecret(map, name, secret)) continue;
      parameter.value.pieces.push_back({false, std::move(secret), 0});
      parameter.secret = true;
    } else {
      if (!r_.ExpectText(value, "query parameter '" + name + "'")) continue;
      std::optional<TextTemplate> text = ReadTemplate(value);
      if (!text.has_value()) continue;
      if (parameter.secret && !text->HasPlaceholders()) r_.Mask(value);
      parameter.value = std::move(*text);
    }
    endpoint_.query.push_back(std::move(parameter));
  }
}

void EndpointReader::ReadHeaders(const YAML::Node& map) {
  CheckDuplicateKeys(r_, map, "header", true);
  for (const auto& entry : map) {
    const std::string name = entry.first.Scalar();
    if (!IsToken(name)) {
      r_.Report(entry.first, "header name '" + name +
                                 "' must be a token: letters, digits and "
                                 "!#$%&'*+-.^_`|~");
      continue;
    }
    if (std::find(kClientHeaders.begin(), kClientHeaders.end(), Lower(name)) !=
        kClientHeaders.end()) {
      r_.Report(entry.first, "header '" + name +
                                 "' is set by the HTTP client; leave it out");
      continue;
    }
    http::HeaderField header{name, "", IsSecretHeader(name)};
    if (entry.second.IsMap() || header.secret) {
      if (!r_.ReadSecret(map, name, header.value)) continue;
      header.secret = true;
    } else if (!r_.ReadText(map, name, header.value, /*may_be_empty=*/true)) {
      continue;
    }
    if (header.value.find_first_of("\r\n") != std::string::npos) {
      r_.Report(entry.second, "header '" + name + "' must be one line");
      continue;
    }
    endpoint_.headers.push_back(std::move(header));
  }
}

std::optional<BodyTemplate> EndpointReader::ReadBody(const YAML::Node& node,
                                                     int depth) {
  if (depth > kMaxBodyDepth) {
    r_.Report(node, "'body' nests deeper than " +
                        std::to_string(kMaxBodyDepth) + " levels");
    return std::nullopt;
  }
  BodyTemplate body;
  if (node.IsNull()) {
    body.literal = nullptr;
  } else if (node.IsScalar()) {
    std::optional<nlohmann::ordered_json> typed = TypedScalar(node);
    if (typed.has_value()) {
      body.literal = std::move(*typed);
      return body;
    }
    std::optional<TextTemplate> text = ReadTemplate(node);
    if (!text.has_value()) return std::nullopt;
    return http::BodyString(std::move(*text));
  } else if (node.IsSequence()) {
    body.kind = BodyTemplate::Kind::kArray;
    for (const YAML::Node& item : node) {
      std::optional<BodyTemplate> child = ReadBody(item, depth + 1);
      if (child.has_value()) body.children.push_back(std::move(*child));
    }
  } else if (node.IsMap()) {
    if (IsUnquotedPlaceholder(node)) return std::nullopt;
    CheckDuplicateKeys(r_, node, "body member", false);
    body.kind = BodyTemplate::Kind::kObject;
    for (const auto& entry : node) {
      std::optional<BodyTemplate> child = ReadBody(entry.second, depth + 1);
      if (!child.has_value()) continue;
      body.keys.push_back(entry.first.Scalar());
      body.children.push_back(std::move(*child));
    }
  }
  return body;
}

void EndpointReader::ReadAccept(const YAML::Node& node) {
  if (!node.IsSequence() || node.size() == 0) {
    r_.Report(node,
              "'accept' must be a list of statuses, e.g. [200, 201], "
              "got " +
                  Describe(node));
    return;
  }
  std::vector<unsigned> statuses;
  for (const YAML::Node& item : node) {
    const std::string text = item.IsScalar() ? item.Scalar() : "";
    bool digits = text.size() == 3 &&
                  std::all_of(text.begin(), text.end(),
                              [](char c) { return c >= '0' && c <= '9'; });
    unsigned status = digits ? static_cast<unsigned>(std::stoi(text)) : 0;
    if (status < 200 || status > 599) {
      r_.Report(item, "'accept' lists statuses from 200 to 599, got " +
                          Describe(item));
      continue;
    }
    statuses.push_back(status);
  }
  endpoint_.accept = std::move(statuses);
}

void EndpointReader::ReadResult(const YAML::Node& map) {
  if (map.size() == 0) {
    r_.Report(map,
              "'result' must map at least one field; leave it out for "
              "the whole body");
    return;
  }
  CheckDuplicateKeys(r_, map, "result field", false);
  std::vector<http::ResultField> fields;
  for (const auto& entry : map) {
    const std::string name = entry.first.Scalar();
    if (!r_.ExpectText(entry.second, "result field '" + name + "'")) continue;
    const std::string& pointer = entry.second.Scalar();
    std::optional<std::string> problem = http::JsonPointerProblem(pointer);
    if (problem.has_value()) {
      r_.Report(entry.second,
                "'" + pointer + "' is not a JSON pointer: " + *problem);
      continue;
    }
    fields.push_back({name, pointer});
  }
  endpoint_.result = std::move(fields);
}

void EndpointReader::ReadSecretPaths(const YAML::Node& list) {
  if (!list.IsSequence()) {
    r_.Report(list,
              "'secret' must be a list of result fields, e.g. [token], "
              "got " +
                  Describe(list));
    return;
  }
  std::vector<std::string> names;
  if (endpoint_.result.has_value()) {
    for (const http::ResultField& field : *endpoint_.result)
      names.push_back(field.name);
  }
  for (const YAML::Node& item : list) {
    if (!r_.ExpectText(item, "a 'secret' entry")) continue;
    const std::string& path = item.Scalar();
    const std::string first = path.substr(0, path.find('.'));
    if (path.empty() || path.front() == '.' || path.back() == '.' ||
        path.find("..") != std::string::npos) {
      r_.Report(item, "'" + path +
                          "' must be member names separated by "
                          "'.', e.g. credentials.password");
    } else if (endpoint_.result.has_value() &&
               std::find(names.begin(), names.end(), first) == names.end()) {
      std::string message =
          "'secret' lists '" + first + "', which is not a field of 'result'";
      std::string guess = dsl::ClosestMatch(first, names);
      if (!guess.empty()) message += "; did you mean '" + guess + "'?";
      r_.Report(item, message);
    } else if (!http::SecretMemberName(endpoint_, path).has_value()) {
      r_.Report(item, "secret field '" + path +
                          "' is the whole body or an array element, which "
                          "the HTTP client's log cannot hide; point its "
                          "'result' pointer at an object member");
    } else {
      endpoint_.secret.push_back(path);
    }
  }
}

void EndpointReader::ReadOptional(const YAML::Node& list) {
  if (!list.IsSequence()) {
    r_.Report(list,
              "'optional' must be a list of arguments, e.g. [expand], "
              "got " +
                  Describe(list));
    return;
  }
  const std::vector<http::PlaceholderUse> uses =
      http::PlaceholderUses(endpoint_);
  const std::vector<std::string> names = http::ArgumentNames(endpoint_);
  for (const YAML::Node& item : list) {
    if (!r_.ExpectText(item, "an 'optional' entry")) continue;
    const std::string& name = item.Scalar();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      std::string message = "'optional' lists '" + name +
                            "', which no placeholder of this endpoint uses";
      std::string guess = dsl::ClosestMatch(name, names);
      if (!guess.empty()) message += "; did you mean '" + guess + "'?";
      r_.Report(item, message);
      continue;
    }
    // Leaving an argument out must have a meaning where it is used.
    auto needed = std::find_if(uses.begin(), uses.end(), [&](const auto& u) {
      return u.name == name && (u.place == PlaceholderPlace::kUrl ||
                                u.place == PlaceholderPlace::kBodyText);
    });
    if (needed != uses.end()) {
      r_.Report(item,
                "'" + name + "' cannot be optional: " +
                    (needed->place == PlaceholderPlace::kUrl
                         ? std::string("the URL needs it")
                         : "text in body '" + needed->where + "' needs it"));
      continue;
    }
    endpoint_.optional.push_back(name);
  }
}

void EndpointReader::ReadIdempotencyHeader(const YAML::Node& map) {
  std::string name;
  if (!r_.ReadText(map, "idempotency_header", name)) return;
  if (!IsToken(name)) {
    r_.Report(map["idempotency_header"],
              "'idempotency_header' must be a header name (a token), got '" +
                  name + "'");
    return;
  }
  for (const http::HeaderField& header : endpoint_.headers) {
    if (Lower(header.name) == Lower(name)) {
      r_.Report(map["idempotency_header"],
                "'idempotency_header' names '" + name +
                    "', which 'headers' sets too; keep one");
      return;
    }
  }
  endpoint_.idempotency_header = name;
}

void ReadEndpoints(ConfigReader& r, const YAML::Node& map,
                   std::vector<HttpEndpoint>& out) {
  if (!r.ExpectMap(map, "'endpoints'")) return;
  if (map.size() == 0) {
    r.Report(map, "'endpoints' must declare at least one endpoint");
    return;
  }
  CheckDuplicateKeys(r, map, "endpoint", false);
  std::vector<std::string> seen;
  for (const auto& entry : map) {
    const std::string name = entry.first.Scalar();
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) continue;
    seen.push_back(name);
    if (!http::IsIdentifier(name)) {
      r.Report(entry.first, "endpoint name '" + name +
                                "' must be an identifier: letters, digits "
                                "and '_', not starting with a digit");
      continue;
    }
    HttpEndpoint endpoint;
    endpoint.name = name;
    EndpointReader(r, endpoint).Read(entry.first, entry.second);
    out.push_back(std::move(endpoint));
  }
}

}  // namespace

std::optional<http::HttpConfig> ReadHttpSection(ConfigReader& reader,
                                                const YAML::Node& key,
                                                const YAML::Node& map) {
  if (!reader.ExpectMap(map, "'http'")) return std::nullopt;
  reader.CheckFields(map, kHttpFields, "'http'");
  reader.Require(key, map, "connector 'http'", {"endpoints"});
  http::HttpConfig config;
  reader.ReadPath(map, "ca_file", config.ca_file);
  if (map["endpoints"])
    ReadEndpoints(reader, map["endpoints"], config.endpoints);
  return config;
}

}  // namespace bssflow::app::config_internal
