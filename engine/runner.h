// The runner: the interpreter of a loaded Workflow (workflow.h), durable by
// deterministic replay of the run's journal (journal.h, store.h).
//
// To drive a run, the runner reads its journal and walks the workflow's steps
// in order. A step whose outcome is in the journal is not run again: its
// result, the variables it set, the branch it took and the answer it got are
// read back from the journal. The first step without an outcome runs, and
// every effect is appended to the journal before the run goes on: a connector
// call is journaled (`call_sent`, with its idempotency key) before it leaves,
// and its outcome when it returns. A run that stopped anywhere (a crash, a
// confirmation prompt, a full disk) is therefore continued by driving it
// again: completed calls are not repeated, and a call sent but never answered
// is sent again with the same idempotency key.
//
// The event sequence of a run (docs/workflows.md, "Runs and the journal"):
//   run_started
//   step_started, call_sent, [call_failed, call_sent]..., call_succeeded,
//     step_succeeded                                       (call)
//   step_started, variables_set, step_succeeded            (set)
//   step_started, check_failed, step_failed                (check, failing)
//   step_started {branch}, ...branch steps..., step_succeeded   (switch)
//   step_started, confirmation_requested  -- parked --
//     confirmation_answered, step_succeeded                (confirm)
//   step_succeeded {skipped: true}                         (if: false)
//   run_finished {status, outputs | error | outcome}
//
// Writes: a drive keeps the events of steps with no effect (set, check,
// switch) and writes them with the next event that leads to an effect (a
// call sent, a child run started) or with the drive's last events, and
// waits for that write before the effect. With a store that groups commits
// (SQLite), the writes of all the runs ready at once share one transaction.
//
// Threading: a Runner and the runs it drives live on one executor, which
// must not run handlers concurrently (an io_context run by one thread, or a
// strand). Every method must be called, and every awaitable awaited, on that
// executor. A run that waits (on a retry backoff, a slow call) holds no
// thread; a run parked on a confirmation holds nothing at all: its coroutine
// has ended, and Answer() drives it again from the journal.
#ifndef BSSFLOW_ENGINE_RUNNER_H_
#define BSSFLOW_ENGINE_RUNNER_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "engine/actions.h"
#include "engine/connector.h"
#include "engine/journal.h"
#include "engine/parked_journals.h"
#include "engine/secrets.h"
#include "engine/store.h"
#include "engine/workflow.h"

namespace bssflow::engine {

struct ActiveRun;
class WriteBatcher;

/// Where a run stands after Start, Resume or Answer returned.
struct RunSummary {
  std::string run_id;
  RunStatus status = RunStatus::kPending;
  /// Set by Start with Drive::kInBackground only: the run as the store
  /// created it (`created`), or as the store had it when the idempotency key
  /// named a run already. So that a caller can answer with the new run
  /// without reading it back.
  std::optional<CreatedRun> start = std::nullopt;
};

/// A confirmation answer.
enum class Answer { kConfirm, kReject };

/// How long Start and AnswerConfirmation wait for the run they drive.
enum class Drive {
  /// Until the run finishes or parks (the CLI).
  kUntilSettled,
  /// Until the run is created, or the answer journaled; the run is then
  /// driven in the background on the executor (the HTTP API). A background
  /// drive that fails on the infrastructure goes to on_drive_error.
  kInBackground,
};

/// A workflow as loaded now, with the text it was loaded from.
struct NamedWorkflow {
  std::shared_ptr<const Workflow> workflow;  // null: no such workflow
  std::string text;
};

/// How many runs deep `workflow` steps may nest (a run, the run its
/// `workflow` step starts, ...): a deeper one fails its step (kind
/// "invalid", code "too_deep"), which stops a workflow that calls itself.
inline constexpr int kMaxWorkflowDepth = 8;

/// The longest Retry-After a retry waits for. A service that asks for a
/// longer wait is taken as down: the call's error fails the step (which
/// on_error may handle) rather than parking the run for that long.
inline constexpr std::chrono::seconds kMaxRetryAfter{3600};

/// Idempotency keys of the runs that `workflow` steps start begin with this
/// prefix (then "<parent run id>/<step id>"); callers of Start cannot use it.
inline constexpr std::string_view kChildRunKeyPrefix = "child-of:";

/// The run and step of the `workflow` step that started `run` (read from
/// its idempotency key); nullopt for a run started otherwise.
struct StartedBy {
  std::string run_id;
  std::string step;
};
std::optional<StartedBy> ParentOf(const RunRecord& run);

/// ParentOf(run) while that parent is not over (or cannot be read): the
/// run whose prompts it asks, and which alone takes their answers. A parent
/// that is over asks nothing; its child, if left parked, answers for itself.
std::optional<StartedBy> AskingParent(JournalStore& store,
                                      const RunRecord& run);

/// Why a run a `workflow` step started is not answered on its own: its
/// prompts are asked, and answered, through the parent that waits on them.
/// "run C asks its prompts through step 'kid' of run P: answer run P".
std::string AnsweredThroughParent(const RunRecord& run,
                                  const StartedBy& parent);

/// What a Runner needs. References and pointers must outlive the Runner.
struct RunnerDependencies {
  /// Where runs, journals and definitions are kept. Required.
  JournalStore* store = nullptr;
  /// The connectors `call` and `notify` steps reach. Required.
  const ConnectorSet* connectors = nullptr;
  /// The actions' secret result fields; null: no field is secret.
  const ActionCatalog* actions = nullptr;
  /// Seals secret fields in the journal; null: secrets are journaled in
  /// clear (tests and tools only).
  const SecretBox* secrets = nullptr;
  /// Wall-clock time for journal events, milliseconds since the Unix epoch.
  std::function<int64_t()> clock;
  /// Uniform 64-bit random numbers: run ids, idempotency keys, jitter.
  std::function<uint64_t()> random;
  /// The id of each new run; empty: a random UUID. A replay gives the
  /// recorded run its recorded id, so that its uuid() values come back.
  std::function<std::string()> new_run_id;
  /// When a step starts, by step id: its step_started time, and what now()
  /// gives in it. Empty: clock(). A replay gives each step its recorded time.
  std::function<int64_t(const std::string& step_id)> step_time;
  /// Retry backoffs and Retry-After are not waited for (replays, whose
  /// connectors answer from a recording at once). Call timeouts still hold.
  bool skip_waits = false;
  /// The executor runs and timers live on (see the threading note above).
  boost::asio::any_io_executor executor;
  /// The loaded workflow of a stored definition, by content hash, the
  /// workflow's name (as its runs record it) and text (e.g. a cache in front
  /// of LoadWorkflow); null when it does not load. Used by Resume and Answer
  /// for runs not started by this Runner.
  std::function<std::shared_ptr<const Workflow>(const std::string& hash,
                                                const std::string& name,
                                                const std::string& text)>
      workflows;
  /// The current version of a workflow by name, for `workflow` steps; may be
  /// empty (then every `workflow` step fails with "not_found").
  std::function<NamedWorkflow(const std::string& name)> find_workflow;
  /// Called on the executor after events of a run were appended, once per
  /// event and in order (to print a run as it goes, or to log it). `run` is
  /// the run's record as the Runner holds it: its id, workflow, inputs and
  /// callback_url, so that an observer need not read the store; its status,
  /// current step and last sequence may be older than `event`. Events hold
  /// secrets sealed only. Must not call back into the Runner. May be empty.
  std::function<void(const RunRecord& run, const Event& event)> on_event;
  /// Called on the executor when a drive started with Drive::kInBackground
  /// stops on an infrastructure failure (the run stays where its journal
  /// says, to be resumed). May be empty.
  std::function<void(const std::string& run_id, const Status& failure)>
      on_drive_error;
  /// How many runs parked on a confirmation keep their journal in memory
  /// (parked_journals.h), so that the drive an answer starts does not read
  /// it back from the store; the oldest parked is dropped first. 0: none.
  /// Small on purpose: a run answered later than that pays for its kept
  /// journal (freed cold) and gains nothing (docs/operations.md).
  size_t parked_journals = 64;
};

/// Starts, resumes, answers and cancels runs. Infrastructure failures (the
/// store refused a write, a secret does not open, a definition is missing)
/// are Status errors and leave the run where its journal says, to be resumed
/// later; failures of the workflow itself (a call that failed, a check) are
/// journaled and end the run as failed, after on_error handlers.
class Runner {
 public:
  explicit Runner(RunnerDependencies deps);
  /// Runs still suspended on the executor may be destroyed after the Runner
  /// (by destroying their io_context: a crash, for the journal); they must
  /// not be resumed after it.
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  /// Stores `definition_text` under workflow->content_hash, creates a run
  /// of `workflow` with `inputs` (a JSON object, checked against the
  /// declared inputs: an unknown, missing or mistyped input is an error and
  /// no run is created) and drives it until it finishes or parks. With a
  /// non-empty `idempotency_key` that already names a run, returns that run
  /// as it stands and drives nothing. Keys starting with kChildRunKeyPrefix
  /// are refused. `callback_url` is kept with the run (RunRecord).
  boost::asio::awaitable<Result<RunSummary>> Start(
      std::shared_ptr<const Workflow> workflow, std::string definition_text,
      nlohmann::json inputs, std::string idempotency_key,
      Drive drive = Drive::kUntilSettled, std::string callback_url = "");

  /// Drives an unfinished run from its journal, on the definition it started
  /// with; a finished or parked run is returned as it stands.
  boost::asio::awaitable<Result<RunSummary>> Resume(std::string run_id);

  /// What ResumeUnfinished did with one run.
  struct Resumed {
    std::string run_id;
    /// Where the run stands, or why it could not be driven (it stays
    /// unfinished, for the next start).
    Status status;
    RunStatus run_status = RunStatus::kPending;
  };

  /// Drives every unfinished run of the store at once: the pending and
  /// running ones, which a crash, a kill or a shutdown interrupted. Each goes
  /// on from its journal, on the definition it started with; runs parked on
  /// a confirmation stay parked. Runs started by `workflow` steps are driven
  /// by their parent, not here. Returns when every drive has finished or
  /// parked, in the order the store lists the runs; an error when the store
  /// cannot list them.
  boost::asio::awaitable<Result<std::vector<Resumed>>> ResumeUnfinished();

  /// Journals the answer to the run's pending confirmation (`by`: who
  /// answered) and drives the run on. An error when the run is not awaiting
  /// a confirmation, or was started by a `workflow` step whose run is not
  /// over (that run asks its prompts, and is answered instead:
  /// AnsweredThroughParent).
  boost::asio::awaitable<Result<RunSummary>> AnswerConfirmation(
      std::string run_id, Answer answer, std::string by,
      Drive drive = Drive::kUntilSettled);

  /// Cancels a run. A run driven by this Runner stops at its next step or
  /// wait (an abandoned call is cancelled) and finishes as cancelled; any
  /// other unfinished run is finished as cancelled at once. Cancelling a
  /// cancelled run is not an error; cancelling one that finished otherwise
  /// is. A run parked on the prompt of a `workflow` step's run cancels that
  /// run too.
  boost::asio::awaitable<Status> Cancel(std::string run_id);

  /// Whether `inputs` suit `workflow`: a JSON object with every required
  /// input, no undeclared one, and each of its declared kind. Start checks
  /// this too; callers use it to tell bad input from a failing engine.
  static Status CheckInputs(const Workflow& workflow,
                            const nlohmann::json& inputs);

  /// Runs being driven right now (not parked ones).
  size_t active_runs() const { return active_.size(); }

  /// The journals (and states) kept for parked runs' answers.
  const ParkedJournals& parked_journals() const { return parked_journals_; }

 private:
  friend class RunDriver;  // starts the runs of `workflow` steps

  enum class AnswerFrom { kCaller, kParentRun };
  /// AnswerConfirmation; with kParentRun, a parent forwarding the answer
  /// it was given to the child that asked the prompt.
  boost::asio::awaitable<Result<RunSummary>> AnswerParkedRun(
      std::string run_id, Answer answer, std::string by, Drive drive,
      AnswerFrom from);

  /// Start without the check of the key's prefix.
  boost::asio::awaitable<Result<RunSummary>> StartRun(
      std::shared_ptr<const Workflow> workflow, std::string definition_text,
      nlohmann::json inputs, std::string idempotency_key,
      Drive drive = Drive::kUntilSettled, std::string callback_url = "");
  /// Drives the run from `record`. `journal`: the run's journal when the
  /// caller knows it, and knows `record` to be current (a run this call
  /// created, that nothing else has seen yet: empty; a parked run's kept
  /// journal with the answer this call wrote, and the parking drive's
  /// state when kept); else it is read from the store, and the record again
  /// if the journal has grown past it. A run the drive parks leaves its
  /// journal, and its state when it has opened no secret, in
  /// parked_journals_.
  boost::asio::awaitable<Result<RunSummary>> DriveRun(
      RunRecord record, std::shared_ptr<const Workflow> workflow,
      std::optional<KnownJournal> journal = std::nullopt);
  /// Drives the run detached on the executor; failures to on_drive_error.
  void DriveInBackground(std::string run_id);
  /// Resume, from `record` rather than from the store (a run this Runner
  /// just moved on, whose record it has), and from `journal` when the
  /// caller has it (as DriveRun).
  boost::asio::awaitable<Result<RunSummary>> ResumeFrom(
      RunRecord record, std::optional<KnownJournal> journal = std::nullopt);
  /// DriveInBackground, from `record` (and `journal`, as ResumeFrom).
  void DriveInBackground(RunRecord record,
                         std::optional<KnownJournal> journal);
  /// The same for a run just created: its record and workflow are known.
  /// Called on the executor, the drive begins before this returns, so
  /// nothing can have touched the run, and its journal is not read (it is
  /// empty); begun later, it reads the journal, and the record if stale.
  void DriveNewInBackground(RunRecord record,
                            std::shared_ptr<const Workflow> workflow);
  /// Waits until a drive of `run_id` that is writing its last events is
  /// gone (ActiveRun::finishing); at once when there is none. Whether it
  /// waited.
  boost::asio::awaitable<bool> AwaitFinishingDrive(const std::string& run_id);
  /// Appends `event`, the answer or the cancel of a run no drive holds, to
  /// its journal after `expected` (in the next batch when the store groups
  /// commits). While it is being written, the run is in writing_: every
  /// other answer or cancel of it waits (AwaitWrite), then reads it again.
  boost::asio::awaitable<Status> AppendOutsideDrive(const std::string& run_id,
                                                    int64_t expected,
                                                    const Event& event,
                                                    RunStatus status);
  /// Waits until no answer or cancel of `run_id` is being written.
  boost::asio::awaitable<void> AwaitWrite(const std::string& run_id);
  Result<std::shared_ptr<const Workflow>> WorkflowOf(const RunRecord& record);
  /// The child run whose prompt `run` is parked on, or "".
  std::string ParkedChild(const RunRecord& run);

  RunnerDependencies deps_;
  /// Runs being driven, by id; the drive's coroutine owns the ActiveRun.
  std::map<std::string, ActiveRun*> active_;
  /// Runs whose answer or cancel is being written (AppendOutsideDrive).
  std::set<std::string> writing_;
  /// The journals of runs the drives parked, for the answers' drives.
  ParkedJournals parked_journals_;
  /// Workflows of runs started here, by content hash.
  std::map<std::string, std::shared_ptr<const Workflow>> started_;
  /// Writes the drives' appends in batches when the store groups commits
  /// (JournalStore::GroupsCommits); null otherwise.
  std::unique_ptr<WriteBatcher> batcher_;
};

/// A random (version 4) UUID drawn from `random`.
std::string NewUuid(const std::function<uint64_t()>& random);

/// A time-ordered (version 7, RFC 9562) UUID: `time_ms` (milliseconds since
/// the Unix epoch) in its first 48 bits, then 74 bits drawn from `random`.
/// Run ids are made so: a store's index of ids then grows at its end, where
/// random ids would touch a page of their own per new run.
std::string NewTimeOrderedUuid(int64_t time_ms,
                               const std::function<uint64_t()>& random);

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_RUNNER_H_
