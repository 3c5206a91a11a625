// Fault injection for the Partner Center simulator: which requests suffer
// which fault. A FaultPlan is data (set from tests, or as JSON through
// POST /_sim/faults); a FaultInjector applies it to the requests one by one,
// with a seeded random generator for probabilistic faults, so a run with the
// same plan and the same requests sees the same faults.
#ifndef BSSFLOW_SIMULATORS_PARTNER_CENTER_FAULT_PLAN_H_
#define BSSFLOW_SIMULATORS_PARTNER_CENTER_FAULT_PLAN_H_

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace bssflow::simulators::partner_center {

/// What a fault does to a request.
enum class FaultKind {
  /// Adds `delay`; the request is then handled normally.
  kLatency,
  /// 429 with Retry-After: `retry_after_seconds`; not handled.
  kThrottle,
  /// `status` (500, 502, 503 or 504) with a Partner Center error body; not
  /// handled.
  kServerError,
  /// The connection is dropped after `delay`; not handled.
  kDropConnection,
  /// The request IS handled (a create takes the domain), then the
  /// connection is dropped after `delay`: the client sees a timeout after
  /// the simulator acted ("a create that fails after taking the domain").
  kTimeoutAfterCommit,
  /// Every issued access token is revoked before the request is handled,
  /// so it (and any other call with an old token) gets 401.
  kExpireTokens,
};

/// The JSON name of `kind`: "latency", "throttle", "server_error", "drop",
/// "timeout_after_commit", "expire_tokens".
std::string_view FaultKindName(FaultKind kind);

/// One rule: a kind of fault, which requests it targets, and how often.
struct FaultRule {
  FaultKind kind = FaultKind::kServerError;
  /// HTTP method to match ("POST"); empty matches any.
  std::string method;
  /// Glob over the request path ('*' matches any run of characters,
  /// slashes included), or a route template such as
  /// "/v1/customers/{id}/users". The default matches every path.
  std::string path = "*";
  /// How many more matching requests suffer the fault; negative means no
  /// limit. A rule whose count reaches 0 stays in the plan, spent.
  int count = -1;
  /// Chance that a matching request suffers the fault, drawn from the
  /// plan's seeded generator; 1 means always.
  double probability = 1.0;
  /// kServerError: the status sent.
  int status = 503;
  /// kThrottle: the Retry-After seconds.
  int retry_after_seconds = 57;
  /// kLatency, kDropConnection, kTimeoutAfterCommit: how long the host
  /// waits before answering or dropping.
  std::chrono::milliseconds delay{0};
};

/// The rules, applied in order, and the seed for probabilistic ones.
struct FaultPlan {
  std::uint64_t seed = 1;
  std::vector<FaultRule> rules;
};

/// Reads a plan from its JSON form (see docs/simulators/partner-center.md):
/// {"seed": 7, "faults": [{"kind": "server_error", "method": "POST",
/// "path": "/v1/customers", "count": 2, "status": 503}, ...]}. Unknown
/// members or kinds, and out-of-range values, are errors naming the fault's
/// index and the member.
Result<FaultPlan> ParseFaultPlan(const nlohmann::json& json);

/// The plan as JSON, counts as they stand (the same shape ParseFaultPlan
/// reads).
nlohmann::json FaultPlanJson(const FaultPlan& plan);

/// Whether `path` matches `pattern` (a glob or route template, as in
/// FaultRule::path). `route_template` is the matched route's template, or
/// empty.
bool FaultPathMatches(std::string_view pattern, std::string_view path,
                      std::string_view route_template);

/// What the matching rules decided for one request.
struct FaultDecision {
  std::chrono::milliseconds delay{0};
  bool expire_tokens = false;
  /// The fault that replaces the answer (kThrottle, kServerError,
  /// kDropConnection) or follows it (kTimeoutAfterCommit); the first such
  /// rule that fires wins.
  std::optional<FaultRule> outcome;
  /// Names of every rule that fired, for the call log ("latency,drop").
  std::string fired;
};

/// Applies a plan. Not thread-safe: the simulator calls it under its mutex.
class FaultInjector {
 public:
  FaultInjector() : random_(1) {}

  /// Replaces the plan and reseeds the generator with the plan's seed.
  void SetPlan(FaultPlan plan);
  const FaultPlan& plan() const { return plan_; }

  /// Decides the faults for one request, spending the counts of the rules
  /// that fire. The generator is drawn once per matching rule with a
  /// probability below 1, fired or not.
  FaultDecision Decide(std::string_view method, std::string_view path,
                       std::string_view route_template);

 private:
  FaultPlan plan_;
  std::mt19937_64 random_;
};

}  // namespace bssflow::simulators::partner_center

#endif  // BSSFLOW_SIMULATORS_PARTNER_CENTER_FAULT_PLAN_H_
