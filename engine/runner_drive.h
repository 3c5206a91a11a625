// Internal to the runner (runner.cc, runner_drive.cc, runner_call.cc): one
// drive of one run, from its journal to the point where it finishes, parks,
// is cancelled or the store fails. Not part of the engine's interface.
#ifndef BSSFLOW_ENGINE_RUNNER_DRIVE_H_
#define BSSFLOW_ENGINE_RUNNER_DRIVE_H_

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dsl/compiler.h"
#include "dsl/nondeterminism.h"
#include "engine/runner.h"

namespace bssflow::engine {

/// A run being driven: what Cancel() reaches. The cancel timer never expires
/// on its own; a backoff wait of the run races a wait on it.
/// RequestCancel() moves its expiry to the past rather than cancelling the
/// waits it has: that ends the waits already started and every wait started
/// later, including one whose start was queued on the executor when Cancel()
/// ran (a timer's cancel() only reaches the waits already started). A
/// connector call in flight is cancelled through `call_signal`.
struct ActiveRun {
  explicit ActiveRun(const boost::asio::any_io_executor& executor)
      : cancel_timer(executor, std::chrono::steady_clock::time_point::max()) {}
  void RequestCancel() {
    cancel_requested = true;
    cancel_timer.expires_at(std::chrono::steady_clock::time_point::min());
    if (call_signal != nullptr)
      call_signal->emit(boost::asio::cancellation_type::terminal);
  }
  bool cancel_requested = false;
  /// The signal that cancels the run's connector call in flight; null when
  /// no call is in flight.
  boost::asio::cancellation_signal* call_signal = nullptr;
  /// The drive has ended its walk and is writing its last events: it will
  /// not look at cancel_requested again, and is gone once they are written.
  bool finishing = false;
  boost::asio::steady_timer cancel_timer;
  /// The Runner's table of active runs; null once the Runner is destroyed.
  std::map<std::string, ActiveRun*>* registry = nullptr;
};

/// A failure a workflow can catch: what `error` holds in on_error steps.
struct StepError {
  std::string step;
  std::string kind;
  std::string code;
  std::string message;

  nlohmann::json ToJson() const;
  static StepError FromJson(const nlohmann::json& json);
  dsl::Value ToValue() const;
};

/// The events, moved into a vector: a braced list would copy each one
/// (an initializer_list's elements are const), JSON payload included.
template <typename... Events>
std::vector<Event> EventList(Events&&... events) {
  std::vector<Event> list;
  list.reserve(sizeof...(events));
  (list.push_back(std::forward<Events>(events)), ...);
  return list;
}

/// How a step, or a list of steps, ended.
struct Flow {
  enum class Kind {
    kNext,       // done; the run goes on with what follows
    kFailed,     // failed with `error`, not handled
    kParked,     // waits for a confirmation; the drive ends
    kEnded,      // a rejected confirmation ended the run (on_reject: end)
    kCancelled,  // Cancel() was called
    kBroken,     // the store or a secret failed: `status`
  };
  Kind kind = Kind::kNext;
  StepError error;
  Status status;

  static Flow Next() { return {}; }
  static Flow Failed(StepError error) {
    return {Kind::kFailed, std::move(error), Status()};
  }
  static Flow Broken(Status status) {
    return {Kind::kBroken, StepError(), std::move(status)};
  }
  static Flow Of(Kind kind) { return {kind, StepError(), Status()}; }
};

/// What the journal says about one step (step ids are unique in a file, and
/// a step runs at most once per run), including what this drive appended.
/// Pointers into RunDriver::journal_ and RunDriver::appended_.
struct StepHistory {
  const Event* started = nullptr;
  /// call_sent, call_succeeded and call_failed, in order.
  std::vector<const Event*> calls;
  const Event* variables = nullptr;
  const Event* confirmation_requested = nullptr;
  const Event* confirmation_answered = nullptr;
  const Event* succeeded = nullptr;
  const Event* failed = nullptr;
};

/// now() and uuid() of a run's steps (dsl/nondeterminism.h), decided by
/// the journal so that every drive and replay of a step sees the same
/// values: now() is the time journaled with the step's step_started event;
/// the n-th uuid() a step evaluates is derived from the run id, the step id
/// and n.
class StepNondeterminism : public dsl::Nondeterminism {
 public:
  void Enter(const std::string& run_id, const std::string& step,
             int64_t time_ms, int* uuid_count) {
    run_id_ = &run_id;
    step_ = &step;
    time_ms_ = time_ms;
    uuid_count_ = uuid_count;
  }
  int64_t NowMs() override { return time_ms_; }
  std::string NewUuid() override;

 private:
  const std::string* run_id_ = nullptr;
  const std::string* step_ = nullptr;
  int64_t time_ms_ = 0;
  int* uuid_count_ = nullptr;
};

/// Named values in the order they were first set, their names made CEL
/// strings once; `changed` since they were last bound for expressions.
struct NamedValues {
  std::vector<std::pair<dsl::Value, dsl::Value>> entries;
  bool changed = false;
};

class RunDriver {
 public:
  /// `state`: what the drive that parked the run had made of `journal`
  /// (all of it but the events after state->through_sequence, e.g. the
  /// answer), to start from rather than replaying the journal's results.
  RunDriver(Runner& runner, const RunnerDependencies& deps, RunRecord record,
            std::shared_ptr<const Workflow> workflow,
            std::vector<Event> journal, ActiveRun& active,
            std::optional<ReplayedState> state = std::nullopt);

  /// Walks the workflow from the journal on; the run's status at the end.
  boost::asio::awaitable<Result<RunStatus>> Drive();

  /// After Drive(): the run's whole journal as written (the events it was
  /// driven from, then those it appended), moved out of the driver, which
  /// must not be used afterwards; nullopt when some appended event is not
  /// written (the store failed). With it the drive's state, unless the
  /// drive opened a secret (its values would hold it in clear).
  std::optional<KnownJournal> TakeWrittenJournal();

 private:
  // ---- runner_drive.cc: the walk, and the steps that need no connector
  boost::asio::awaitable<Flow> RunSteps(const StepList& steps);
  boost::asio::awaitable<Flow> RunStep(const Step& step);
  boost::asio::awaitable<Flow> RunStepBody(const Step& step, StepHistory& h);
  Flow RunCheck(const Step& step, StepHistory& h);
  Flow RunSet(const Step& step, StepHistory& h);
  boost::asio::awaitable<Flow> RunSwitch(const Step& step, StepHistory& h);
  boost::asio::awaitable<Flow> RunConfirm(const Step& step, StepHistory& h);
  Flow RunFail(const Step& step, StepHistory& h);
  // ---- runner_workflow.cc: workflow steps
  boost::asio::awaitable<Flow> RunWorkflowStep(const Step& step,
                                               StepHistory& h);
  /// Finds the run an earlier drive of the step started, or starts it. An
  /// error is the store's; when the called workflow is missing or `inputs`
  /// do not fit it, the step fails: `failed` is set to how.
  boost::asio::awaitable<Result<RunSummary>> StartChild(
      const Step& step, const dsl::Value& inputs, std::optional<Flow>& failed);
  StepHistory& StepHistoryOf(const Step& step) { return history_[step.id]; }
  /// The workflow of this run, then of the run whose `workflow` step
  /// started it, and so on up (at most kMaxWorkflowDepth + 1 of them).
  Result<std::vector<std::string>> CallChain() const;
  /// Forwards the parent's answer to the child's prompt, or journals the
  /// child's prompt as the parent's and parks; nullopt: forwarded, go on.
  boost::asio::awaitable<std::optional<Flow>> RelayConfirmation(
      const Step& step, StepHistory& h, Result<RunSummary>& child);
  /// The step's outcome from the child's run_finished event.
  Flow FinishWorkflowStep(const Step& step, const StepHistory& h,
                          const std::string& child_id);
  Flow ReplayLeaf(const Step& step, const StepHistory& h);
  /// Journals the end of a composite step (switch, confirm) once.
  Flow FinishComposite(const Step& step, const StepHistory& h, Flow flow,
                       const nlohmann::json& result);
  /// Journals run_finished for `flow`; `outputs` are those of a run that
  /// succeeded.
  Result<RunStatus> Finish(Flow flow, nlohmann::json outputs);
  /// The workflow's outputs, rendered into `outputs`; Failed (step
  /// "outputs") when one does not render.
  Flow RenderOutputs(nlohmann::json& outputs);

  // ---- runner_call.cc: call and notify steps
  std::optional<StepError> RenderNotification(const Step& step,
                                              dsl::Value& arguments,
                                              nlohmann::json& sent);
  boost::asio::awaitable<Flow> RunCall(const Step& step, StepHistory& h,
                                       const std::string& action,
                                       const dsl::Value& arguments,
                                       nlohmann::json extra_on_success);
  boost::asio::awaitable<std::optional<ActionOutcome>> CallOnce(
      const Step& step, const std::string& action, const dsl::Value& arguments,
      const CallContext& ctx);
  boost::asio::awaitable<bool> Sleep(std::chrono::milliseconds duration);
  /// When `step_id` starts if it starts now (RunnerDependencies::step_time).
  int64_t StepTime(const std::string& step_id) const;
  std::chrono::milliseconds Backoff(const RetryPolicy& policy, int attempt,
                                    const ActionError& error) const;
  /// Whether the action's results have fields to seal (and a key to seal
  /// them with).
  bool HasSecretFields(const std::string& action) const;
  /// The journal form of a call's `result` (SealResult), with the secrets
  /// it holds noted (NoteSecrets); `result` becomes what the run sees,
  /// which is what a resume will read back from the journal (OpenResult):
  /// the connector's own value when the journal's JSON gives it back the
  /// same, else the value read back. An error if it does not read back.
  Result<nlohmann::json> JournalResult(const std::string& action,
                                       const std::string& step,
                                       dsl::Value& result);
  /// The journal form of a call result: secret fields sealed.
  nlohmann::json SealResult(const std::string& action, const std::string& step,
                            const dsl::Value& result) const;
  /// The value a step sees of a journaled result: secrets opened.
  Result<dsl::Value> OpenResult(const std::string& step,
                                const nlohmann::json& journaled) const;
  /// Remembers the clear values of the secret fields of a result (`sealed`
  /// is its journal form, `clear` what the run sees), so that copies of
  /// them in later events are sealed too.
  void NoteSecrets(const nlohmann::json& sealed, const nlohmann::json& clear);
  /// Seals, in the payload of `event` (call arguments, variables, prompts,
  /// messages, outputs), every value that holds a secret the run has seen;
  /// associated data "run-id/step/type/place".
  void SealCopies(Event& event) const;
  /// The payload of `event` with the values SealCopies sealed opened again.
  Result<nlohmann::json> OpenCopies(const Event& event) const;

  // ---- evaluation (runner_drive.cc)
  std::optional<StepError> Evaluate(const Step& step, const Condition& c,
                                    bool& out);
  std::optional<StepError> Evaluate(const Step& step, const TemplateValue& t,
                                    dsl::Value& out);
  std::optional<StepError> Evaluate(const Step& step, const ValueTemplate& t,
                                    dsl::Value& out);
  /// A map with the values of `with:` arguments.
  std::optional<StepError> Evaluate(const Step& step, const TemplateMap& t,
                                    dsl::Value& out);
  StepError ExpressionError(const Step& step, const Position& position,
                            const std::string& text, const dsl::Error& error);
  /// Points now() and uuid() at `step` for the evaluation that follows.
  StepNondeterminism& NondeterminismOf(const Step& step);

  // ---- state
  /// Adds `event` to history_; `event` must not move afterwards.
  void Index(const Event& event);
  Event MakeEvent(const char* type, const std::string& step,
                  nlohmann::json data = nlohmann::json::object()) const;
  /// Adds `events` to the run's journal as the drive sees it, with the
  /// run's new status and step; they are written to the store by the next
  /// Commit(). Always OK (kept a Status for the callers' shape).
  Status Append(std::vector<Event> events, RunStatus status,
                const std::string& current_step);
  /// Writes the events appended since the last commit, in one append (in
  /// the Runner's next batch when the store groups commits), and reports
  /// them to on_event. Awaited before anything leaves the process (a call,
  /// a child run) and before the drive ends: an effect is never made before
  /// the events leading to it are durable, while the events of steps with
  /// no effect (set, check, switch) share the write of the next one.
  boost::asio::awaitable<Status> Commit();
  /// activation_, with steps and vars as they are now.
  const dsl::Activation& Activation();
  void SetStepResult(const std::string& id, dsl::Value result);
  void SetVariable(const std::string& name, dsl::Value value);
  Status RestoreVariables(const std::string& step,
                          const nlohmann::json& values);
  void BindError(dsl::Value error);
  bool Cancelled() const { return active_.cancel_requested; }

  Runner& runner_;
  const RunnerDependencies& deps_;
  RunRecord record_;
  std::shared_ptr<const Workflow> workflow_;
  std::vector<Event> journal_;
  /// Events appended by this drive (a deque: History points into it).
  std::deque<Event> appended_;
  /// How many of appended_ are written; the last sequence written.
  size_t committed_ = 0;
  int64_t committed_sequence_ = 0;
  /// The status and step the uncommitted events leave the run in.
  RunStatus staged_status_ = RunStatus::kRunning;
  std::string staged_step_;
  ActiveRun& active_;
  /// By step id. Hashed, not ordered: a drive looks a step up several
  /// times per step and never walks them in order.
  std::unordered_map<std::string, StepHistory> history_;
  bool finished_ = false;  // run_finished is in the journal
  /// Steps whose outcome is journaled at or before this sequence have
  /// their results and variables in steps_ and vars_ already (a drive
  /// started from a ReplayedState): replaying them restores nothing.
  int64_t replayed_through_ = 0;

  dsl::Activation activation_;
  int steps_slot_ = -1;
  int vars_slot_ = -1;
  int error_slot_ = -1;
  /// Step results (`steps`) and variables (`vars`). activation_ gets a new
  /// map of them only when an expression is next evaluated (Activation()),
  /// not on every change: a replay sets many in a row.
  NamedValues steps_;
  NamedValues vars_;
  dsl::Value error_;
  dsl::Value inputs_;
  /// Whether the drive opened a sealed value (a secret field of a result,
  /// or a copy of one): then its state is not kept when it parks.
  bool opened_secret_ = false;
  /// The clear texts of the secrets this drive has seen (call results'
  /// secret fields), for SealCopies.
  std::vector<std::string> secrets_;
  StepNondeterminism nondeterminism_;
  /// The id of the step nondeterminism_ was last entered for, if any. A
  /// step evaluates many expressions; what it enters is keyed by its id
  /// (its journaled or chosen start time, its uuid() counter) and does not
  /// change within a drive, so entering the same id again is skipped.
  std::optional<std::string> nondeterminism_step_;
  /// uuid() calls evaluated so far by each step in this drive.
  std::unordered_map<std::string, int> uuid_counts_;
  /// The start time of steps that evaluated something before their
  /// step_started event was appended; Append journals that time with it.
  std::unordered_map<std::string, int64_t> step_times_;
  /// The definition's text, read when an expression error needs positions.
  std::optional<std::string> definition_;
};

/// `event`'s payload with the values sealed in run `run_id` opened.
Result<nlohmann::json> OpenEventCopies(const SecretBox* secrets,
                                       const std::string& run_id,
                                       const Event& event);

/// JournalStore::Append, with an exception escaping the store (e.g. a JSON
/// encoder refusing a string that is not UTF-8) turned into an error.
Status AppendToStore(JournalStore& store, const std::string& run_id,
                     int64_t expected_last_sequence,
                     const std::vector<Event>& events, RunStatus status,
                     const std::string& current_step, int64_t time_ms);

/// `got` as an input declared of kind `want`: itself when it is of that
/// kind; a number of another kind that stands for one of `want` converted
/// (JSON does not tell 2 from 2.0 or 3u: an int or uint as a double, a
/// non-negative int or whole double in range as a uint, a whole double in
/// range as an int); nullopt for anything else.
std::optional<dsl::Value> InputAsKind(dsl::ValueKind want,
                                      const dsl::Value& got);

/// The run's inputs as its expressions read them: each typed input as
/// InputAsKind makes it (Runner::CheckInputs has let them in).
dsl::Value TypedInputs(const Workflow& workflow, dsl::Value inputs);

/// Where byte `offset` of an expression written at `position` (the start
/// of its scalar) is in the file whose text is `file_text`
/// (OffsetInScalarText); the scalar's start when it cannot tell.
Position PositionInScalar(const std::string& file_text,
                          const Position& position,
                          const std::string& expression, int32_t offset);

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_RUNNER_DRIVE_H_
