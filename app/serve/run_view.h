// Runs as the HTTP API shows them (docs/openapi.yaml: RunView, RunSummary,
// Journal) and as callbacks report them. Sealed secrets are shown as "***".
#ifndef BSSFLOW_APP_SERVE_RUN_VIEW_H_
#define BSSFLOW_APP_SERVE_RUN_VIEW_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/journal.h"

namespace bssflow::serve {

/// "2026-11-24T05:14:20.123Z".
std::string Rfc3339(int64_t time_ms);

/// id, workflow, version, status, current_step, created_at, updated_at.
nlohmann::json RunSummaryJson(const engine::RunRecord& run);

/// The type of the event that says where `run` stands, or nullptr when
/// its record says it all: confirmation_requested while it awaits a
/// confirmation (the prompt), run_finished once it succeeded or failed
/// (outputs, error).
const char* StateEventType(const engine::RunRecord& run);

/// The summary plus inputs, callback_url (when set), and what `state` (the
/// run's last event of StateEventType, when there is one) says of where the
/// run stands: `prompt` {step, message} while it awaits a confirmation,
/// `outputs` (and `outcome`) once it succeeded, `error` {step, kind, code,
/// message} once it failed.
nlohmann::json RunViewJson(const engine::RunRecord& run,
                           const std::optional<engine::Event>& state);

/// The last event of StateEventType(run) in `journal`, if any.
std::optional<engine::Event> StateEventOf(
    const engine::RunRecord& run, const std::vector<engine::Event>& journal);

/// One journal event: sequence, type, step, time, data.
nlohmann::json EventJson(const engine::Event& event);

}  // namespace bssflow::serve

#endif  // BSSFLOW_APP_SERVE_RUN_VIEW_H_
