// Fault injection for the BSS simulator: rules that pick requests by method
// and path and make them slow, throttled (429 + Retry-After), failed (5xx),
// dropped, or carrying an expired token. A rule hits a fixed number of
// matching requests (after skipping some), or each one with a probability
// drawn from a seeded generator, so every test run sees the same faults.
#ifndef BSSFLOW_SIMULATORS_BSS_FAULT_PLAN_H_
#define BSSFLOW_SIMULATORS_BSS_FAULT_PLAN_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "simulators/bss/bss_json.h"

namespace bssflow::simulators::bss {

/// What a rule does to the requests it hits.
enum class FaultKind {
  /// Answer normally, `latency` later.
  kLatency,
  /// 429 with Retry-After, without acting on the request.
  kThrottle,
  /// `status` (5xx), without acting on the request.
  kServerError,
  /// Close the connection without answering; before or after acting on the
  /// request (`after_processing`).
  kDropConnection,
  /// The request's bearer token expires now (so it gets 401, and so does
  /// every later request with that token).
  kExpireToken,
};

/// "Latency", "Throttle", "ServerError", "DropConnection", "ExpireToken".
std::string_view FaultKindName(FaultKind kind);

/// One fault rule. Every field has a usable default.
struct FaultRule {
  /// "GET", "POST", ... (any case), or "*" for every method.
  std::string method = "*";
  /// A glob over the request path without its query, compared ignoring case:
  /// '*' matches any run of characters, '/' included ("/api/Accounts/*").
  std::string path = "*";
  FaultKind kind = FaultKind::kServerError;
  /// Matching requests let through untouched before the rule starts hitting.
  int skip = 0;
  /// How many requests the rule hits before it is spent; -1: no limit.
  int count = 1;
  /// The chance, in [0, 1], that a matching request is hit.
  double probability = 1.0;
  /// Added to the response's delay by every kind (kLatency's whole effect).
  std::chrono::milliseconds latency{0};
  /// kThrottle: the Retry-After header, in seconds.
  int retry_after_seconds = 1;
  /// kServerError: the status, 500 to 599.
  int status = 503;
  /// kDropConnection: act on the request, then drop (a request that timed
  /// out after the BSS did the work) instead of dropping it unread.
  bool after_processing = false;
};

/// A set of rules and, optionally, a new seed for the probability draws.
struct FaultPlan {
  std::optional<std::uint64_t> seed;
  std::vector<FaultRule> rules;
};

/// Reads a plan from its JSON form (docs/simulators/bss.md):
/// {"Seed": 7, "Rules": [{"Method", "Path", "Kind", "Skip", "Count",
/// "Probability", "LatencyMs", "RetryAfterSeconds", "Status",
/// "AfterProcessing"}]}. Errors name the member and what was expected.
Result<FaultPlan> ParseFaultPlan(const Json& json);

/// What to do to one request.
struct FaultDecision {
  std::chrono::milliseconds delay{0};
  /// The fault other than latency that hit the request, if any; at most one.
  std::optional<FaultRule> fault;
};

/// The active rules and their counters. Not thread-safe: BssSimulator calls
/// it under its mutex.
class FaultInjector {
 public:
  explicit FaultInjector(std::uint64_t seed = 1);

  /// Appends rules, and reseeds when the plan carries a seed.
  void Add(const FaultPlan& plan);
  /// Removes every rule (the seed stays).
  void Clear();

  /// Decides for one request: every latency rule that hits adds its delay;
  /// the first other rule that hits is the fault, and rules after it are not
  /// consulted. A rule counts only the requests that reach it.
  FaultDecision Decide(std::string_view method, std::string_view path);

  /// The rules with what each has seen and hit, for GET /_sim/faults.
  Json ToJson() const;

 private:
  struct ActiveRule {
    FaultRule rule;
    int seen = 0;
    int hits = 0;
  };

  bool Hits(ActiveRule& active, std::string_view method, std::string_view path);

  std::vector<ActiveRule> rules_;
  std::mt19937_64 random_;
};

/// Whether `path` matches `glob` ('*' = any run of characters), ignoring case.
bool GlobMatches(std::string_view glob, std::string_view path);

}  // namespace bssflow::simulators::bss

#endif  // BSSFLOW_SIMULATORS_BSS_FAULT_PLAN_H_
