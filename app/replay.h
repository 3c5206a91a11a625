// Replay: a recorded run (recording.h) run again on the current workflow,
// with every connector answering from the recording, offline.
//
// Each call the replay makes is compared, in order, with the recorded call
// of the same rank: the same step, the same action, the same arguments ("***"
// in the recording, a redacted secret, matches any value). The first call
// that differs is the divergence: it is answered with a failure, and nothing
// after it is compared. A replay whose calls all match is then compared on
// its confirmation prompts, its final status, outputs, outcome and error,
// and its notifications.
//
// A recorded run that ended cancelled is cancelled where it was: at the
// prompt it left unanswered, during its last call if that call has an
// attempt without an answer, or as the retry of its last call starts if it
// was cancelled while waiting to retry (the replay does not wait).
//
// Accepting a change (`bssflow replay --update`) replays leniently instead:
// each call is answered by the first recorded call of the same action not yet
// used, whatever its rank, so that reordered or reworded calls still get the
// answers the services gave; the replay's own recording then replaces the
// old one.
#ifndef BSSFLOW_APP_REPLAY_H_
#define BSSFLOW_APP_REPLAY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "engine/actions.h"
#include "engine/connector.h"
#include "engine/journal.h"
#include "engine/workflow.h"

namespace bssflow::app {

/// A recording read back: what a replay or a scenario needs of it.
struct Recording {
  struct Attempt {
    std::optional<nlohmann::json> result;
    std::optional<nlohmann::json> error;  // {kind, code, message, ...}
    /// As recorded, kept by --update for the attempts they answer.
    std::optional<std::string> sent_at;
    bool resent = false;  // sent again after a restart
  };
  struct Call {
    std::string step;
    std::string action;
    nlohmann::json arguments;
    std::vector<Attempt> attempts;
    std::string idempotency_key;  // "" when the recording has none
  };
  struct Confirmation {
    std::string step;
    nlohmann::json message;
    std::string answer;  // "confirm", "reject", or "" while it waited
    std::string by;
  };
  std::string run_id;
  std::string workflow_name;
  std::string definition;
  nlohmann::json inputs;
  std::vector<Call> calls;
  std::vector<Confirmation> confirmations;
  nlohmann::json notifications;  // as recorded: [{step, template, to, ...}]
  std::map<std::string, int64_t> step_times;
  int64_t start_ms = 0;
  nlohmann::json outcome;  // {status, outputs?, outcome?, error?, step?}
};

/// Reads a recording document. An error names the first member that is
/// missing or of the wrong type, as a JSON pointer ("/calls/2/action").
Result<Recording> ParseRecording(const nlohmann::json& document);

/// Reads and parses the recording file at `path`; errors begin with it.
Result<Recording> ReadRecordingFile(const std::string& path);

/// The outcome of a recorded attempt as a connector gives it. A recorded
/// attempt with neither result nor error (the run stopped while it was
/// sent) is nullopt.
std::optional<engine::ActionOutcome> RecordedOutcome(
    const Recording::Attempt& attempt);

/// One way a replay differs from its recording.
struct Divergence {
  /// The step where it shows, with its place in the workflow replayed
  /// (empty when the step is not in it).
  std::string step;
  std::string where;  // "file:line:col"
  /// One line: what differs.
  std::string summary;
  /// Expected and actual, one line each, indented by the renderer.
  std::vector<std::string> details;
};

struct ReplayOptions {
  /// The workflow to replay, and its text.
  std::shared_ptr<const engine::Workflow> workflow;
  std::string definition;
  /// The connectors' manifests (secret result fields); may be null.
  const engine::ActionCatalog* actions = nullptr;
  /// Answer calls out of order, to record an intended change (see above).
  bool accept_changes = false;
};

struct ReplayReport {
  /// Empty: the replay did what the recording says.
  std::vector<Divergence> divergences;
  /// Calls the replay made.
  size_t calls = 0;
  /// The replay's own recording (what --update writes).
  nlohmann::json recording;
};

/// Replays `recording` on options.workflow. An error when the replay cannot
/// run at all (the recording's inputs do not suit the workflow, a call has
/// no recorded answer when accepting changes); differences are divergences.
Result<ReplayReport> Replay(const Recording& recording,
                            const ReplayOptions& options);

/// The report's divergences as people read them, each with its step,
/// place and details, every line prefixed by `indent`; "" when there are
/// none.
std::string RenderDivergences(const ReplayReport& report,
                              const std::string& indent);

/// A JSON value on one line, as divergences show it (long ones shortened).
std::string ShortJson(const nlohmann::json& value);

/// The differences between `expected` and `actual`, one line per path
/// ("domain_prefix: expected \"contoso\", got \"fabrikam\""); "***" in
/// `expected` matches anything. `path` prefixes the paths.
std::vector<std::string> JsonDifferences(const nlohmann::json& expected,
                                         const nlohmann::json& actual,
                                         const std::string& path = "");

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_REPLAY_H_
