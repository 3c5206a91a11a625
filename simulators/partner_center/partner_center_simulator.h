// A simulated Microsoft Partner Center (with its Entra ID token endpoint),
// speaking the API of docs/partner-center-api.md, as a pure request handler:
// Handle() takes an HTTP request and returns the response plus the faults
// to act out (delay, dropped connection). It never touches a socket or
// sleeps; the host server (simulators/host) does that.
//
// Routes: POST /{tenant}/oauth2/token (and /oauth2/v2.0/token); under /v1,
// with a bearer token: HEAD domains/{domain}; GET/POST customers; GET
// customers/{id}; GET/POST customers/{id}/users; POST
// customers/{id}/agreements; POST validations/address; GET
// countryvalidationrules/{iso2}; GET relationships; GET profiles/mpn; GET
// compliance/csp/agreementstatus; GET agreements. Inspection and fault
// control, without authentication, under /_sim/ (state, calls, faults,
// reset). docs/simulators/partner-center.md describes each, with the demo
// data (state.h, DemoSeed) and the fault plan format (fault_plan.h).
//
// Thread safety: every public method may be called from any thread at any
// time; one mutex serializes them, so requests are handled one at a time in
// the order they take the lock.
#ifndef BSSFLOW_SIMULATORS_PARTNER_CENTER_PARTNER_CENTER_SIMULATOR_H_
#define BSSFLOW_SIMULATORS_PARTNER_CENTER_PARTNER_CENTER_SIMULATOR_H_

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "simulators/partner_center/fault_plan.h"
#include "simulators/partner_center/id_source.h"
#include "simulators/partner_center/partner_center_options.h"
#include "simulators/partner_center/request_target.h"
#include "simulators/partner_center/state.h"
#include "simulators/simulated_response.h"

namespace bssflow::simulators::partner_center {

/// The simulator. Owns its state; not copyable.
class PartnerCenterSimulator {
 public:
  /// Starts from `seed` (the demo data by default) with no faults. Reset()
  /// returns to the same seed.
  explicit PartnerCenterSimulator(PartnerCenterOptions options = {},
                                  PartnerCenterState seed = DemoSeed());
  PartnerCenterSimulator(const PartnerCenterSimulator&) = delete;
  PartnerCenterSimulator& operator=(const PartnerCenterSimulator&) = delete;

  /// Answers one request. Never throws for any input; unknown routes get a
  /// Partner Center 404. Every request outside /_sim/ is counted, logged and
  /// subject to the fault plan.
  SimulatedResponse Handle(const HttpRequest& request);

  /// Replaces the fault plan (as POST /_sim/faults does).
  void SetFaultPlan(FaultPlan plan);
  /// Removes every fault (as DELETE /_sim/faults does).
  void ClearFaults();
  /// The fault plan, counts as they stand.
  FaultPlan fault_plan() const;

  /// Back to the seed (as POST /_sim/reset does): tenants, partners,
  /// idempotency memory, continuation tokens, call log and counts, the id
  /// generator, and the fault plan. Issued access and refresh tokens stay
  /// valid, so connected clients need not sign in again.
  void Reset();

  /// A copy of the state, for tests.
  PartnerCenterState Snapshot() const;

  /// The state as GET /_sim/state shows it.
  nlohmann::json StateJson() const;

 private:
  struct RouteMatch;

  SimulatedResponse HandleApi(const HttpRequest& request,
                              const RequestTarget& target);
  HttpResponse Answer(const HttpRequest& request, const RequestTarget& target,
                      const RouteMatch& match);
  HttpResponse HandleInspection(const HttpRequest& request,
                                const RequestTarget& target);
  HttpResponse SetFaultsFromJson(const std::string& body);
  nlohmann::json CallsJson(const RequestTarget& target) const;
  void LogCall(const HttpRequest& request, const std::string& route, int status,
               const std::string& fault, bool dropped);
  void ResetLocked();
  nlohmann::json StateJsonLocked() const;
  std::size_t ActiveTokens() const;
  std::chrono::system_clock::time_point Now() const;

  const PartnerCenterOptions options_;
  const PartnerCenterState seed_;
  mutable std::mutex mutex_;
  PartnerCenterState state_;
  FaultInjector faults_;
  IdSource ids_;
  IdSource tokens_;
  std::uint64_t cv_counter_ = 0;
};

}  // namespace bssflow::simulators::partner_center

#endif  // BSSFLOW_SIMULATORS_PARTNER_CENTER_PARTNER_CENTER_SIMULATOR_H_
