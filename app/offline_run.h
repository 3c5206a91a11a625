// One run of a workflow with no world around it: the connectors are a
// function the caller gives (a recording's answers, a scenario's scripted
// responses), the journal is an in-memory store thrown away afterwards, and
// confirmation prompts are answered by another function. What `bssflow
// replay` and `bssflow test` are built on.
//
// The run is deterministic given its answers: it may take a run id, step
// times and a start time from a recording, so that uuid() and now() give
// what they gave in the recorded run; retry backoffs are not waited for.
// Secrets are sealed with a key made for the run and thrown away, so the
// run's recording masks what a real run's would.
//
// Each RunOffline has its own io_context, store and Runner: several may run
// at once on different threads, given `workflow` and `actions` are shared
// read-only.
#ifndef BSSFLOW_APP_OFFLINE_RUN_H_
#define BSSFLOW_APP_OFFLINE_RUN_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/status.h"
#include "engine/actions.h"
#include "engine/connector.h"
#include "engine/runner.h"
#include "engine/workflow.h"

namespace bssflow::app {

/// A connector call as the offline connectors see it.
struct OfflineCall {
  std::string step;
  std::string action;
  /// 1 for the first try, 2 for the first retry, ...
  int attempt = 1;
  nlohmann::json arguments;
};

/// How a prompt is answered; nullopt from the answering function leaves
/// the run parked.
struct PromptAnswer {
  engine::Answer answer = engine::Answer::kConfirm;
  std::string by;
  /// Cancel the run where it waits instead of answering (a recorded run
  /// that was cancelled there); `answer` and `by` are then unused.
  bool cancel = false;
};

/// What RunOffline needs.
struct OfflineRunSpec {
  std::shared_ptr<const engine::Workflow> workflow;
  /// The text `workflow` was loaded from (kept as the run's definition).
  std::string definition;
  nlohmann::json inputs = nlohmann::json::object();
  /// The manifests of the actions (secret result fields); may be null.
  const engine::ActionCatalog* actions = nullptr;
  /// The run's id; empty: a random one.
  std::string run_id;
  /// Each step's start time by step id (what now() gives in it); a step
  /// not listed starts at `start_ms`.
  std::map<std::string, int64_t> step_times;
  /// The run's creation time, milliseconds since the Unix epoch; 0: now.
  int64_t start_ms = 0;
  /// Answers every connector call. Required. Called on the run's thread.
  /// nullopt cancels the run while the call is under way (a recorded run
  /// that was cancelled then): the call gets no answer, as in the run.
  std::function<std::optional<engine::ActionOutcome>(const OfflineCall&)>
      answer_call;
  /// Answers a prompt of `step` whose message is `message`. Empty: every
  /// prompt leaves the run parked.
  std::function<std::optional<PromptAnswer>(const std::string& step,
                                            const nlohmann::json& message)>
      answer_prompt;
};

/// Where an offline run ended, as a recording (recording.h).
struct OfflineRunResult {
  engine::RunStatus status = engine::RunStatus::kPending;
  nlohmann::json recording;
};

/// Runs spec.workflow to its end, or until a prompt is left unanswered; an
/// error when the run cannot start (inputs that do not suit the workflow)
/// or the engine fails.
Result<OfflineRunResult> RunOffline(const OfflineRunSpec& spec);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_OFFLINE_RUN_H_
