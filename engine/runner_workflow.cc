// `workflow` steps: a step that runs another workflow as a run of its own
// (a child run), and takes the child's outputs as its result.
//
// The child run's idempotency key is kChildRunKeyPrefix + "<run>/<step>",
// so a parent driven again after a crash finds the child it started instead
// of starting a second one. The child has its own journal and stays on the
// version it started with; it is driven by its parent only (never by
// ResumeUnfinished). When the child parks on a confirmation, the parent
// journals the child's prompt as its own confirmation_requested
// {child_run, child_step} and parks too, so whoever answers the parent
// answers the child: the parent's confirmation_answered is forwarded to the
// child when the parent is driven again.
//
// The parent journals: step_started {workflow}, then any number of
// confirmation_requested {message, child_run, child_step, child_sequence} /
// confirmation_answered pairs, then step_succeeded {result} or step_failed
// {error}. A called workflow the engine has not loaded stops the run (a
// Status, like a store failure) rather than failing it.
#include <string>
#include <string_view>
#include <utility>

#include "dsl/json_value.h"
#include "engine/runner_drive.h"

namespace bssflow::engine {

namespace {

const Event* LastOfType(const std::vector<Event>& journal, const char* type) {
  for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
    if (it->type == type) return &*it;
  }
  return nullptr;
}

}  // namespace

Result<std::vector<std::string>> RunDriver::CallChain() const {
  std::vector<std::string> chain = {record_.workflow};
  std::optional<StartedBy> parent = ParentOf(record_);
  while (parent.has_value() &&
         chain.size() <= static_cast<size_t>(kMaxWorkflowDepth)) {
    Result<RunRecord> run = deps_.store->GetRun(parent->run_id);
    if (!run.ok()) return run.status();
    chain.push_back(run.value().workflow);
    parent = ParentOf(run.value());
  }
  return chain;
}

boost::asio::awaitable<Result<RunSummary>> RunDriver::StartChild(
    const Step& step, const dsl::Value& inputs, std::optional<Flow>& failed) {
  std::string key =
      std::string(kChildRunKeyPrefix) + record_.id + "/" + step.id;
  // A child started by an earlier drive goes on on its own version, even
  // when its workflow is no longer loaded.
  Result<std::optional<RunRecord>> existing = deps_.store->FindRunByKey(key);
  if (!existing.ok()) co_return existing.status();
  if (existing.value().has_value()) {
    co_return RunSummary{existing.value()->id, existing.value()->status};
  }
  NamedWorkflow named;
  if (deps_.find_workflow) named = deps_.find_workflow(step.target);
  if (named.workflow == nullptr) {
    // The engine was not given the workflow (a setup problem, not the
    // run's): the run stops here and goes on once it is.
    co_return Status::Error("step '" + step.id + "' calls workflow '" +
                            step.target +
                            "', which this engine has not loaded (bssflow "
                            "run, answer and resume take --workflows DIR)");
  }
  // A workflow that calls itself, directly or not, would start runs
  // without end: past kMaxWorkflowDepth runs the step fails instead.
  Result<std::vector<std::string>> chain = CallChain();
  if (!chain.ok()) co_return chain.status();
  if (chain.value().size() >= static_cast<size_t>(kMaxWorkflowDepth)) {
    std::string path = step.target;
    for (const std::string& caller : chain.value())
      path = caller + " -> " + path;
    failed = FinishComposite(
        step, StepHistoryOf(step),
        Flow::Failed({step.id, "invalid", "too_deep",
                      "step '" + step.id + "' cannot run workflow '" +
                          step.target + "': workflow steps nest " +
                          std::to_string(kMaxWorkflowDepth) + " runs deep (" +
                          path + "); does a workflow call itself?"}),
        nullptr);
    co_return RunSummary();
  }
  nlohmann::json json = dsl::ValueToSortedJson(inputs);
  Status usable = Runner::CheckInputs(*named.workflow, json);
  if (!usable.ok()) {
    // A failure of this step, which on_error may handle; the store is fine.
    failed = FinishComposite(
        step, StepHistoryOf(step),
        Flow::Failed({step.id, "invalid", "workflow",
                      "step '" + step.id + "' cannot run workflow '" +
                          step.target + "': " + usable.message()}),
        nullptr);
    co_return RunSummary();
  }
  co_return co_await runner_.StartRun(named.workflow, std::move(named.text),
                                      std::move(json), std::move(key));
}

boost::asio::awaitable<Flow> RunDriver::RunWorkflowStep(const Step& step,
                                                        StepHistory& h) {
  dsl::Value inputs;
  if (auto error = Evaluate(step, step.arguments, inputs)) {
    co_return FinishComposite(step, h, Flow::Failed(std::move(*error)),
                              nullptr);
  }
  if (h.started == nullptr) {
    Status s = Append(EventList(MakeEvent(event_type::kStepStarted, step.id,
                                          {{"workflow", step.target}})),
                      RunStatus::kRunning, step.id);
    if (!s.ok()) co_return Flow::Broken(s);
  }
  // The step is journaled as started before its run is; a cancel that came
  // during the write stops the run before the child starts.
  Status committed = co_await Commit();
  if (!committed.ok()) co_return Flow::Broken(committed);
  if (Cancelled()) co_return Flow::Of(Flow::Kind::kCancelled);
  std::optional<Flow> failed;
  Result<RunSummary> child = co_await StartChild(step, inputs, failed);
  if (failed.has_value()) co_return *failed;
  while (true) {
    // The store failed, or the child's definition no longer loads: the run
    // stops where it is, to be driven again.
    if (!child.ok()) co_return Flow::Broken(child.status());
    if (Cancelled()) co_return Flow::Of(Flow::Kind::kCancelled);
    RunStatus status = child.value().status;
    if (status == RunStatus::kPending || status == RunStatus::kRunning) {
      child = co_await runner_.Resume(child.value().run_id);
      continue;
    }
    if (status != RunStatus::kAwaitingConfirmation) break;
    std::optional<Flow> parked = co_await RelayConfirmation(step, h, child);
    if (parked.has_value()) co_return *parked;
  }
  co_return FinishWorkflowStep(step, h, child.value().run_id);
}

boost::asio::awaitable<std::optional<Flow>> RunDriver::RelayConfirmation(
    const Step& step, StepHistory& h, Result<RunSummary>& child) {
  const std::string child_id = child.value().run_id;
  Result<RunRecord> record = deps_.store->GetRun(child_id);
  if (!record.ok()) co_return Flow::Broken(record.status());
  const std::string& child_step = record.value().current_step;
  Result<std::vector<Event>> journal = deps_.store->ReadJournal(child_id);
  if (!journal.ok()) co_return Flow::Broken(journal.status());
  const Event* prompt =
      LastOfType(journal.value(), event_type::kConfirmationRequested);
  if (prompt == nullptr) {
    co_return Flow::Broken(Status::Error(
        "run " + child_id + " awaits a confirmation but asked none"));
  }
  // The child's prompt is known by its sequence, not by its step: a child
  // parked at a `workflow` step of its own asks every prompt of its child
  // from that one step.
  const Event* asked = h.confirmation_requested;
  const Event* answered = h.confirmation_answered;
  bool asked_this =
      asked != nullptr && asked->data.value("child_run", "") == child_id &&
      asked->data.value("child_sequence", int64_t{0}) == prompt->sequence;
  if (asked_this && answered != nullptr &&
      answered->sequence > asked->sequence) {
    Answer answer = answered->data.value("answer", "") == "confirm"
                        ? Answer::kConfirm
                        : Answer::kReject;
    // A named local, not a temporary in the co_await expression: GCC 12
    // can destroy such temporaries twice.
    std::string by = answered->data.value("by", "");
    Status committed = co_await Commit();
    if (!committed.ok()) co_return Flow::Broken(committed);
    if (Cancelled()) co_return Flow::Of(Flow::Kind::kCancelled);
    child = co_await runner_.AnswerParkedRun(child_id, answer, by,
                                             Drive::kUntilSettled,
                                             Runner::AnswerFrom::kParentRun);
    co_return std::nullopt;
  }
  if (asked_this) co_return Flow::Of(Flow::Kind::kParked);
  Result<nlohmann::json> opened =
      OpenEventCopies(deps_.secrets, child_id, *prompt);
  if (!opened.ok()) co_return Flow::Broken(opened.status());
  NoteSecrets(prompt->data, opened.value());
  Status s = Append(
      EventList(MakeEvent(
          event_type::kConfirmationRequested, step.id,
          {{"message", opened.value().value("message", nlohmann::json())},
           {"child_run", child_id},
           {"child_step", child_step},
           {"child_sequence", prompt->sequence}})),
      RunStatus::kAwaitingConfirmation, step.id);
  co_return s.ok() ? Flow::Of(Flow::Kind::kParked) : Flow::Broken(s);
}

Flow RunDriver::FinishWorkflowStep(const Step& step, const StepHistory& h,
                                   const std::string& child_id) {
  Result<std::vector<Event>> journal = deps_.store->ReadJournal(child_id);
  if (!journal.ok()) return Flow::Broken(journal.status());
  const Event* finished = LastOfType(journal.value(), event_type::kRunFinished);
  if (finished == nullptr) {
    return Flow::Broken(
        Status::Error("run " + child_id + " is final but has no run_finished"));
  }
  Result<nlohmann::json> opened =
      OpenEventCopies(deps_.secrets, child_id, *finished);
  if (!opened.ok()) return Flow::Broken(opened.status());
  NoteSecrets(finished->data, opened.value());
  const nlohmann::json& end = opened.value();
  std::string status = end.value("status", "");
  if (status == "failed") {
    StepError error = StepError::FromJson(end.value("error", nlohmann::json()));
    return FinishComposite(
        step, h,
        Flow::Failed({step.id, error.kind, error.code,
                      "workflow " + step.target + " failed at step '" +
                          error.step + "': " + error.message}),
        nullptr);
  }
  if (status == "cancelled") {
    return FinishComposite(
        step, h,
        Flow::Failed({step.id, "cancelled", "",
                      "workflow " + step.target + " was cancelled"}),
        nullptr);
  }
  nlohmann::json result = end.value("outputs", nlohmann::json::object());
  if (end.value("outcome", "") == "rejected") {
    result = {{"outcome", "rejected"}};
  }
  Result<dsl::Value> value = dsl::ValueFromJson(result);
  if (!value.ok()) return Flow::Broken(value.status());
  Flow flow = FinishComposite(step, h, Flow::Next(), result);
  if (flow.kind == Flow::Kind::kNext) SetStepResult(step.id, value.value());
  return flow;
}

}  // namespace bssflow::engine
