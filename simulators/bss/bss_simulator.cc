#include "simulators/bss/bss_simulator.h"

#include <utility>

namespace bssflow::simulators::bss {
namespace {

namespace http = boost::beast::http;

Clock OrSystemClock(Clock clock) {
  if (clock) return clock;
  return [] { return std::chrono::system_clock::now(); };
}

std::string HeaderOf(const HttpRequest& request, std::string_view name) {
  auto header = request.find(name);
  return header == request.end() ? std::string() : std::string(header->value());
}

}  // namespace

BssSimulator::BssSimulator(BssState initial, BssSimulatorOptions options)
    : initial_(std::move(initial)),
      state_(initial_),
      clock_(OrSystemClock(std::move(options.clock))),
      max_logged_calls_(options.max_logged_calls),
      faults_(options.seed),
      api_(state_, clock_, options.seed) {}

SimulatedResponse BssSimulator::Handle(const HttpRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  ParsedTarget target = ParseTarget(
      std::string_view(request.target().data(), request.target().size()));
  if (!target.segments.empty() && target.segments.front() == "_sim") {
    return SimulatedResponse{HandleSim(request, target)};
  }
  return HandleApi(request, target);
}

SimulatedResponse BssSimulator::HandleApi(const HttpRequest& request,
                                          const ParsedTarget& target) {
  std::string_view method(request.method_string().data(),
                          request.method_string().size());
  FaultDecision decision = faults_.Decide(method, target.path);
  const std::optional<FaultRule>& fault = decision.fault;
  FaultKind kind = fault ? fault->kind : FaultKind::kLatency;
  if (kind == FaultKind::kExpireToken) api_.ExpireTokenOf(request);
  bool acts = kind == FaultKind::kLatency || kind == FaultKind::kExpireToken ||
              (kind == FaultKind::kDropConnection && fault->after_processing);
  SimulatedResponse result;
  result.delay = decision.delay;
  result.response =
      acts ? api_.Handle(request, target) : FaultResponse(request, *fault);
  result.drop_connection = kind == FaultKind::kDropConnection;
  Log(request, result, fault, acts);
  return result;
}

HttpResponse BssSimulator::FaultResponse(const HttpRequest& request,
                                         const FaultRule& fault) {
  if (fault.kind == FaultKind::kThrottle) {
    std::string seconds = std::to_string(fault.retry_after_seconds);
    HttpResponse response = ProblemResponse(
        request, 429, "rate-limited", "Too many requests",
        "Rate limit exceeded. Try again in " + seconds + " seconds.",
        {{"RetryAfter", fault.retry_after_seconds}});
    response.set(http::field::retry_after, seconds);
    return response;
  }
  if (fault.kind == FaultKind::kServerError) {
    auto status = static_cast<http::status>(fault.status);
    return ProblemResponse(request, fault.status, "server-error",
                           std::string(http::obsolete_reason(status)),
                           "The BSS failed to answer (simulated fault).");
  }
  // A connection dropped before the request was read: nothing is sent.
  HttpResponse unsent;
  unsent.version(request.version());
  unsent.result(http::status::internal_server_error);
  return unsent;
}

void BssSimulator::Log(const HttpRequest& request,
                       const SimulatedResponse& result,
                       const std::optional<FaultRule>& fault, bool acted) {
  CallRecord record;
  record.seq = next_call_seq_++;
  record.at = clock_();
  record.method = std::string(request.method_string());
  record.target = std::string(request.target());
  if (acted || !result.drop_connection) {
    record.status = static_cast<int>(result.response.result_int());
  }
  record.fault = fault ? std::string(FaultKindName(fault->kind)) : "";
  record.dropped = result.drop_connection;
  record.delay_ms = result.delay.count();
  record.idempotency_key = HeaderOf(request, "Idempotency-Key");
  calls_.push_back(std::move(record));
  while (calls_.size() > max_logged_calls_) calls_.pop_front();
}

void BssSimulator::AddFaults(const FaultPlan& plan) {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_.Add(plan);
}

void BssSimulator::ClearFaults() {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_.Clear();
}

void BssSimulator::Reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  state_ = initial_;
  faults_.Clear();
  calls_.clear();
  next_call_seq_ = 1;
}

BssState BssSimulator::Snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_;
}

std::vector<CallRecord> BssSimulator::Calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return {calls_.begin(), calls_.end()};
}

}  // namespace bssflow::simulators::bss
