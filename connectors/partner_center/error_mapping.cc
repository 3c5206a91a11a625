#include "connectors/partner_center/error_mapping.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "net/retry.h"

namespace bssflow::connectors::partner_center {
namespace {

// A JSON number or string member as text; empty when absent or another type.
std::string MemberText(const nlohmann::json& body, const char* name) {
  auto it = body.find(name);
  if (it == body.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<int64_t>());
  if (it->is_number_unsigned()) return std::to_string(it->get<uint64_t>());
  return "";
}

nlohmann::json ParseObject(std::string_view body) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  return json.is_object() ? json : nlohmann::json::object();
}

}  // namespace

std::string ErrorKindOfStatus(unsigned status) {
  switch (status) {
    case 400:
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
    case 500:
    case 502:
    case 503:
    case 504:
      return "retryable";
    default:
      return "fatal";
  }
}

engine::ActionError ErrorFromResponse(
    unsigned status, std::string_view body, std::string_view retry_after,
    std::string_view what, std::chrono::system_clock::time_point now) {
  nlohmann::json json = ParseObject(body);
  engine::ActionError error;
  error.kind = ErrorKindOfStatus(status);
  error.code = MemberText(json, "code");
  if (error.code.empty()) error.code = MemberText(json, "statusCode");
  if (error.code.empty()) error.code = std::to_string(status);
  error.message = MemberText(json, "description");
  if (error.message.empty()) error.message = MemberText(json, "message");
  if (error.message.empty())
    error.message = std::string(what) + ": HTTP " + std::to_string(status);
  if (status == 429 && !retry_after.empty())
    error.retry_after = net::ParseRetryAfter(retry_after, now);
  return error;
}

engine::ActionError ErrorFromTokenResponse(
    unsigned status, std::string_view body, std::string_view retry_after,
    std::chrono::system_clock::time_point now) {
  nlohmann::json json = ParseObject(body);
  engine::ActionError error =
      ErrorFromResponse(status, body, retry_after, "token request", now);
  if (status == 400 || status == 401) error.kind = "auth";
  std::string code = MemberText(json, "error");
  if (!code.empty()) error.code = std::move(code);
  std::string description = MemberText(json, "error_description");
  if (!description.empty())
    error.message = "token request: " + std::move(description);
  return error;
}

engine::ActionError ErrorFromTransport(const Status& status) {
  const std::string& text = status.message();
  bool timed_out = text.find("timed out") != std::string::npos ||
                   text.find("timeout") != std::string::npos;
  return engine::ActionError{timed_out ? "timeout" : "retryable", "", text,
                             std::nullopt};
}

engine::ActionError InvalidArgument(std::string message) {
  return engine::ActionError{"invalid", "", std::move(message), std::nullopt};
}

}  // namespace bssflow::connectors::partner_center
