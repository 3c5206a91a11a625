#include "simulators/partner_center/fault_plan.h"

#include <array>
#include <utility>

#include "simulators/partner_center/request_target.h"

namespace bssflow::simulators::partner_center {
namespace {

constexpr std::array<std::pair<FaultKind, std::string_view>, 6> kKindNames = {{
    {FaultKind::kLatency, "latency"},
    {FaultKind::kThrottle, "throttle"},
    {FaultKind::kServerError, "server_error"},
    {FaultKind::kDropConnection, "drop"},
    {FaultKind::kTimeoutAfterCommit, "timeout_after_commit"},
    {FaultKind::kExpireTokens, "expire_tokens"},
}};

Status FaultError(std::size_t index, const std::string& problem) {
  return Status::Error("fault plan: faults[" + std::to_string(index) +
                       "]: " + problem);
}

std::optional<FaultKind> KindFromName(std::string_view name) {
  for (const auto& [kind, kind_name] : kKindNames) {
    if (kind_name == name) return kind;
  }
  return std::nullopt;
}

// Reads one integer member into `out`, checking [min, max].
Status ReadInt(const nlohmann::json& value, std::string_view member,
               std::size_t index, long long min, long long max,
               long long& out) {
  if (!value.is_number_integer() || value.get<long long>() < min ||
      value.get<long long>() > max) {
    return FaultError(
        index, "\"" + std::string(member) + "\" must be an integer from " +
                   std::to_string(min) + " to " + std::to_string(max));
  }
  out = value.get<long long>();
  return Status::Ok();
}

Status ReadMember(const std::string& key, const nlohmann::json& value,
                  std::size_t index, FaultRule& rule) {
  long long number = 0;
  Status status;
  if (key == "kind") {
    auto kind = value.is_string() ? KindFromName(value.get<std::string>())
                                  : std::nullopt;
    if (!kind) {
      return FaultError(index,
                        "\"kind\" must be one of latency, throttle, "
                        "server_error, drop, timeout_after_commit, "
                        "expire_tokens");
    }
    rule.kind = *kind;
  } else if (key == "method" || key == "path") {
    if (!value.is_string())
      return FaultError(index, "\"" + key + "\" must be a string");
    (key == "method" ? rule.method : rule.path) = value.get<std::string>();
  } else if (key == "count") {
    status = ReadInt(value, key, index, -1, 1'000'000'000, number);
    rule.count = static_cast<int>(number);
  } else if (key == "probability") {
    if (!value.is_number() || value.get<double>() < 0 ||
        value.get<double>() > 1) {
      return FaultError(index, "\"probability\" must be a number from 0 to 1");
    }
    rule.probability = value.get<double>();
  } else if (key == "status") {
    // One message for every status refused, 501 included (below).
    status = ReadInt(value, key, index, 500, 504, number);
    if (!status.ok())
      return FaultError(index, "\"status\" must be 500, 502, 503 or 504");
    rule.status = static_cast<int>(number);
  } else if (key == "retryAfter") {
    status = ReadInt(value, key, index, 0, 86'400, number);
    rule.retry_after_seconds = static_cast<int>(number);
  } else if (key == "delayMs") {
    status = ReadInt(value, key, index, 0, 3'600'000, number);
    rule.delay = std::chrono::milliseconds(number);
  } else {
    return FaultError(index, "unknown member \"" + key +
                                 "\" (expected kind, method, path, count, "
                                 "probability, status, retryAfter, delayMs)");
  }
  return status;
}

Result<FaultRule> ParseRule(const nlohmann::json& json, std::size_t index) {
  if (!json.is_object() || !json.contains("kind")) {
    return FaultError(index, "must be an object with a \"kind\"");
  }
  FaultRule rule;
  for (auto it = json.begin(); it != json.end(); ++it) {
    Status status = ReadMember(it.key(), it.value(), index, rule);
    if (!status.ok()) return status;
  }
  if (rule.kind == FaultKind::kServerError && rule.status == 501) {
    return FaultError(index, "\"status\" must be 500, 502, 503 or 504");
  }
  return rule;
}

// '*' matches any run of characters; everything else matches itself.
bool GlobMatches(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (std::size_t skip = 0; skip <= text.size(); ++skip) {
      if (GlobMatches(pattern.substr(1), text.substr(skip))) return true;
    }
    return false;
  }
  return !text.empty() && pattern.front() == text.front() &&
         GlobMatches(pattern.substr(1), text.substr(1));
}

}  // namespace

std::string_view FaultKindName(FaultKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

Result<FaultPlan> ParseFaultPlan(const nlohmann::json& json) {
  if (!json.is_object()) {
    return Status::Error(
        "fault plan: expected an object {\"seed\", \"faults\"}");
  }
  FaultPlan plan;
  for (auto it = json.begin(); it != json.end(); ++it) {
    if (it.key() == "seed") {
      if (!it.value().is_number_unsigned()) {
        return Status::Error(
            "fault plan: \"seed\" must be a non-negative integer");
      }
      plan.seed = it.value().get<std::uint64_t>();
    } else if (it.key() == "faults") {
      if (!it.value().is_array()) {
        return Status::Error("fault plan: \"faults\" must be an array");
      }
      for (std::size_t i = 0; i < it.value().size(); ++i) {
        Result<FaultRule> rule = ParseRule(it.value()[i], i);
        if (!rule.ok()) return rule.status();
        plan.rules.push_back(std::move(rule).value());
      }
    } else {
      return Status::Error("fault plan: unknown member \"" + it.key() +
                           "\" (expected seed, faults)");
    }
  }
  return plan;
}

nlohmann::json FaultPlanJson(const FaultPlan& plan) {
  nlohmann::json faults = nlohmann::json::array();
  for (const FaultRule& rule : plan.rules) {
    faults.push_back({{"kind", std::string(FaultKindName(rule.kind))},
                      {"method", rule.method},
                      {"path", rule.path},
                      {"count", rule.count},
                      {"probability", rule.probability},
                      {"status", rule.status},
                      {"retryAfter", rule.retry_after_seconds},
                      {"delayMs", rule.delay.count()}});
  }
  return {{"seed", plan.seed}, {"faults", std::move(faults)}};
}

bool FaultPathMatches(std::string_view pattern, std::string_view path,
                      std::string_view route_template) {
  return (!route_template.empty() && pattern == route_template) ||
         GlobMatches(pattern, path);
}

void FaultInjector::SetPlan(FaultPlan plan) {
  plan_ = std::move(plan);
  random_.seed(plan_.seed);
}

FaultDecision FaultInjector::Decide(std::string_view method,
                                    std::string_view path,
                                    std::string_view route_template) {
  FaultDecision decision;
  for (FaultRule& rule : plan_.rules) {
    if (rule.count == 0) continue;
    if (!rule.method.empty() && !EqualsIgnoreCase(rule.method, method))
      continue;
    if (!FaultPathMatches(rule.path, path, route_template)) continue;
    if (rule.probability < 1.0) {
      // 53 random bits as a double in [0, 1): the same on every platform,
      // unlike std::uniform_real_distribution.
      const double draw =
          static_cast<double>(random_() >> 11) * (1.0 / 9007199254740992.0);
      if (draw >= rule.probability) continue;
    }
    const bool replaces = rule.kind == FaultKind::kThrottle ||
                          rule.kind == FaultKind::kServerError ||
                          rule.kind == FaultKind::kDropConnection ||
                          rule.kind == FaultKind::kTimeoutAfterCommit;
    if (replaces && decision.outcome) continue;  // one outcome per request
    if (rule.count > 0) --rule.count;
    if (!decision.fired.empty()) decision.fired += ',';
    decision.fired += FaultKindName(rule.kind);
    if (rule.kind == FaultKind::kExpireTokens) decision.expire_tokens = true;
    if (rule.kind == FaultKind::kLatency ||
        rule.kind == FaultKind::kDropConnection ||
        rule.kind == FaultKind::kTimeoutAfterCommit) {
      decision.delay += rule.delay;
    }
    if (replaces) decision.outcome = rule;
  }
  return decision;
}

}  // namespace bssflow::simulators::partner_center
