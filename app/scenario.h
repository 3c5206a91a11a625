// Scenario files: a workflow run offline (offline_run.h) with connector
// answers written by a tester or taken from a recording, and what the run
// must do. `bssflow test` reads and runs them (docs/testing.md):
//
//   scenario: a new tenant is created; the credentials go to the customer
//   workflow: ../../../workflows/microsoft/provision-tenant.yaml
//   inputs: {account_id: 1001}
//   recording: recordings/1001.json    # answers the calls `responses` do not
//   responses:                         # per action, in order; then the
//                                      # recording's; the last repeats when
//                                      # the recording has none
//     partner_center.create_customer:
//       - error: {kind: retryable, code: "503", message: Service Unavailable}
//   answers: {confirm_link: confirm}   # confirm steps; others stay parked
//   expect:
//     status: succeeded
//     outputs: {domain: northwind.onmicrosoft.com}  # these members
//     error: {kind: check_failed}                   # these members
//     outcome: rejected
//     calls: [bss.get_account, ...]    # exactly these, in order; an item
//                                      # may be {action, step, arguments,
//                                      # attempts}
//     called: [partner_center.create_customer]      # at least once each
//     not_called: [partner_center.create_user]
//     notifications: [{template: welcome-office365, to: a@b.example}]
//     messages: [no valid phone number]  # in a prompt, the error or a call
//
// Paths are relative to the scenario file. Every problem of a file is
// reported with file:line:col, the line and a caret.
#ifndef BSSFLOW_APP_SCENARIO_H_
#define BSSFLOW_APP_SCENARIO_H_

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "app/offline_run.h"
#include "app/replay.h"
#include "dsl/source.h"

namespace bssflow::app {

/// One expected call: the action, and when given the step, the arguments
/// (these members, these values) and how many attempts it took.
struct ExpectedCall {
  std::string action;
  std::string step;
  std::optional<nlohmann::json> arguments;
  std::optional<int64_t> attempts;
};

/// What a scenario's run must do; an absent member is not checked.
struct ScenarioExpectations {
  std::optional<std::string> status;
  std::optional<nlohmann::json> outputs;
  std::optional<nlohmann::json> error;
  std::optional<std::string> outcome;
  std::optional<std::vector<ExpectedCall>> calls;
  std::vector<std::string> called;
  std::vector<std::string> not_called;
  std::optional<nlohmann::json> notifications;
  std::vector<std::string> messages;
};

/// A name a scenario file writes that the workflow must have, where it is
/// written (CheckScenarioNames).
struct ScenarioName {
  enum class Kind { kAction, kConfirmStep } kind = Kind::kAction;
  std::string name;
  int32_t offset = 0;  // in the scenario file's text
  std::string where;   // "'responses'", "'answers'", "'not_called'", ...
};

struct Scenario {
  std::string file;
  std::string title;
  std::string workflow_file;  // resolved against the scenario's directory
  int32_t workflow_offset = 0;  // of the `workflow:` value, in the file
  nlohmann::json inputs = nlohmann::json::object();
  int32_t inputs_offset = 0;  // of the `inputs:` value; 0 when there is none
  std::optional<Recording> recording;
  /// Per action, the answers in order ({result} or {error}).
  std::map<std::string, std::vector<nlohmann::json>> responses;
  /// Per confirm step: "confirm" or "reject".
  std::map<std::string, std::string> answers;
  ScenarioExpectations expect;
  /// The actions and confirm steps it names, to check against the workflow.
  std::vector<ScenarioName> names;
};

struct ScenarioFileResult {
  std::optional<Scenario> scenario;  // set when there are no diagnostics
  dsl::Source source;
  std::vector<dsl::Diagnostic> diagnostics;
};

/// Reads the scenario in `text` (named `file`; relative paths in it are
/// resolved against its directory, and its recording is read).
ScenarioFileResult ParseScenario(const std::string& file,
                                 const std::string& text);

/// Reads and parses the scenario file at `path`.
ScenarioFileResult ReadScenarioFile(const std::string& path);

/// The names `scenario` writes that `workflow` does not have: an action
/// no call step (or, for notify.send, no notify step) of it makes, a step
/// in `answers` that is not one of its confirm steps. A misspelt name
/// would make a check vacuous (`not_called` of an action never made).
/// Diagnostics at the names, in the scenario file's text.
std::vector<dsl::Diagnostic> CheckScenarioNames(
    const Scenario& scenario, const engine::Workflow& workflow);

/// What a scenario's run did against its expectations: each failure is a
/// line ("status: expected succeeded, got failed").
std::vector<std::string> CheckExpectations(const ScenarioExpectations& expect,
                                           const nlohmann::json& recording);

/// Answers a scenario's calls: its responses for the action first, in
/// order (one per attempt); then the recording's calls of the same action
/// not used yet (the same step first); when the recording has none of the
/// action, the last response again. A fatal failure when neither answers;
/// `problem` then says so.
class ScenarioAnswers {
 public:
  explicit ScenarioAnswers(const Scenario& scenario);
  engine::ActionOutcome Answer(const OfflineCall& call);
  /// Why a call had no answer; empty when every call had one.
  const std::string& problem() const { return problem_; }

 private:
  bool RecordingHas(const std::string& action) const;

  const Scenario& scenario_;
  std::map<std::string, size_t> next_response_;  // by action
  std::vector<bool> used_;  // recorded calls answered already
  // The recorded call answering the current call, and its next attempt.
  std::optional<size_t> recorded_call_;
  size_t recorded_attempt_ = 0;
  std::string problem_;
};

/// Runs a loaded scenario on `workflow`: the failures (empty: it passed).
/// An error when the run cannot start or the engine fails.
Result<std::vector<std::string>> RunScenario(
    const Scenario& scenario, std::shared_ptr<const engine::Workflow> workflow,
    const std::string& definition, const engine::ActionCatalog* actions);

}  // namespace bssflow::app

#endif  // BSSFLOW_APP_SCENARIO_H_
