#include "engine/journal.h"

namespace bssflow::engine {

const char* RunStatusName(RunStatus status) {
  switch (status) {
    case RunStatus::kPending:
      return "pending";
    case RunStatus::kRunning:
      return "running";
    case RunStatus::kAwaitingConfirmation:
      return "awaiting_confirmation";
    case RunStatus::kSucceeded:
      return "succeeded";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kCancelled:
      return "cancelled";
  }
  return "pending";
}

std::optional<RunStatus> ParseRunStatus(std::string_view name) {
  for (RunStatus s : {RunStatus::kPending, RunStatus::kRunning,
                      RunStatus::kAwaitingConfirmation, RunStatus::kSucceeded,
                      RunStatus::kFailed, RunStatus::kCancelled}) {
    if (name == RunStatusName(s)) return s;
  }
  return std::nullopt;
}

bool IsFinal(RunStatus status) {
  return status == RunStatus::kSucceeded || status == RunStatus::kFailed ||
         status == RunStatus::kCancelled;
}

namespace {

// "it is running", "it has succeeded", "it was cancelled".
std::string StatusPhrase(RunStatus status) {
  switch (status) {
    case RunStatus::kSucceeded:
    case RunStatus::kFailed:
      return std::string("it has ") + RunStatusName(status);
    case RunStatus::kCancelled:
      return "it was cancelled";
    case RunStatus::kAwaitingConfirmation:
      return "it is awaiting a confirmation";
    case RunStatus::kPending:
    case RunStatus::kRunning:
      break;
  }
  return std::string("it is ") + RunStatusName(status);
}

}  // namespace

std::string NotAwaitingConfirmation(const std::string& run_id,
                                    RunStatus status) {
  return "run " + run_id + " is not waiting for a confirmation (" +
         StatusPhrase(status) + ")";
}

bool IsEventType(std::string_view type) {
  namespace et = event_type;
  for (const char* known :
       {et::kRunStarted, et::kStepStarted, et::kCallSent, et::kCallSucceeded,
        et::kCallFailed, et::kVariablesSet, et::kCheckFailed,
        et::kConfirmationRequested, et::kConfirmationAnswered,
        et::kNotificationSent, et::kStepSucceeded, et::kStepFailed,
        et::kRunFinished}) {
    if (type == known) return true;
  }
  return false;
}

}  // namespace bssflow::engine
