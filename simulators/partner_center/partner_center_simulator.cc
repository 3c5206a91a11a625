#include "simulators/partner_center/partner_center_simulator.h"

#include <boost/beast/http/field.hpp>
#include <utility>
#include <vector>

#include "simulators/partner_center/api_responses.h"
#include "simulators/partner_center/routes.h"

namespace bssflow::simulators::partner_center {
namespace {

namespace http = boost::beast::http;

// Keeps the token stream apart from the resource ids, so that signing in
// more or less often does not change the ids of created tenants.
constexpr std::uint64_t kTokenSeedSalt = 0x9e3779b97f4a7c15ULL;

struct Route {
  http::verb method;
  std::string_view pattern;  // "{name}" segments match any one segment
  RouteHandler handler;
  bool needs_token;
};

const Route kRoutes[] = {
    {http::verb::post, "/{tenant}/oauth2/token", HandleToken, false},
    {http::verb::post, "/{tenant}/oauth2/v2.0/token", HandleToken, false},
    {http::verb::head, "/v1/domains/{domain}", HandleDomainExists, true},
    {http::verb::get, "/v1/customers", HandleListCustomers, true},
    {http::verb::post, "/v1/customers", HandleCreateCustomer, true},
    {http::verb::get, "/v1/customers/{id}", HandleGetCustomer, true},
    {http::verb::get, "/v1/customers/{id}/users", HandleListUsers, true},
    {http::verb::post, "/v1/customers/{id}/users", HandleCreateUser, true},
    {http::verb::post, "/v1/customers/{id}/agreements", HandleCreateAgreement,
     true},
    {http::verb::post, "/v1/validations/address", HandleValidateAddress, true},
    {http::verb::get, "/v1/countryvalidationrules/{iso2}", HandleCountryRules,
     true},
    {http::verb::get, "/v1/relationships", HandleRelationships, true},
    {http::verb::get, "/v1/profiles/mpn", HandleMpnProfile, true},
    {http::verb::get, "/v1/compliance/csp/agreementstatus",
     HandleAgreementStatus, true},
    {http::verb::get, "/v1/agreements", HandleAgreementTemplates, true},
};

std::string_view ToStd(boost::beast::string_view text) {
  return std::string_view(text.data(), text.size());
}

// Matches `segments` against a pattern; fills `params` on success.
bool PatternMatches(std::string_view pattern,
                    const std::vector<std::string>& segments,
                    std::vector<std::string>& params) {
  const RequestTarget parsed = ParseRequestTarget(pattern);
  if (parsed.segments.size() != segments.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& part = parsed.segments[i];
    if (part.front() == '{') {
      params.push_back(segments[i]);
    } else if (part != segments[i]) {
      return false;
    }
  }
  return true;
}

// The bearer token of `request` if it is known and unexpired.
const IssuedToken* BearerToken(const HttpRequest& request,
                               PartnerCenterState& state,
                               std::chrono::system_clock::time_point now) {
  const std::string_view header = ToStd(request[http::field::authorization]);
  constexpr std::string_view kScheme = "bearer ";
  if (!StartsWithIgnoreCase(header, kScheme)) return nullptr;
  const auto it = state.tokens.find(std::string(header.substr(kScheme.size())));
  if (it == state.tokens.end()) return nullptr;
  if (now >= it->second.expires_at) {
    state.tokens.erase(it);
    return nullptr;
  }
  return &it->second;
}

HttpResponse Unauthorized() {
  HttpResponse response = ErrorResponse(
      {http::status::unauthorized, error_code::kUnauthorized,
       "The access token is missing, invalid or expired: get a new one from "
       "POST /{tenant}/oauth2/token and send it as 'Authorization: Bearer "
       "<token>'."});
  response.set(http::field::www_authenticate, "Bearer error=\"invalid_token\"");
  return response;
}

HttpResponse FaultResponse(const FaultRule& rule) {
  if (rule.kind == FaultKind::kThrottle) {
    return ThrottleResponse(rule.retry_after_seconds);
  }
  const auto status = static_cast<http::status>(rule.status);
  return ErrorResponse(
      {status, rule.status,
       "Simulated fault: " + std::string(http::obsolete_reason(status)) +
           ". Try again later."});
}

}  // namespace

struct PartnerCenterSimulator::RouteMatch {
  const Route* route = nullptr;
  std::vector<std::string> params;

  std::string Key(std::string_view method) const {
    return route == nullptr
               ? "unknown"
               : std::string(method) + " " + std::string(route->pattern);
  }
};

PartnerCenterSimulator::PartnerCenterSimulator(PartnerCenterOptions options,
                                               PartnerCenterState seed)
    : options_(std::move(options)),
      seed_(std::move(seed)),
      ids_(options_.seed),
      tokens_(options_.seed ^ kTokenSeedSalt) {
  ResetLocked();
}

SimulatedResponse PartnerCenterSimulator::Handle(const HttpRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  const RequestTarget target = ParseRequestTarget(ToStd(request.target()));
  SimulatedResponse out;
  if (!target.segments.empty() && target.segments.front() == "_sim") {
    out.response = HandleInspection(request, target);
  } else {
    out = HandleApi(request, target);
  }
  out.response.version(request.version());
  out.response.keep_alive(request.keep_alive());
  out.response.prepare_payload();
  return out;
}

SimulatedResponse PartnerCenterSimulator::HandleApi(
    const HttpRequest& request, const RequestTarget& target) {
  const std::string_view method = ToStd(request.method_string());
  RouteMatch match;
  for (const Route& route : kRoutes) {
    if (route.method == request.method() &&
        PatternMatches(route.pattern, target.segments, match.params)) {
      match.route = &route;
      break;
    }
  }
  const std::string route_key = match.Key(method);
  ++state_.call_counts[route_key];
  const FaultDecision fault = faults_.Decide(
      method, target.path, match.route ? match.route->pattern : "");
  if (fault.expire_tokens) state_.tokens.clear();
  SimulatedResponse out;
  out.delay = fault.delay;
  const FaultKind outcome =
      fault.outcome ? fault.outcome->kind : FaultKind::kLatency;
  const bool replaced =
      fault.outcome && outcome != FaultKind::kTimeoutAfterCommit;
  out.drop_connection = outcome == FaultKind::kDropConnection ||
                        outcome == FaultKind::kTimeoutAfterCommit;
  out.response =
      replaced ? FaultResponse(*fault.outcome) : Answer(request, target, match);
  // A connection dropped before handling produced no status at all.
  const bool unanswered = outcome == FaultKind::kDropConnection;
  LogCall(request, route_key,
          unanswered ? 0 : static_cast<int>(out.response.result_int()),
          fault.fired, out.drop_connection);
  // Every Partner Center answer echoes the request's ids and adds MS-CV.
  for (const char* name : {"MS-RequestId", "MS-CorrelationId"}) {
    const auto value = request[name];
    if (!value.empty()) out.response.set(name, value);
  }
  out.response.set("MS-CV", "bssflowsim." + std::to_string(++cv_counter_));
  return out;
}

HttpResponse PartnerCenterSimulator::Answer(const HttpRequest& request,
                                            const RequestTarget& target,
                                            const RouteMatch& match) {
  if (match.route == nullptr) {
    return ErrorResponse({http::status::not_found, error_code::kNotFound,
                          "No resource at " +
                              std::string(ToStd(request.method_string())) +
                              " " + target.path + "."});
  }
  RouteContext ctx{request,  target, match.params, state_,
                   options_, ids_,   tokens_,      Now()};
  if (match.route->needs_token) {
    ctx.token = BearerToken(request, state_, ctx.now);
    if (ctx.token == nullptr) return Unauthorized();
  }
  return match.route->handler(ctx);
}

void PartnerCenterSimulator::LogCall(const HttpRequest& request,
                                     const std::string& route, int status,
                                     const std::string& fault, bool dropped) {
  CallRecord record;
  record.sequence = state_.next_call_sequence++;
  record.method = std::string(ToStd(request.method_string()));
  record.target = std::string(ToStd(request.target()));
  record.route = route;
  record.request_id = std::string(ToStd(request["MS-RequestId"]));
  record.status = status;
  record.fault = fault;
  record.dropped = dropped;
  state_.calls.push_back(std::move(record));
  while (state_.calls.size() > options_.max_call_log) state_.calls.pop_front();
}

void PartnerCenterSimulator::SetFaultPlan(FaultPlan plan) {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_.SetPlan(std::move(plan));
}

void PartnerCenterSimulator::ClearFaults() {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_.SetPlan(FaultPlan{});
}

FaultPlan PartnerCenterSimulator::fault_plan() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return faults_.plan();
}

void PartnerCenterSimulator::Reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  ResetLocked();
}

void PartnerCenterSimulator::ResetLocked() {
  // Issued tokens outlive a reset (see the header).
  std::map<std::string, IssuedToken> tokens = std::move(state_.tokens);
  std::set<std::string> refresh_tokens = std::move(state_.refresh_tokens);
  state_ = seed_;
  state_.tokens = std::move(tokens);
  state_.refresh_tokens = std::move(refresh_tokens);
  state_.refresh_tokens.insert(options_.refresh_token);
  ids_ = IdSource(options_.seed);
  faults_.SetPlan(FaultPlan{});
  cv_counter_ = 0;
}

PartnerCenterState PartnerCenterSimulator::Snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_;
}

nlohmann::json PartnerCenterSimulator::StateJson() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return StateJsonLocked();
}

std::chrono::system_clock::time_point PartnerCenterSimulator::Now() const {
  return options_.clock ? options_.clock() : std::chrono::system_clock::now();
}

}  // namespace bssflow::simulators::partner_center
