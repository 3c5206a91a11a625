#include "app/serve/run_view.h"

#include <ctime>

#include "app/event_format.h"

namespace bssflow::serve {

namespace {

using engine::Event;
using engine::RunStatus;

// The last event of `type`, or null.
const Event* LastOf(const std::vector<Event>& journal, const char* type) {
  for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
    if (it->type == type) return &*it;
  }
  return nullptr;
}

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

bool ViewNeedsJournal(const engine::RunRecord& run) {
  return run.status == RunStatus::kAwaitingConfirmation ||
         run.status == RunStatus::kSucceeded ||
         run.status == RunStatus::kFailed;
}

nlohmann::json RunViewJson(const engine::RunRecord& run,
                           const std::vector<Event>& journal) {
  nlohmann::json view = RunSummaryJson(run);
  view["inputs"] = app::MaskSealed(run.inputs);
  if (!run.callback_url.empty()) view["callback_url"] = run.callback_url;
  if (run.status == RunStatus::kAwaitingConfirmation) {
    const Event* asked =
        LastOf(journal, engine::event_type::kConfirmationRequested);
    if (asked != nullptr) {
      view["prompt"] = {{"step", asked->step},
                        {"message", asked->data.value("message", "")}};
    }
  }
  const Event* finished = LastOf(journal, engine::event_type::kRunFinished);
  if (finished != nullptr && run.status == RunStatus::kSucceeded) {
    view["outputs"] = app::MaskSealed(
        finished->data.value("outputs", nlohmann::json::object()));
    if (finished->data.contains("outcome")) {
      view["outcome"] = finished->data["outcome"];
    }
  }
  if (finished != nullptr && run.status == RunStatus::kFailed) {
    view["error"] =
        app::MaskSealed(finished->data.value("error", nlohmann::json::object()));
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
