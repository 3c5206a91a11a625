// The inspection and control endpoints under /_sim/: no authentication, no
// faults, not logged. Called by BssSimulator::Handle with the mutex held.
#include <utility>

#include "simulators/bss/bss_simulator.h"

namespace bssflow::simulators::bss {
namespace {

namespace http = boost::beast::http;

Json CallToJson(const CallRecord& call) {
  return {{"Seq", call.seq},
          {"At", FormatTime(call.at)},
          {"Method", call.method},
          {"Target", call.target},
          {"Status", call.status ? Json(*call.status) : Json(nullptr)},
          {"Fault", call.fault.empty() ? Json(nullptr) : Json(call.fault)},
          {"Dropped", call.dropped},
          {"DelayMs", call.delay_ms},
          {"IdempotencyKey", call.idempotency_key.empty()
                                 ? Json(nullptr)
                                 : Json(call.idempotency_key)}};
}

}  // namespace

HttpResponse BssSimulator::HandleSim(const HttpRequest& request,
                                     const ParsedTarget& target) {
  using V = http::verb;
  const std::vector<std::string>& path = target.segments;
  V method = request.method();
  std::string resource = path.size() == 2 ? path[1] : "";
  if (resource == "state" && method == V::get) {
    return JsonResponse(request, 200, StateToJson(state_, clock_()));
  }
  if (resource == "faults" && method == V::get) {
    return JsonResponse(request, 200, faults_.ToJson());
  }
  if (resource == "faults" && method == V::post) return PostFaults(request);
  if (resource == "faults" && method == V::delete_) {
    faults_.Clear();
    return JsonResponse(request, 200, faults_.ToJson());
  }
  if (resource == "reset" && method == V::post) {
    state_ = initial_;
    faults_.Clear();
    calls_.clear();
    next_call_seq_ = 1;
    return JsonResponse(request, 200, {{"Reset", true}});
  }
  if (resource == "calls" && method == V::get) {
    return JsonResponse(request, 200, CallsJson());
  }
  if (resource == "notifications" && method == V::get) {
    Json items = Json::array();
    for (const SentNotification& sent : state_.notifications) {
      items.push_back(NotificationToJson(sent));
    }
    return JsonResponse(request, 200,
                        {{"TotalCount", items.size()}, {"Items", items}});
  }
  return ProblemResponse(request, 404, "route-not-found", "No such endpoint",
                         "No simulator endpoint answers " +
                             std::string(request.method_string()) + " " +
                             target.path + ".");
}

HttpResponse BssSimulator::PostFaults(const HttpRequest& request) {
  Json body = Json::parse(request.body(), nullptr, false);
  Result<FaultPlan> plan =
      body.is_discarded()
          ? Result<FaultPlan>(Status::Error("the body is not valid JSON"))
          : ParseFaultPlan(body);
  if (!plan.ok()) {
    return ProblemResponse(
        request, 400, "invalid-fault-plan", "Invalid fault plan",
        "The fault plan was not added: " + plan.status().message() + ".");
  }
  faults_.Add(plan.value());
  return JsonResponse(request, 200, faults_.ToJson());
}

Json BssSimulator::CallsJson() const {
  Json items = Json::array();
  for (const CallRecord& call : calls_) items.push_back(CallToJson(call));
  return {{"TotalCount", items.size()}, {"Items", items}};
}

}  // namespace bssflow::simulators::bss
