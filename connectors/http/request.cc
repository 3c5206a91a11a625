#include "connectors/http/request.h"

#include <cmath>
#include <utility>
#include <vector>

#include "dsl/json_value.h"
#include "net/url.h"

namespace bssflow::connectors::http {
namespace {

using engine::ActionError;

const dsl::Value* FindArgument(const dsl::Value& arguments,
                               const std::string& name) {
  if (arguments.kind() != dsl::ValueKind::kMap) return nullptr;
  return arguments.map_value().Find(dsl::Value::String(name));
}

// The text a placeholder takes: strings as they are, numbers and bools in
// JSON form; nullopt for the kinds that have none.
std::optional<std::string> TextOf(const dsl::Value& value) {
  switch (value.kind()) {
    case dsl::ValueKind::kString:
      return value.string_value();
    case dsl::ValueKind::kInt:
      return std::to_string(value.int_value());
    case dsl::ValueKind::kUint:
      return std::to_string(value.uint_value());
    case dsl::ValueKind::kDouble:
      if (!std::isfinite(value.double_value())) return std::nullopt;
      return nlohmann::json(value.double_value()).dump();
    case dsl::ValueKind::kBool:
      return value.bool_value() ? "true" : "false";
    default:
      return std::nullopt;
  }
}

// A template filled in, or the argument that could not fill it.
struct Filled {
  enum class Problem { kNone, kAbsent, kNull, kNoText };
  std::string text;
  Problem problem = Problem::kNone;
  std::string argument;
  dsl::ValueKind kind = dsl::ValueKind::kNull;
};

Filled FillText(const TextTemplate& text, const dsl::Value& arguments,
                bool percent_encode) {
  Filled filled;
  for (const TextTemplate::Piece& piece : text.pieces) {
    if (!piece.placeholder) {
      filled.text += piece.text;
      continue;
    }
    const dsl::Value* value = FindArgument(arguments, piece.text);
    std::optional<std::string> part =
        value != nullptr ? TextOf(*value) : std::nullopt;
    if (!part.has_value()) {
      filled.argument = piece.text;
      filled.kind = value != nullptr ? value->kind() : dsl::ValueKind::kNull;
      filled.problem = value == nullptr   ? Filled::Problem::kAbsent
                       : value->is_null() ? Filled::Problem::kNull
                                          : Filled::Problem::kNoText;
      return filled;
    }
    filled.text += percent_encode ? net::PercentEncode(*part) : *part;
  }
  return filled;
}

std::string KindPhrase(dsl::ValueKind kind) {
  switch (kind) {
    case dsl::ValueKind::kList:
      return "a list";
    case dsl::ValueKind::kMap:
      return "a map";
    case dsl::ValueKind::kBytes:
      return "bytes";
    case dsl::ValueKind::kDouble:
      return "a number that is not finite";
    default:
      return "a " + std::string(dsl::KindName(kind));
  }
}

// Why `filled` failed, for an "invalid" error; `place` says where the text
// goes ("the URL", "query parameter 'q'", "the body at 'name'").
std::string ProblemOf(const Filled& filled, const std::string& place) {
  const std::string argument = "argument '" + filled.argument + "'";
  switch (filled.problem) {
    case Filled::Problem::kAbsent:
      return argument + " is required: " + place + " needs it";
    case Filled::Problem::kNull:
      return argument + " is null, but " + place + " needs a value";
    default:
      return argument + " is " + KindPhrase(filled.kind) + ", but " + place +
             " takes text: a string, a number or a bool";
  }
}

ActionError Invalid(const HttpEndpoint& endpoint, std::string message) {
  return ActionError{"invalid", "", endpoint.action() + ": " + message,
                     std::nullopt};
}

std::string BodyPlace(const std::string& where) {
  return where.empty() ? "the body" : "the body at '" + where + "'";
}

// Fills a body template; the first problem ends the walk.
class BodyFiller {
 public:
  BodyFiller(const HttpEndpoint& endpoint, const dsl::Value& arguments)
      : endpoint_(endpoint), arguments_(arguments) {}

  // The JSON of `body`, nullopt when it is left out (an absent optional
  // argument) or on a problem (then error() is set).
  std::optional<nlohmann::ordered_json> Fill(const BodyTemplate& body,
                                             const std::string& where);
  const std::optional<ActionError>& error() const { return error_; }

 private:
  std::optional<nlohmann::ordered_json> FillArgument(const BodyTemplate& body,
                                                     const std::string& where);
  std::optional<nlohmann::ordered_json> FillObject(const BodyTemplate& body,
                                                   const std::string& where);
  std::optional<nlohmann::ordered_json> FillArray(const BodyTemplate& body,
                                                  const std::string& where);

  const HttpEndpoint& endpoint_;
  const dsl::Value& arguments_;
  std::optional<ActionError> error_;
};

std::optional<nlohmann::ordered_json> BodyFiller::Fill(
    const BodyTemplate& body, const std::string& where) {
  switch (body.kind) {
    case BodyTemplate::Kind::kLiteral:
      return body.literal;
    case BodyTemplate::Kind::kText: {
      Filled filled = FillText(body.text, arguments_, false);
      if (filled.problem == Filled::Problem::kNone) return filled.text;
      error_ = Invalid(endpoint_, ProblemOf(filled, BodyPlace(where)));
      return std::nullopt;
    }
    case BodyTemplate::Kind::kArgument:
      return FillArgument(body, where);
    case BodyTemplate::Kind::kObject:
      return FillObject(body, where);
    case BodyTemplate::Kind::kArray:
      return FillArray(body, where);
  }
  return std::nullopt;
}

std::optional<nlohmann::ordered_json> BodyFiller::FillArgument(
    const BodyTemplate& body, const std::string& where) {
  const std::string& name = body.text.pieces[0].text;
  const dsl::Value* value = FindArgument(arguments_, name);
  if (value != nullptr) return dsl::ValueToJson(*value);
  if (!IsOptional(endpoint_, name)) {
    error_ = Invalid(endpoint_, "argument '" + name + "' is required: " +
                                    BodyPlace(where) + " needs it");
  }
  return std::nullopt;
}

std::optional<nlohmann::ordered_json> BodyFiller::FillObject(
    const BodyTemplate& body, const std::string& where) {
  nlohmann::ordered_json object = nlohmann::ordered_json::object();
  for (size_t i = 0; i < body.children.size(); ++i) {
    const std::string path =
        where.empty() ? body.keys[i] : where + "." + body.keys[i];
    std::optional<nlohmann::ordered_json> member = Fill(body.children[i], path);
    if (error_.has_value()) return std::nullopt;
    if (member.has_value()) object[body.keys[i]] = std::move(*member);
  }
  return object;
}

std::optional<nlohmann::ordered_json> BodyFiller::FillArray(
    const BodyTemplate& body, const std::string& where) {
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (size_t i = 0; i < body.children.size(); ++i) {
    std::optional<nlohmann::ordered_json> item =
        Fill(body.children[i], where + "[" + std::to_string(i) + "]");
    if (error_.has_value()) return std::nullopt;
    // An item left out would shift the others: it is null instead.
    array.push_back(item.has_value() ? std::move(*item) : nullptr);
  }
  return array;
}

// The URL with its query parameters, or why there is none.
struct BuiltUrl {
  std::string url;
  std::optional<ActionError> error;
};

BuiltUrl BuildUrl(const HttpEndpoint& endpoint, const dsl::Value& arguments) {
  Filled url = FillText(endpoint.url, arguments, /*percent_encode=*/true);
  if (url.problem != Filled::Problem::kNone)
    return {"", Invalid(endpoint, ProblemOf(url, "the URL"))};
  std::vector<std::pair<std::string, std::string>> fields;
  for (const QueryParameter& parameter : endpoint.query) {
    Filled value = FillText(parameter.value, arguments, false);
    if (value.problem == Filled::Problem::kAbsent ||
        value.problem == Filled::Problem::kNull) {
      continue;  // left out
    }
    if (value.problem != Filled::Problem::kNone) {
      return {"",
              Invalid(endpoint, ProblemOf(value, "query parameter '" +
                                                     parameter.name + "'"))};
    }
    fields.emplace_back(parameter.name, std::move(value.text));
  }
  if (fields.empty()) return {std::move(url.text), std::nullopt};
  const char separator = url.text.find('?') == std::string::npos ? '?' : '&';
  return {url.text + separator + net::FormEncode(fields), std::nullopt};
}

void SetHeaders(const HttpEndpoint& endpoint, const engine::CallContext& ctx,
                bool has_body, net::HttpRequest& request) {
  for (const HeaderField& header : endpoint.headers)
    request.headers.set(header.name, header.value);
  if (request.headers.find("Accept") == request.headers.end())
    request.headers.set("Accept", "application/json");
  if (has_body &&
      request.headers.find("Content-Type") == request.headers.end()) {
    request.headers.set("Content-Type", "application/json; charset=utf-8");
  }
  if (!endpoint.idempotency_header.empty() && !ctx.idempotency_key.empty())
    request.headers.set(endpoint.idempotency_header, ctx.idempotency_key);
}

}  // namespace

std::string RedactUrl(const net::Redaction& redaction, const std::string& url) {
  size_t question = url.find('?');
  if (question == std::string::npos) return url;
  return url.substr(0, question + 1) +
         net::RedactForm(redaction, std::string_view(url).substr(question + 1));
}

PreparedRequest PrepareRequest(const HttpEndpoint& endpoint,
                               const dsl::Value& arguments,
                               const engine::CallContext& ctx,
                               const net::Redaction& redaction) {
  PreparedRequest prepared;
  BuiltUrl url = BuildUrl(endpoint, arguments);
  if (url.error.has_value()) {
    prepared.error = std::move(url.error);
    return prepared;
  }
  prepared.label = endpoint.method + " " + RedactUrl(redaction, url.url);
  std::optional<nlohmann::ordered_json> body;
  if (endpoint.body.has_value()) {
    BodyFiller filler(endpoint, arguments);
    body = filler.Fill(*endpoint.body, "");
    if (filler.error().has_value()) {
      prepared.error = filler.error();
      return prepared;
    }
  }
  net::HttpRequest request;
  request.method = endpoint.method;
  request.url = std::move(url.url);
  SetHeaders(endpoint, ctx, body.has_value(), request);
  // Text from the connectors file that is not UTF-8 is replaced, not thrown
  // over.
  if (body.has_value()) {
    request.body =
        body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  request.total_timeout = endpoint.timeout;
  request.read_timeout = endpoint.timeout;
  prepared.request = std::move(request);
  return prepared;
}

}  // namespace bssflow::connectors::http
