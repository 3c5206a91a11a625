// The BSS simulator: a pure request handler that speaks the BSS REST
// contract of docs/connectors/bss.md over an in-memory BssState (by default
// the demo data of demo_seed.h), with fault injection and the inspection
// endpoints under /_sim/ (docs/simulators/bss.md). It never touches a socket
// and never sleeps: the host (simulators/host) acts out the returned delay
// and dropped connection.
//
// Thread safety: Handle() and every other member may be called from any
// number of threads at once. One mutex guards the state, the fault rules
// and the call log; each request is handled whole under it, so requests are
// atomic with respect to each other (a resent notification racing the first
// is still sent once).
#ifndef BSSFLOW_SIMULATORS_BSS_BSS_SIMULATOR_H_
#define BSSFLOW_SIMULATORS_BSS_BSS_SIMULATOR_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "simulators/bss/bss_api.h"
#include "simulators/bss/bss_state.h"
#include "simulators/bss/demo_seed.h"
#include "simulators/bss/fault_plan.h"
#include "simulators/simulated_response.h"

namespace bssflow::simulators::bss {

/// How a BssSimulator behaves; every field has a default.
struct BssSimulatorOptions {
  /// The time source for token expiry and timestamps. Empty: the system
  /// clock. Tests pass a fake so that they never sleep.
  Clock clock;
  /// Seeds token values and the probabilities of fault rules (a fault plan
  /// may reseed the latter).
  std::uint64_t seed = 1;
  /// How many API calls GET /_sim/calls keeps; the oldest go first.
  std::size_t max_logged_calls = 10000;
};

/// One API call as the simulator saw it (GET /_sim/calls).
struct CallRecord {
  std::int64_t seq = 0;
  TimePoint at;
  std::string method;
  /// The request target, query included.
  std::string target;
  /// The status answered, or nullopt when the connection was dropped before
  /// the request was acted on. Set (with `dropped`) when it was dropped after.
  std::optional<int> status;
  /// The name of the fault that hit the call ("Throttle"), or "".
  std::string fault;
  bool dropped = false;
  std::int64_t delay_ms = 0;
  /// The Idempotency-Key header, or "".
  std::string idempotency_key;
};

/// The simulated BSS. Owns its state; see the file comment for threads.
class BssSimulator {
 public:
  /// Starts from `initial`, which POST /_sim/reset restores.
  explicit BssSimulator(BssState initial = DemoSeed(),
                        BssSimulatorOptions options = {});

  BssSimulator(const BssSimulator&) = delete;
  BssSimulator& operator=(const BssSimulator&) = delete;

  /// Answers one request: /oauth/token and /api/... per the contract (with
  /// faults), /_sim/... without auth, faults or logging.
  SimulatedResponse Handle(const HttpRequest& request);

  /// Adds fault rules, as POST /_sim/faults does.
  void AddFaults(const FaultPlan& plan);
  /// Removes all fault rules, as DELETE /_sim/faults does.
  void ClearFaults();
  /// Back to the initial state, no faults, an empty call log, as POST
  /// /_sim/reset does.
  void Reset();

  /// A copy of the current state.
  BssState Snapshot() const;
  /// A copy of the call log, oldest first.
  std::vector<CallRecord> Calls() const;

 private:
  SimulatedResponse HandleApi(const HttpRequest& request,
                              const ParsedTarget& target);
  HttpResponse FaultResponse(const HttpRequest& request,
                             const FaultRule& fault);
  void Log(const HttpRequest& request, const SimulatedResponse& result,
           const std::optional<FaultRule>& fault, bool acted);

  // sim_admin.cc: the /_sim/ endpoints.
  HttpResponse HandleSim(const HttpRequest& request,
                         const ParsedTarget& target);
  HttpResponse PostFaults(const HttpRequest& request);
  Json CallsJson() const;

  mutable std::mutex mutex_;
  const BssState initial_;
  BssState state_;
  Clock clock_;
  std::size_t max_logged_calls_;
  FaultInjector faults_;
  BssApi api_;
  std::deque<CallRecord> calls_;
  std::int64_t next_call_seq_ = 1;
};

}  // namespace bssflow::simulators::bss

#endif  // BSSFLOW_SIMULATORS_BSS_BSS_SIMULATOR_H_
