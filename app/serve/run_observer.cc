#include "app/serve/run_observer.h"

#include "app/event_format.h"
#include "app/serve/json_text.h"
#include "app/serve/run_view.h"

namespace bssflow::serve {

namespace et = engine::event_type;
using engine::RunStatus;

std::optional<RunStatus> StatusAfter(const engine::Event& event) {
  if (event.type == et::kRunStarted) return RunStatus::kRunning;
  if (event.type == et::kConfirmationRequested)
    return RunStatus::kAwaitingConfirmation;
  if (event.type == et::kConfirmationAnswered) return RunStatus::kRunning;
  if (event.type == et::kRunFinished)
    return engine::ParseRunStatus(event.data.value("status", ""));
  return std::nullopt;
}

nlohmann::json CallbackPayload(const std::string& run_id,
                               const std::string& workflow, RunStatus status,
                               const engine::Event& event) {
  nlohmann::json payload = {{"run_id", run_id},
                            {"workflow", workflow},
                            {"status", engine::RunStatusName(status)},
                            {"current_step", event.step},
                            {"sequence", event.sequence},
                            {"time", Rfc3339(event.time_ms)}};
  if (status == RunStatus::kAwaitingConfirmation) {
    payload["prompt"] = {{"step", event.step},
                         {"message", app::MaskSealed(event.data.value("message", nlohmann::json()))}};
  }
  if (status == RunStatus::kSucceeded) {
    payload["outputs"] = app::MaskSealed(
        event.data.value("outputs", nlohmann::json::object()));
    if (event.data.contains("outcome")) payload["outcome"] = event.data["outcome"];
  }
  if (status == RunStatus::kFailed) {
    payload["error"] =
        app::MaskSealed(event.data.value("error", nlohmann::json::object()));
  }
  return payload;
}

RunObserver::RunObserver(Metrics& metrics, CallbackSender& callbacks,
                         std::function<void(std::string_view members)> log)
    : metrics_(metrics), callbacks_(callbacks), log_(std::move(log)) {}

RunObserver::RunState& RunObserver::StateOf(const engine::RunRecord& run) {
  auto it = runs_.find(run.id);
  if (it != runs_.end()) return it->second;
  RunState state;
  state.workflow = run.workflow;
  state.callback_url = run.callback_url;
  return runs_.emplace(run.id, std::move(state)).first->second;
}

void RunObserver::OnEvent(const engine::RunRecord& run,
                          const engine::Event& event) {
  const std::string& run_id = run.id;
  RunState& state = StateOf(run);
  if (log_) {
    std::string members;
    members.reserve(192);
    AppendMember(members, "event", "run_event");
    AppendMember(members, "run_id", run_id);
    AppendMember(members, "workflow", state.workflow);
    AppendMember(members, "type", event.type);
    AppendMember(members, "step", event.step);
    AppendMember(members, "sequence", event.sequence);
    log_(members);
  }
  if (event.type == et::kCallSent) {
    state.action = event.data.value("action", "");
  } else if (event.type == et::kCallSucceeded) {
    metrics_.CountCall(state.action, "succeeded");
  } else if (event.type == et::kCallFailed) {
    metrics_.CountCall(state.action, "failed");
  } else if (event.type == et::kStepStarted) {
    state.step = event.step;
    state.step_started_ms = event.time_ms;
  } else if ((event.type == et::kStepSucceeded ||
              event.type == et::kStepFailed) &&
             event.step == state.step) {
    metrics_.ObserveStep(state.workflow, event.step,
                         (event.time_ms - state.step_started_ms) / 1000.0);
  }
  std::optional<RunStatus> status = StatusAfter(event);
  if (!status.has_value()) return;
  if (!state.callback_url.empty()) {
    callbacks_.Enqueue(run_id, state.callback_url,
                       run_id + "/" + std::to_string(event.sequence),
                       CallbackPayload(run_id, state.workflow, *status, event)
                           .dump(-1, ' ', false,
                                 nlohmann::json::error_handler_t::replace));
  }
  if (*status != RunStatus::kRunning) runs_.erase(run_id);
}

}  // namespace bssflow::serve
