#include "connectors/http/response.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "dsl/json_value.h"
#include "net/retry.h"

namespace bssflow::connectors::http {
namespace {

using engine::ActionError;
using engine::ActionOutcome;

constexpr size_t kSummaryBytes = 200;

std::string TextMember(const nlohmann::json& json, const char* name) {
  auto it = json.find(name);
  if (it == json.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// The first `limit` bytes of UTF-8 `text`, not cutting a character, with
// each run of spaces and control characters (newlines included) as one
// space, trimmed.
std::string Excerpt(std::string_view text, size_t limit) {
  size_t end = std::min(limit, text.size());
  while (end > 0 && end < text.size() &&
         (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  std::string out;
  for (char c : text.substr(0, end)) {
    bool blank = static_cast<unsigned char>(c) <= 0x20 || c == 0x7F;
    if (!blank) {
      out += c;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string StatusList(const std::vector<unsigned>& statuses) {
  std::string out;
  for (unsigned status : statuses) {
    if (!out.empty()) out += ", ";
    out += std::to_string(status);
  }
  return out;
}

ActionError Fatal(const Answer& answer, std::string problem) {
  return ActionError{"fatal", std::to_string(answer.status),
                     answer.label + ": HTTP " + std::to_string(answer.status) +
                         ": " + std::move(problem),
                     std::nullopt};
}

ActionOutcome FromJson(const Answer& answer, const nlohmann::json& json) {
  Result<dsl::Value> value = dsl::ValueFromJson(json);
  if (!value.ok())
    return ActionOutcome::Failure(Fatal(answer, value.status().message()));
  return ActionOutcome::Success(std::move(value).value());
}

// The value at `pointer` in `json`, null where it reaches nothing.
nlohmann::json At(const nlohmann::json& json, const std::string& pointer) {
  // The pointer was checked when the connectors file was read; contains()
  // and at() still throw on an array index that is not a number.
  try {
    nlohmann::json::json_pointer parsed(pointer);
    if (json.contains(parsed)) return json.at(parsed);
  } catch (const nlohmann::json::exception&) {
  }
  return nullptr;
}

ActionOutcome MapResult(const std::vector<ResultField>& fields,
                        const Answer& answer, const nlohmann::json& json) {
  dsl::ValueMap map;
  for (const ResultField& field : fields) {
    Result<dsl::Value> value = dsl::ValueFromJson(At(json, field.pointer));
    if (!value.ok())
      return ActionOutcome::Failure(Fatal(answer, value.status().message()));
    map.Insert(dsl::Value::String(field.name), std::move(value).value());
  }
  return ActionOutcome::Success(dsl::Value::Map(std::move(map)));
}

}  // namespace

std::string ErrorKindOfStatus(unsigned status) {
  switch (status) {
    case 400:
    case 422:
      return "invalid";
    case 401:
    case 403:
      return "auth";
    case 404:
      return "not_found";
    case 408:
      return "timeout";
    case 409:
    case 412:
      return "conflict";
    case 429:
      return "throttled";
    default:
      return status >= 500 && status <= 599 ? "retryable" : "fatal";
  }
}

std::string ResponseSummary(std::string_view body) {
  if (!dsl::IsValidUtf8(body))
    return "(" + std::to_string(body.size()) + " bytes that are not text)";
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object()) {
    for (const char* name :
         {"detail", "message", "error_description", "title"}) {
      std::string text = Excerpt(TextMember(json, name), kSummaryBytes);
      if (!text.empty()) return text;
    }
  }
  return Excerpt(body, kSummaryBytes);
}

ActionError ErrorFromAnswer(const HttpEndpoint& endpoint,
                            const Answer& answer) {
  ActionError error;
  error.kind = ErrorKindOfStatus(answer.status);
  error.code = std::to_string(answer.status);
  error.message = answer.label + ": HTTP " + error.code;
  if (answer.status < 400) {
    error.message +=
        " is not an accepted status (accept: " + StatusList(endpoint.accept) +
        ")";
  }
  std::string summary = ResponseSummary(answer.body);
  if (!summary.empty()) error.message += ": " + summary;
  if (answer.status == 429)
    error.retry_after = net::ParseRetryAfter(answer.retry_after, answer.now);
  return error;
}

ActionOutcome OutcomeOf(const HttpEndpoint& endpoint, const Answer& answer) {
  const std::vector<unsigned>& accept = endpoint.accept;
  if (std::find(accept.begin(), accept.end(), answer.status) == accept.end())
    return ActionOutcome::Failure(ErrorFromAnswer(endpoint, answer));
  bool empty = answer.body.find_first_not_of(" \t\r\n") == std::string::npos;
  nlohmann::json json =
      empty ? nlohmann::json(nullptr)
            : nlohmann::json::parse(answer.body, nullptr, false);
  if (json.is_discarded()) {
    if (endpoint.result.has_value()) {
      return ActionOutcome::Failure(
          Fatal(answer,
                "the body is not JSON, but 'result' reads JSON pointers "
                "from it: " +
                    ResponseSummary(answer.body)));
    }
    if (!dsl::IsValidUtf8(answer.body)) {
      return ActionOutcome::Failure(
          Fatal(answer, "the body is neither JSON nor text (" +
                            std::to_string(answer.body.size()) + " bytes)"));
    }
    return ActionOutcome::Success(dsl::Value::String(std::string(answer.body)));
  }
  if (endpoint.result.has_value())
    return MapResult(*endpoint.result, answer, json);
  return FromJson(answer, json);
}

ActionError ErrorFromTransport(const Status& status) {
  // The HTTP client says "... timed out after N ms" for resolving,
  // connecting and sending, and "no response within the read (total)
  // timeout of N ms" for waiting on the answer.
  const std::string& text = status.message();
  bool timed_out = text.find("timed out") != std::string::npos ||
                   text.find("timeout of") != std::string::npos;
  return ActionError{timed_out ? "timeout" : "retryable", "", text,
                     std::nullopt};
}

}  // namespace bssflow::connectors::http
