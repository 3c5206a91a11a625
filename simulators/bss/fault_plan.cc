#include "simulators/bss/fault_plan.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <type_traits>
#include <utility>

namespace bssflow::simulators::bss {
namespace {

constexpr std::array<FaultKind, 5> kKinds = {
    FaultKind::kLatency, FaultKind::kThrottle, FaultKind::kServerError,
    FaultKind::kDropConnection, FaultKind::kExpireToken};

char Lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Reads optional member `name` of `rule` into `out` when present; an error
// names the rule, the member and the expected type.
template <typename T>
Status ReadMember(const Json& rule, const std::string& where, const char* name,
                  const char* expected, T& out) {
  auto it = rule.find(name);
  if (it == rule.end()) return Status::Ok();
  bool fits = false;
  if constexpr (std::is_same_v<T, std::string>) fits = it->is_string();
  if constexpr (std::is_same_v<T, bool>) fits = it->is_boolean();
  if constexpr (std::is_same_v<T, int>) fits = it->is_number_integer();
  if constexpr (std::is_same_v<T, double>) fits = it->is_number();
  if (!fits) {
    return Status::Error(where + "." + name + ": expected " + expected +
                         ", got " + it->dump());
  }
  out = it->template get<T>();
  return Status::Ok();
}

Result<FaultKind> ParseKind(const Json& rule, const std::string& where) {
  std::string name;
  Status read = ReadMember(rule, where, "Kind", "a string", name);
  if (!read.ok()) return read;
  for (FaultKind kind : kKinds) {
    if (FaultKindName(kind) == name) return kind;
  }
  return Status::Error(where +
                       ".Kind: expected one of Latency, Throttle, ServerError, "
                       "DropConnection, ExpireToken, got \"" +
                       name + "\"");
}

Status CheckRanges(const FaultRule& rule, const std::string& where) {
  if (rule.skip < 0) return Status::Error(where + ".Skip: must be >= 0");
  if (rule.count < -1 || rule.count == 0) {
    return Status::Error(where + ".Count: must be >= 1, or -1 for no limit");
  }
  if (rule.probability < 0 || rule.probability > 1) {
    return Status::Error(where + ".Probability: must be between 0 and 1");
  }
  if (rule.status < 500 || rule.status > 599) {
    return Status::Error(where + ".Status: must be between 500 and 599");
  }
  if (rule.retry_after_seconds < 0) {
    return Status::Error(where + ".RetryAfterSeconds: must be >= 0");
  }
  return Status::Ok();
}

Result<FaultRule> ParseRule(const Json& json, const std::string& where) {
  if (!json.is_object()) return Status::Error(where + ": expected an object");
  if (!json.contains("Kind")) return Status::Error(where + ".Kind: missing");
  Result<FaultKind> kind = ParseKind(json, where);
  if (!kind.ok()) return kind.status();
  FaultRule rule;
  rule.kind = kind.value();
  int latency_ms = 0;
  for (const Status& status :
       {ReadMember(json, where, "Method", "a string", rule.method),
        ReadMember(json, where, "Path", "a string", rule.path),
        ReadMember(json, where, "Skip", "an integer", rule.skip),
        ReadMember(json, where, "Count", "an integer", rule.count),
        ReadMember(json, where, "Probability", "a number", rule.probability),
        ReadMember(json, where, "LatencyMs", "an integer", latency_ms),
        ReadMember(json, where, "RetryAfterSeconds", "an integer",
                   rule.retry_after_seconds),
        ReadMember(json, where, "Status", "an integer", rule.status),
        ReadMember(json, where, "AfterProcessing", "a boolean",
                   rule.after_processing)}) {
    if (!status.ok()) return status;
  }
  if (latency_ms < 0) return Status::Error(where + ".LatencyMs: must be >= 0");
  rule.latency = std::chrono::milliseconds(latency_ms);
  Status ranges = CheckRanges(rule, where);
  if (!ranges.ok()) return ranges;
  return rule;
}

}  // namespace

std::string_view FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kLatency:
      return "Latency";
    case FaultKind::kThrottle:
      return "Throttle";
    case FaultKind::kServerError:
      return "ServerError";
    case FaultKind::kDropConnection:
      return "DropConnection";
    case FaultKind::kExpireToken:
      return "ExpireToken";
  }
  return "ServerError";
}

Result<FaultPlan> ParseFaultPlan(const Json& json) {
  if (!json.is_object()) return Status::Error("expected a JSON object");
  FaultPlan plan;
  if (auto seed = json.find("Seed"); seed != json.end()) {
    if (!seed->is_number_unsigned()) {
      return Status::Error("Seed: expected a non-negative integer, got " +
                           seed->dump());
    }
    plan.seed = seed->get<std::uint64_t>();
  }
  auto rules = json.find("Rules");
  if (rules == json.end() || !rules->is_array()) {
    return Status::Error("Rules: expected an array of rules");
  }
  for (std::size_t i = 0; i < rules->size(); ++i) {
    Result<FaultRule> rule =
        ParseRule((*rules)[i], "Rules[" + std::to_string(i) + "]");
    if (!rule.ok()) return rule.status();
    plan.rules.push_back(std::move(rule).value());
  }
  return plan;
}

bool GlobMatches(std::string_view glob, std::string_view path) {
  // Iterative wildcard match with backtracking to the last '*'.
  std::size_t g = 0, p = 0, star = std::string_view::npos, mark = 0;
  while (p < path.size()) {
    if (g < glob.size() && glob[g] == '*') {
      star = g++;
      mark = p;
    } else if (g < glob.size() && Lower(glob[g]) == Lower(path[p])) {
      ++g;
      ++p;
    } else if (star != std::string_view::npos) {
      g = star + 1;
      p = ++mark;
    } else {
      return false;
    }
  }
  while (g < glob.size() && glob[g] == '*') ++g;
  return g == glob.size();
}

FaultInjector::FaultInjector(std::uint64_t seed) : random_(seed) {}

void FaultInjector::Add(const FaultPlan& plan) {
  if (plan.seed) random_.seed(*plan.seed);
  for (const FaultRule& rule : plan.rules) rules_.push_back({rule, 0, 0});
}

void FaultInjector::Clear() { rules_.clear(); }

bool FaultInjector::Hits(ActiveRule& active, std::string_view method,
                         std::string_view path) {
  const FaultRule& rule = active.rule;
  if (rule.count != -1 && active.hits >= rule.count) return false;
  if (rule.method != "*" && !GlobMatches(rule.method, method)) return false;
  if (!GlobMatches(rule.path, path)) return false;
  if (++active.seen <= rule.skip) return false;
  if (rule.probability < 1.0) {
    std::uniform_real_distribution<double> draw(0.0, 1.0);
    if (draw(random_) >= rule.probability) return false;
  }
  ++active.hits;
  return true;
}

FaultDecision FaultInjector::Decide(std::string_view method,
                                    std::string_view path) {
  FaultDecision decision;
  for (ActiveRule& active : rules_) {
    if (!Hits(active, method, path)) continue;
    decision.delay += active.rule.latency;
    if (active.rule.kind != FaultKind::kLatency) {
      decision.fault = active.rule;
      break;
    }
  }
  return decision;
}

Json FaultInjector::ToJson() const {
  Json rules = Json::array();
  for (const ActiveRule& active : rules_) {
    const FaultRule& rule = active.rule;
    rules.push_back({{"Method", rule.method},
                     {"Path", rule.path},
                     {"Kind", std::string(FaultKindName(rule.kind))},
                     {"Skip", rule.skip},
                     {"Count", rule.count},
                     {"Probability", rule.probability},
                     {"LatencyMs", rule.latency.count()},
                     {"RetryAfterSeconds", rule.retry_after_seconds},
                     {"Status", rule.status},
                     {"AfterProcessing", rule.after_processing},
                     {"Seen", active.seen},
                     {"Hits", active.hits}});
  }
  return {{"Rules", rules}};
}

}  // namespace bssflow::simulators::bss
