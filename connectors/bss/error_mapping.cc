#include "connectors/bss/error_mapping.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "net/retry.h"

namespace bssflow::connectors::bss {
namespace {

constexpr std::string_view kProblemPrefix = "urn:bss:problem:";

// A text member of a problem body, or "" when absent or not text.
std::string TextMember(const nlohmann::json& json, const char* name) {
  if (!json.is_object()) return "";
  auto it = json.find(name);
  if (it == json.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::optional<std::chrono::milliseconds> RetryAfterOf(
    const nlohmann::json& json, std::string_view header,
    std::chrono::system_clock::time_point now) {
  if (!header.empty()) {
    auto parsed = net::ParseRetryAfter(header, now);
    if (parsed.has_value()) return parsed;
  }
  if (json.is_object()) {
    auto it = json.find("RetryAfter");
    // Saturated as a Retry-After header is (net::ParseRetryAfter): a
    // billion seconds is as good as forever, and more would overflow.
    if (it != json.end() && it->is_number_integer() &&
        it->get<int64_t>() >= 0)
      return std::chrono::seconds(
          std::min<int64_t>(it->get<int64_t>(), 1'000'000'000));
  }
  return std::nullopt;
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
      return "conflict";
    case 429:
      return "throttled";
    default:
      return status >= 500 && status <= 599 ? "retryable" : "fatal";
  }
}

std::string ProblemSlug(std::string_view type) {
  if (type.empty() || type == "about:blank") return "";
  if (type.substr(0, kProblemPrefix.size()) == kProblemPrefix)
    return std::string(type.substr(kProblemPrefix.size()));
  return std::string(type);
}

engine::ActionError ErrorFromResponse(unsigned status, std::string_view body,
                                      std::string_view retry_after,
                                      std::string_view what,
                                      std::chrono::system_clock::time_point now) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  engine::ActionError error;
  error.kind = ErrorKindOfStatus(status);
  error.code = ProblemSlug(TextMember(json, "type"));
  if (error.code.empty()) error.code = std::to_string(status);
  error.message = TextMember(json, "detail");
  if (error.message.empty()) error.message = TextMember(json, "title");
  if (error.message.empty())
    error.message = std::string(what) + ": HTTP " + std::to_string(status);
  if (status == 429) error.retry_after = RetryAfterOf(json, retry_after, now);
  return error;
}

engine::ActionError ErrorFromTokenResponse(
    unsigned status, std::string_view body, std::string_view retry_after,
    std::chrono::system_clock::time_point now) {
  engine::ActionError error =
      ErrorFromResponse(status, body, retry_after, "token request", now);
  if (status == 400 || status == 401) error.kind = "auth";
  return error;
}

engine::ActionError ErrorFromTransport(const Status& status) {
  // The HTTP client says "... timed out after N ms" for resolving,
  // connecting and sending, and "no response within the read (total)
  // timeout of N ms" for waiting on the answer.
  const std::string& text = status.message();
  bool timed_out = text.find("timed out") != std::string::npos ||
                   text.find("timeout of") != std::string::npos;
  return engine::ActionError{timed_out ? "timeout" : "retryable", "",
                             status.message(), std::nullopt};
}

engine::ActionError InvalidArgument(std::string message) {
  return engine::ActionError{"invalid", "", std::move(message), std::nullopt};
}

}  // namespace bssflow::connectors::bss
