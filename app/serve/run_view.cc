#include "app/serve/run_view.h"

#include <ctime>

#include "app/event_format.h"

namespace bssflow::serve {

namespace {

using engine::Event;
using engine::RunStatus;

}  // namespace

std::string Rfc3339(int64_t time_ms) {
  std::time_t seconds = static_cast<std::time_t>(time_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ",
                static_cast<int>(time_ms % 1000));
  return std::string(text) + millis;
}

nlohmann::json RunSummaryJson(const engine::RunRecord& run) {
  return {{"id", run.id},
          {"workflow", run.workflow},
          {"version", run.definition_hash},
          {"status", engine::RunStatusName(run.status)},
          {"current_step", run.current_step},
          {"created_at", Rfc3339(run.created_ms)},
          {"updated_at", Rfc3339(run.updated_ms)}};
}

const char* StateEventType(const engine::RunRecord& run) {
  switch (run.status) {
    case RunStatus::kAwaitingConfirmation:
      return engine::event_type::kConfirmationRequested;
    case RunStatus::kSucceeded:
    case RunStatus::kFailed:
      return engine::event_type::kRunFinished;
    default:
      return nullptr;
  }
}

std::optional<Event> StateEventOf(const engine::RunRecord& run,
                                  const std::vector<Event>& journal) {
  const char* type = StateEventType(run);
  if (type == nullptr) return std::nullopt;
  for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
    if (it->type == type) return *it;
  }
  return std::nullopt;
}

nlohmann::json RunViewJson(const engine::RunRecord& run,
                           const std::optional<Event>& state) {
  nlohmann::json view = RunSummaryJson(run);
  view["inputs"] = app::MaskSealed(run.inputs);
  if (!run.callback_url.empty()) view["callback_url"] = run.callback_url;
  const char* type = StateEventType(run);
  if (type == nullptr || !state.has_value() || state->type != type) return view;
  if (run.status == RunStatus::kAwaitingConfirmation) {
    view["prompt"] = {{"step", state->step},
                      {"message", app::MaskSealed(state->data.value("message", nlohmann::json()))}};
  } else if (run.status == RunStatus::kSucceeded) {
    view["outputs"] = app::MaskSealed(
        state->data.value("outputs", nlohmann::json::object()));
    if (state->data.contains("outcome")) view["outcome"] = state->data["outcome"];
  } else {
    view["error"] =
        app::MaskSealed(state->data.value("error", nlohmann::json::object()));
  }
  return view;
}

nlohmann::json EventJson(const Event& event) {
  return {{"sequence", event.sequence},
          {"type", event.type},
          {"step", event.step},
          {"time", Rfc3339(event.time_ms)},
          {"data", app::MaskSealed(event.data)}};
}

}  // namespace bssflow::serve
