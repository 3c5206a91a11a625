// The BSS REST contract (docs/connectors/bss.md) over a BssState: routing,
// OAuth2 tokens and one handler per endpoint. Internal to the simulator:
// BssSimulator owns one, calls it under its mutex and adds faults, the call
// log and the /_sim/ endpoints around it.
#ifndef BSSFLOW_SIMULATORS_BSS_BSS_API_H_
#define BSSFLOW_SIMULATORS_BSS_BSS_API_H_

#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "simulators/bss/bss_json.h"
#include "simulators/bss/bss_state.h"
#include "simulators/bss/rest_io.h"
#include "simulators/simulated_response.h"

namespace bssflow::simulators::bss {

/// The time source: token expiry and timestamps. Tests pass a fake.
using Clock = std::function<TimePoint()>;

/// One request matched to a route.
struct ApiCall {
  const HttpRequest& request;
  const ParsedTarget& target;
  /// The route's "{}" segments, in order (account id, system code, ...).
  std::vector<std::string> params;
};

/// Answers /oauth/token and /api/... requests against a state it does not
/// own. Not thread-safe: the caller serializes calls (BssSimulator's mutex).
class BssApi {
 public:
  /// `state` must outlive the BssApi; `seed` seeds the token generator.
  BssApi(BssState& state, Clock clock, std::uint64_t seed);

  BssApi(const BssApi&) = delete;
  BssApi& operator=(const BssApi&) = delete;

  /// The response to one request whose path starts with /oauth or /api:
  /// 404 for an unknown route, 405 for a known route with another method,
  /// 401 for a missing, unknown or expired token on /api routes.
  HttpResponse Handle(const HttpRequest& request, const ParsedTarget& target);

  /// The ExpireToken fault: the request's bearer token (if known) expires
  /// now.
  void ExpireTokenOf(const HttpRequest& request);

 private:
  using Handler = HttpResponse (BssApi::*)(const ApiCall&);
  struct Route {
    boost::beast::http::verb method;
    std::string_view pattern;
    Handler handler;
    bool needs_token;
  };
  static const std::vector<Route>& Routes();

  std::optional<HttpResponse> Authenticate(const HttpRequest& request);
  std::string NewTokenValue();

  // bss_api.cc: POST /oauth/token.
  HttpResponse PostToken(const ApiCall& call);

  // bss_api_accounts.cc.
  HttpResponse ListAccounts(const ApiCall& call);
  HttpResponse GetAccount(const ApiCall& call);
  HttpResponse PutCustomerCode(const ApiCall& call);
  HttpResponse DeleteCustomerCode(const ApiCall& call);
  /// Links `account` to `code` under the rules of PUT .../customercode;
  /// nullopt on success, else the 409 or 400 to send.
  std::optional<HttpResponse> LinkCustomerCode(const ApiCall& call,
                                               Account& account,
                                               const std::string& code,
                                               bool allow_shared);

  // bss_api_sync.cc.
  HttpResponse ListSystems(const ApiCall& call);
  HttpResponse GetSystem(const ApiCall& call);
  HttpResponse GetDefinitions(const ApiCall& call);
  HttpResponse PutDefinitions(const ApiCall& call);
  HttpResponse GetSyncOptions(const ApiCall& call);
  HttpResponse PutSyncOptions(const ApiCall& call);
  HttpResponse GetSyncStatus(const ApiCall& call);
  HttpResponse PutSyncStatus(const ApiCall& call);
  Json SyncOptionsJson(std::int64_t account_id, std::string_view system_code);

  // bss_api_notifications.cc.
  HttpResponse ListTemplates(const ApiCall& call);
  HttpResponse GetTemplate(const ApiCall& call);
  HttpResponse PostNotification(const ApiCall& call);
  HttpResponse GetNotification(const ApiCall& call);

  /// The account named by path parameter `index`, or nullptr (also for an
  /// id that is not a number).
  Account* FindAccount(const ApiCall& call, std::size_t index);
  /// The system named by path parameter `index`, or nullptr.
  const ProvisioningSystem* FindSystem(const ApiCall& call, std::size_t index);

  BssState& state_;
  Clock clock_;
  std::mt19937_64 token_random_;
};

/// The request body as JSON, or the 400 problem to answer with.
std::variant<Json, HttpResponse> JsonBody(const ApiCall& call);

/// 400 "invalid-request": the body or query breaks the contract (`detail`
/// says how).
HttpResponse InvalidRequest(const ApiCall& call, std::string detail);

/// 404 "account-not-found" for path parameter `index`.
HttpResponse AccountNotFound(const ApiCall& call, std::size_t index);

/// 404 "system-not-found" for path parameter `index`.
HttpResponse SystemNotFound(const ApiCall& call, std::size_t index);

}  // namespace bssflow::simulators::bss

#endif  // BSSFLOW_SIMULATORS_BSS_BSS_API_H_
