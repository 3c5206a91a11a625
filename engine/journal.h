// Runs and their journals: the records a store keeps (store.h). A run's
// journal is the append-only list of its effects; it is also its recording.
#ifndef BSSFLOW_ENGINE_JOURNAL_H_
#define BSSFLOW_ENGINE_JOURNAL_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace bssflow::engine {

enum class RunStatus {
  kPending,
  kRunning,
  kAwaitingConfirmation,
  kSucceeded,
  kFailed,
  kCancelled,
};

/// "pending", "running", "awaiting_confirmation", "succeeded", "failed",
/// "cancelled".
const char* RunStatusName(RunStatus status);
std::optional<RunStatus> ParseRunStatus(std::string_view name);
/// Whether a run in `status` is over (nothing resumes it).
bool IsFinal(RunStatus status);
/// Why a run in `status` cannot take a confirmation answer, as an error
/// says it: "run ID is not waiting for a confirmation (it has succeeded)".
std::string NotAwaitingConfirmation(const std::string& run_id,
                                    RunStatus status);

/// The kinds of journal events, as stored ("run_started", ...).
namespace event_type {
inline constexpr const char* kRunStarted = "run_started";
inline constexpr const char* kStepStarted = "step_started";
inline constexpr const char* kCallSent = "call_sent";  // before the call leaves
inline constexpr const char* kCallSucceeded = "call_succeeded";
inline constexpr const char* kCallFailed = "call_failed";
inline constexpr const char* kVariablesSet = "variables_set";
inline constexpr const char* kCheckFailed = "check_failed";
inline constexpr const char* kConfirmationRequested = "confirmation_requested";
inline constexpr const char* kConfirmationAnswered = "confirmation_answered";
inline constexpr const char* kNotificationSent = "notification_sent";
inline constexpr const char* kStepSucceeded = "step_succeeded";
inline constexpr const char* kStepFailed = "step_failed";
inline constexpr const char* kRunFinished = "run_finished";
}  // namespace event_type

/// Whether `type` is one of event_type's names. An event of another type
/// is not one this engine wrote: driven on, its step would run again.
bool IsEventType(std::string_view type);

/// One effect of a run. Immutable once appended.
struct Event {
  /// 1, 2, 3, ... within the run, without gaps.
  int64_t sequence = 0;
  std::string type;  // an event_type name
  /// The step the event belongs to; empty for run-level events.
  std::string step;
  /// The event's payload; secret fields are sealed (secrets.h) before an
  /// event is appended.
  nlohmann::json data = nlohmann::json::object();
  /// Wall-clock time, milliseconds since the Unix epoch.
  int64_t time_ms = 0;
};

/// The summary a store keeps of one run, next to its journal.
struct RunRecord {
  std::string id;
  std::string workflow;         // the workflow's name
  std::string definition_hash;  // the version it runs on
  RunStatus status = RunStatus::kPending;
  nlohmann::json inputs = nlohmann::json::object();
  /// The caller's Idempotency-Key, or empty.
  std::string idempotency_key;
  /// Where the HTTP API reports the run's status changes, or empty.
  std::string callback_url;
  /// The step the run is at (waiting on, for awaiting_confirmation).
  std::string current_step;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  /// The sequence of the journal's last event (0: none yet).
  int64_t last_sequence = 0;
};

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_JOURNAL_H_
