// What `bssflow serve` does with the events runs append: metrics (connector
// calls by outcome, step durations), a log line per event, and a callback
// to the run's callback_url on every change of its status.
#ifndef BSSFLOW_APP_SERVE_RUN_OBSERVER_H_
#define BSSFLOW_APP_SERVE_RUN_OBSERVER_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/serve/callbacks.h"
#include "app/serve/metrics.h"
#include "engine/journal.h"
#include "engine/store.h"

namespace bssflow::serve {

/// The status a run has after `event`, when the event changes it.
std::optional<engine::RunStatus> StatusAfter(const engine::Event& event);

/// The callback payload for a run of `workflow` whose status `event`
/// changed to `status` (docs/openapi.yaml, webhooks: runStatusChanged).
nlohmann::json CallbackPayload(const std::string& run_id,
                               const std::string& workflow,
                               engine::RunStatus status,
                               const engine::Event& event);

/// Used on the engine's strand only (engine::RunnerDependencies::on_event).
class RunObserver {
 public:
  /// `metrics` and `callbacks` must outlive the observer. `log` writes one
  /// line given the members of its JSON object as text; may be empty.
  RunObserver(Metrics& metrics, CallbackSender& callbacks,
              std::function<void(std::string_view members)> log);

  /// `run`: the record the Runner holds (its workflow and callback_url are
  /// what the observer reads of it).
  void OnEvent(const engine::RunRecord& run, const engine::Event& event);

 private:
  struct RunState {
    std::string workflow;
    std::string callback_url;
    std::string action;  // of the last call sent
    std::string step;    // the step started last, and when
    int64_t step_started_ms = 0;
  };
  /// The run's state, made from its record the first time it is seen.
  RunState& StateOf(const engine::RunRecord& run);

  Metrics& metrics_;
  CallbackSender& callbacks_;
  std::function<void(std::string_view members)> log_;
  /// Runs being driven; a run leaves when it parks or finishes, so that
  /// parked runs cost nothing here.
  std::unordered_map<std::string, RunState> runs_;
};

}  // namespace bssflow::serve

#endif  // BSSFLOW_APP_SERVE_RUN_OBSERVER_H_
